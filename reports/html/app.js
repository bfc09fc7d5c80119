// pushlab report viewer: filters, scenario list and scenario view, drawn from the JSON embedded in
// #report-data. Plain browser JS, no dependencies, works from file://. Every piece of report data is
// inserted as text (textContent), never as HTML.
(function () {
  "use strict";

  var NO_RULE = "(none)"; // matches reports/html/matrix.ts
  var CHUNK = 100; // list rows drawn at a time; more are appended as the list scrolls
  var ORDER = ["failed", "broken", "deviation", "skipped", "passed"];
  var LABEL = { passed: "passed", failed: "failed", deviation: "deviation", broken: "broken", skipped: "skipped" };
  var LEVEL_TITLE = { "xep-0357": "XEP-0357 conformance", reference: "agreement with the reference behaviour", interop: "interoperability with real servers and push services", hardening: "hardening" };
  var KIND_LABEL = { step: "step", out: "sent", "in": "received", push: "push", "app-reply": "app reply", server: "server", check: "check", note: "note" };

  var report;
  try {
    report = JSON.parse(document.getElementById("report-data").textContent);
  } catch (e) {
    document.getElementById("detail").textContent = "Could not read the embedded report data: " + e;
    return;
  }

  var versions = {};
  report.targets.forEach(function (t) { versions[t.name] = t.version; });

  // One entry per scenario run, failures first (then run order), with a lower-case search text.
  var runs = report.scenarios.map(function (s, i) {
    var hay = [s.name, s.id, s.file, s.target, s.verdict, s.rules.join(" "), s.deviation || "", s.skipReason || ""]
      .concat(s.findings.map(function (f) { return f.check + " " + f.message; }))
      .join("\n").toLowerCase();
    return { s: s, i: i, hay: hay };
  });
  // Failures that count come first; an informational one (outside its target's profile) after them.
  function rank(s) {
    var r = ORDER.indexOf(s.verdict);
    return s.counted === false && (s.verdict === "failed" || s.verdict === "broken") ? r + 1.5 : r;
  }
  runs.sort(function (a, b) { return rank(a.s) - rank(b.s) || a.i - b.i; });

  var $ = function (id) { return document.getElementById(id); };
  var controls = { failed: $("f-failed"), rule: $("f-rule"), target: $("f-target"), verdict: $("f-verdict"), q: $("f-q") };
  var list = $("list"), more = $("more"), detail = $("detail"), count = $("count");

  var state = { failed: false, rule: "", target: "", verdict: "", q: "", scenario: "", on: "" };
  var filtered = [], shown = 0, listKey = null, detailKey = null;

  // ---- tiny DOM builder: h("div", {class: "x"}, child, "text", …) ----
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "onclick") el.addEventListener("click", v);
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { append(el, x); });
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }

  function formatTime(ms) {
    if (ms < 1000) return (Math.round(ms * 10) / 10) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(3) + " s";
    var m = Math.floor(ms / 60000);
    return m + ":" + ((ms % 60000) / 1000).toFixed(3).padStart(6, "0");
  }
  function formatLocation(l) { return l.file + ":" + l.line + ":" + l.col; }
  // An offset from the scenario's start; one before it is said so, never "+-1500 ms".
  function offset(ms) { return ms < 0 ? formatTime(-ms) + " before" : "+" + formatTime(ms); }

  // ---- state <-> hash: #scenario=<id>&on=<target>&rule=…&target=…&verdict=…&failed=1&q=… ----
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    return {
      failed: p.get("failed") === "1",
      rule: p.get("rule") || "",
      target: p.get("target") || "",
      verdict: p.get("verdict") || "",
      q: p.get("q") || "",
      scenario: p.get("scenario") || "",
      on: p.get("on") || "",
    };
  }
  function hashOf(st) {
    var p = new URLSearchParams();
    if (st.scenario) p.set("scenario", st.scenario);
    if (st.scenario && st.on) p.set("on", st.on);
    if (st.failed) p.set("failed", "1");
    ["rule", "target", "verdict", "q"].forEach(function (k) { if (st[k]) p.set(k, st[k]); });
    var s = p.toString();
    return s ? "#" + s : "";
  }
  function scenarioHash(s) {
    return hashOf(Object.assign({}, state, { scenario: s.id, on: s.target }));
  }
  // Filters replace the history entry (typing must not flood it); opening a scenario adds one.
  function commitFilters() {
    history.replaceState(null, "", hashOf(state) || location.pathname + location.search);
    render();
  }

  function syncControls() {
    controls.failed.checked = state.failed;
    controls.rule.value = state.rule;
    controls.target.value = state.target;
    controls.verdict.value = state.verdict;
    if (controls.q.value !== state.q) controls.q.value = state.q;
    // A rule or target missing from the selects (hand-edited link) still filters; show it.
    ["rule", "target"].forEach(function (k) {
      if (state[k] && controls[k].value !== state[k]) {
        controls[k].append(h("option", { value: state[k] }, state[k]));
        controls[k].value = state[k];
      }
    });
  }

  function matches(r) {
    var s = r.s;
    if (state.failed && s.verdict !== "failed" && s.verdict !== "broken") return false;
    if (state.verdict && s.verdict !== state.verdict) return false;
    if (state.target && s.target !== state.target) return false;
    if (state.rule) {
      if (state.rule === NO_RULE ? s.rules.length > 0 : s.rules.indexOf(state.rule) < 0) return false;
    }
    if (state.q) {
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var i = 0; i < words.length; i++) if (r.hay.indexOf(words[i]) < 0) return false;
    }
    return true;
  }

  // ---- list ----
  function renderList() {
    var key = JSON.stringify([state.failed, state.rule, state.target, state.verdict, state.q]);
    if (key === listKey) return markCurrent();
    listKey = key;
    filtered = runs.filter(matches);
    list.textContent = "";
    shown = 0;
    appendChunk();
    var active = state.failed || state.rule || state.target || state.verdict || state.q;
    count.textContent = active
      ? filtered.length + " of " + runs.length + " scenario runs match"
      : runs.length + " scenario runs";
    if (filtered.length === 0) list.append(h("li", { class: "empty" }, "No scenario run matches these filters."));
  }

  function appendChunk() {
    var frag = document.createDocumentFragment();
    var end = Math.min(shown + CHUNK, filtered.length);
    for (var i = shown; i < end; i++) frag.append(row(filtered[i].s));
    list.append(frag);
    shown = end;
    more.hidden = shown >= filtered.length;
    if (!more.hidden) more.textContent = "Show more (" + (filtered.length - shown) + " left)";
    markCurrent();
  }

  function row(s) {
    var first = s.findings[0];
    var note = s.verdict === "deviation" ? s.deviation : s.verdict === "skipped" ? s.skipReason : first && first.message;
    return h("li", null, h("a", {
      class: "row",
      href: scenarioHash(s),
      "data-id": s.id,
      "data-target": s.target,
      "data-verdict": s.verdict,
    },
      h("span", { class: "badges" }, h("span", { class: "badge v-" + s.verdict }, LABEL[s.verdict]),
        s.counted === false && (s.verdict === "failed" || s.verdict === "broken") ? h("span", { class: "badge info", title: "outside this target's profile: it does not fail the run" }, "informational") : null),
      h("span", { class: "row-main" },
        h("span", { class: "row-name" }, s.name),
        h("span", { class: "row-meta" }, s.file + (s.rules.length ? " · " + s.rules.join(" ") : "")),
        note ? h("span", { class: "row-note" }, note) : null),
      h("span", { class: "row-target" }, s.target)));
  }

  function markCurrent() {
    var links = list.querySelectorAll("a.row");
    var c = current();
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var cur = a.getAttribute("data-id") === c.id && a.getAttribute("data-target") === c.target;
      if (cur) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    }
  }

  // The scenario named by the hash: on the requested target, else the filtered target, else the
  // first run of that id (ids are the same on every target).
  // With none named, the first run of the list (failures come first), so the first failure's
  // detail is on screen without a click.
  function current() {
    if (!state.scenario) return filtered.length ? filtered[0].s : {};
    var all = report.scenarios.filter(function (s) { return s.id === state.scenario; });
    return all.filter(function (s) { return s.target === (state.on || state.target); })[0] || all[0] || {};
  }

  // ---- scenario view ----
  function renderDetail() {
    var s = current();
    var key = s.id ? s.id + "\u0000" + s.target : "";
    if (key === detailKey) return;
    detailKey = key;
    detail.textContent = "";
    if (!state.scenario && !s.id) {
      detail.append(h("p", { class: "empty" }, "Select a scenario to see its timeline, pushes and findings."));
      return;
    }
    if (!s.id) {
      detail.append(h("p", { class: "callout v-broken" }, "No scenario “" + state.scenario + "” in this report."));
      return;
    }
    var others = report.scenarios.filter(function (o) { return o.id === s.id && o.target !== s.target; });
    var pushes = s.timeline.filter(function (e) { return e.kind === "push"; });
    var locLines = {};
    s.findings.forEach(function (f) { if (f.location && f.location.file === s.file) locLines[f.location.line] = "marked"; });
    (s.deviations || []).forEach(function (d) { if (d.view && d.view.line && !locLines[d.view.line]) locLines[d.view.line] = "deviating"; });

    append(detail, [
      h("header", { class: "detail-head" },
        h("div", { class: "detail-title" },
          h("span", { class: "badge v-" + s.verdict }, LABEL[s.verdict]),
          h("h3", { id: "detail-h" }, s.name)),
        h("p", { class: "detail-meta" },
          h("span", null, "on ", h("strong", null, s.target), versions[s.target] ? " " + versions[s.target] : ""),
          h("span", null, h("code", null, s.file)),
          h("span", null, "took " + formatTime(s.durationMs) + (s.virtualMs !== undefined ? " · " + formatTime(s.virtualMs) + " on the target clock" : "")),
          h("a", { href: scenarioHash(s), class: "permalink" }, "Link to this run")),
        h("p", { class: "detail-rules" }, s.rules.map(function (r) {
          return h("button", { type: "button", class: "rule-link", "data-rule": r, title: "Show the scenarios of " + r }, r);
        }), others.length ? h("span", { class: "also" }, "Also on: ", others.map(function (o) {
          return h("a", { href: scenarioHash(o), class: "badge v-" + o.verdict }, o.target + " " + LABEL[o.verdict]);
        })) : null)),
      s.level ? h("p", { class: "detail-level" }, "Level: ", h("strong", null, LEVEL_TITLE[s.level] || s.level),
        s.counted === false ? h("span", { class: "muted" }, " — informational: outside this target's profile, it does not fail the run") : null) : null,
      s.verdict === "deviation" && !(s.deviations || []).length ? h("p", { class: "callout v-deviation" }, h("strong", null, "Declared deviation: "), s.deviation || "(no reason given)") : null,
      (s.deviations || []).length ? section("Declared differences, as observed", s.deviations.length, s.deviations.map(function (d) { return evidence(d, s.target); })) : null,
      s.verdict === "skipped" ? h("p", { class: "callout v-skipped" }, h("strong", null, "Skipped: "), s.skipReason || "(no reason given)") : null,
      s.findings.length ? section("Findings", s.findings.length, s.findings.map(function (f) { return finding(f, s.verdict); })) : null,
      pushes.length ? section("Pushes received by the app server", pushes.length, pushes.map(push)) : null,
      section("Timeline", s.timeline.length, timeline(s.timeline, deviatingSteps(s))),
      section("Scenario source", null, source(s.source, locLines))]);
  }

  // Expected vs declared vs observed; the lines where the declaration departs from the scenario
  // are marked on both sides, and the declaration's source, versions and link follow.
  function evidence(d, target) {
    var src = d.source || {};
    var v = d.view || { expected: d.expected, declared: d.declared, observed: d.observed, stanzas: [] };
    return h("div", { class: "finding v-deviation evidence", "data-step": d.step !== undefined ? d.step + 1 : null },
      h("p", { class: "finding-head" }, h("span", { class: "check" }, "≈ declared deviation"),
        d.step !== undefined ? h("span", { class: "where" }, "step " + (d.step + 1)) : null),
      h("p", { class: "reason" }, d.reason,
        d.conformingAlternative ? h("span", { class: "muted" }, " (this run met a conforming alternative of the declaration)") : null),
      h("div", { class: "diff three" },
        argSide("The scenario expects", v.expected, v.declared, true, "expected"),
        argSide("Declared for " + target, v.declared, v.expected, false, "declared"),
        diffSide("Observed in this run", v.observed, undefined, "observed")),
      stanzaList(v.stanzas, "pushes", v.pushCount),
      h("dl", { class: "declaration" },
        h("dt", null, "Declared in"), h("dd", null, h("code", null, src.file + ":" + src.line)),
        h("dt", null, "Observed on"), h("dd", null, src.observedOn && src.observedOn.length ? src.observedOn.join("; ") : h("span", { class: "muted" }, "no versions given")),
        src.xep ? [h("dt", null, "XEP-0357"), h("dd", null, src.xep === "none" ? "no requirement violated" : src.xep)] : null,
        h("dt", null, "Link"), h("dd", null, src.link ? h("a", { href: src.link, rel: "noopener noreferrer" }, src.link) : h("span", { class: "muted" }, "none given"))));
  }

  // Step arguments, one "key: value" a line. A declaration replaces the arguments it names: on the
  // scenario's side the lines it replaces are marked, on the declaration's side every line that
  // says something else.
  function argSide(title, text, other, replacedOnly, cls) {
    var top = function (l) { return l.split(/[.:[]/)[0]; };
    var otherLines = {}, otherKeys = {};
    (other || "").split("\n").forEach(function (l) { otherLines[l] = true; otherKeys[top(l)] = true; });
    var pre = h("pre", { class: "code" });
    (text || "").split("\n").forEach(function (l, i) {
      if (i) pre.append("\n");
      var changed = !otherLines[l] && (!replacedOnly || otherKeys[top(l)]);
      pre.append(changed ? h("mark", { class: "changed" }, l) : l);
    });
    return h("div", { class: "diff-side " + cls }, h("div", { class: "diff-title" }, title), pre);
  }

  function stanzaList(stanzas, what, total) {
    if (!stanzas || !stanzas.length) return null;
    var n = stanzas.length;
    var label = (total && total > n ? "the first " + n + " of " + total + " " : n + " ") + (n === 1 && !(total > n) ? what.replace(/es$|s$/, "") : what) + " as XML";
    return h("details", { class: "stanzas" }, h("summary", null, label),
      stanzas.map(function (x) { return h("pre", { class: "code xml" }, highlightXml(x)); }));
  }

  function section(title, n, body) {
    return h("section", { class: "detail-section" }, h("h4", null, title, n !== null ? h("span", { class: "n" }, " " + n) : null), body);
  }

  // The field difference first (push content), else expected vs actual; stanzas behind a toggle.
  function finding(f, verdict) {
    var where = [f.location ? formatLocation(f.location) : null, f.step !== undefined ? "step " + (f.step + 1) : null].filter(Boolean).join(" · ");
    var v = f.view || { expected: f.expected, actual: f.actual };
    var body;
    if (v.fields) {
      body = [h("ul", { class: "field-diff" }, v.fields.map(function (l) { return h("li", null, h("code", null, l)); })),
        h("details", { class: "stanzas", open: true }, h("summary", null, "the push"), v.stanzas.map(function (x) { return h("pre", { class: "code xml" }, highlightXml(x)); }))];
    } else if (v.expected !== undefined || v.actual !== undefined) {
      body = [h("div", { class: "diff" },
        diffSide("Expected", v.expected, v.actual, "expected"),
        diffSide("Actual", v.actual, v.expected, "actual")), stanzaList(v.stanzas, "pushes", v.pushCount)];
    }
    return h("div", { class: "finding v-" + verdict },
      h("p", { class: "finding-head" }, h("code", { class: "check" }, f.check), " ", f.message,
        where ? h("span", { class: "where" }, where) : null),
      body || null);
  }

  // Lines absent from the other side are marked, a cheap but useful line diff.
  function diffSide(title, text, other, cls) {
    var otherLines = {};
    (other || "").split("\n").forEach(function (l) { otherLines[l.trim()] = true; });
    var pre = h("pre", { class: "code" });
    if (text === undefined) pre.append(h("span", { class: "muted" }, "(nothing recorded)"));
    else text.split("\n").forEach(function (l, i) {
      if (i) pre.append("\n");
      pre.append(other === undefined || otherLines[l.trim()] ? highlightXml(l) : h("mark", { class: "changed" }, highlightXml(l)));
    });
    return h("div", { class: "diff-side " + cls }, h("div", { class: "diff-title" }, title), pre);
  }

  function push(e) {
    return h("div", { class: "push" },
      h("p", { class: "push-head" }, h("span", { class: "time" }, offset(e.t)), " ", h("strong", null, e.actor), e.text ? " — " + e.text : ""),
      e.xml ? h("pre", { class: "code xml" }, highlightXml(e.xml)) : null);
  }

  function deviatingSteps(s) {
    var steps = {};
    (s.deviations || []).forEach(function (d) { if (d.step !== undefined) steps[d.step + 1] = true; });
    return steps;
  }

  // Time, actor, what kind, what happened; a step that differed as declared is marked as such (its
  // step row and its check), never as a plain pass.
  function timeline(events, deviating) {
    if (!events.length) return h("p", { class: "muted" }, "No events were recorded.");
    return h("table", { class: "timeline" },
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Time"), h("th", { scope: "col" }, "Actor"), h("th", { scope: "col" }, "Event"), h("th", { scope: "col" }, "What happened"))),
      h("tbody", null, events.map(function (e) {
        var ok = e.kind === "check" ? (e.deviation ? " deviation" : e.ok ? " ok" : " not-ok") : "";
        var stepNo = e.kind === "step" && /^(\d+)\./.exec(e.text || "");
        var marked = stepNo && deviating[stepNo[1]] ? " deviating" : "";
        var label = e.kind === "check" ? (e.deviation ? "≈ deviation, as declared" : e.ok ? "✓ check" : "✗ check") : KIND_LABEL[e.kind] || e.kind;
        return h("tr", { class: "k-" + e.kind + ok + marked },
          h("td", { class: "time" }, offset(e.t)),
          h("td", { class: "actor" }, e.actor),
          h("td", { class: "kind-cell" }, h("span", { class: "kind" }, label), marked ? h("span", { class: "kind deviation-mark" }, "≈ declared deviation") : null),
          h("td", { class: "what" },
            e.text ? h("span", null, e.text) : null,
            e.xml ? h("details", { class: "stanza" }, h("summary", null, stanzaSummary(e.xml)), h("pre", { class: "code xml" }, highlightXml(e.xml))) : null));
      })));
  }

  function stanzaSummary(xml) {
    var m = /^<([^\s>/]+)([^>]*)>?/.exec(xml.trim());
    if (!m) return "XML";
    var type = /\stype=["']([^"']*)/.exec(m[2]);
    var n = xml.split("\n").length;
    return "<" + m[1] + (type ? " type=" + type[1] : "") + "> · " + n + (n === 1 ? " line" : " lines");
  }

  function source(text, marked) {
    var pre = h("pre", { class: "code source" });
    text.split("\n").forEach(function (l, i) {
      var n = i + 1;
      pre.append(h("span", { class: "line" + (marked[n] ? " " + marked[n] : ""), "data-line": n }, highlightYaml(l)), "\n");
    });
    return pre;
  }

  // ---- light syntax colouring (DOM nodes, never innerHTML) ----
  function highlightXml(text) {
    var frag = document.createDocumentFragment();
    var re = /<\/?[^\s>/]+|\s[\w:.-]+=|"[^"]*"|'[^']*'|\/?>/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      var t = m[0];
      var cls = t[0] === "<" || t[t.length - 1] === ">" ? "x-tag" : t[t.length - 1] === "=" ? "x-attr" : "x-val";
      frag.append(h("span", { class: cls }, t));
      last = re.lastIndex;
    }
    if (last < text.length) frag.append(text.slice(last));
    return frag;
  }
  function highlightYaml(line) {
    var frag = document.createDocumentFragment();
    var m = /^(\s*(?:-\s+)?)([\w.@-]+)(:)(.*)$/.exec(line);
    if (/^\s*#/.test(line)) frag.append(h("span", { class: "y-comment" }, line));
    else if (m) frag.append(m[1], h("span", { class: "y-key" }, m[2]), m[3], m[4]);
    else frag.append(line);
    return frag;
  }

  // ---- wiring ----
  function render() {
    syncControls();
    renderList();
    renderDetail();
  }

  function applyHash() {
    var before = state.scenario + "\u0000" + state.on;
    state = readHash();
    render();
    if (state.scenario && before !== state.scenario + "\u0000" + state.on) {
      detail.scrollIntoView({ block: "start" });
      detail.focus({ preventScroll: true });
    }
  }

  controls.failed.addEventListener("change", function () { state.failed = controls.failed.checked; commitFilters(); });
  ["rule", "target", "verdict"].forEach(function (k) {
    controls[k].addEventListener("change", function () { state[k] = controls[k].value; commitFilters(); });
  });
  controls.q.addEventListener("input", function () { state.q = controls.q.value.trim(); commitFilters(); });
  $("f-clear").addEventListener("click", function () {
    state.failed = false; state.rule = state.target = state.verdict = state.q = "";
    commitFilters();
  });
  more.addEventListener("click", appendChunk);
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && !more.hidden) appendChunk();
    }, { root: more.parentElement, rootMargin: "400px" }).observe(more); // the list pane scrolls, not the page
  }

  // A total lists the runs of its verdict.
  document.querySelectorAll("button[data-total]").forEach(function (b) {
    b.addEventListener("click", function () {
      state.verdict = b.getAttribute("data-total") || "";
      state.failed = false; state.rule = state.target = state.q = state.scenario = state.on = "";
      commitFilters();
      document.getElementById("scenarios").scrollIntoView({ block: "start" });
    });
  });

  // Matrix cells and rule links (also those in the scenario view) set the filters.
  document.addEventListener("click", function (ev) {
    var el = ev.target instanceof Element ? ev.target.closest("button[data-cell], button.rule-link") : null;
    if (!el) return;
    state.rule = el.getAttribute("data-rule") || "";
    state.failed = false;
    state.q = "";
    if (el.hasAttribute("data-cell")) {
      state.target = el.getAttribute("data-target") || "";
      state.verdict = el.getAttribute("data-verdict") || "";
    } else {
      state.target = "";
      state.verdict = "";
    }
    commitFilters();
    document.getElementById("scenarios").scrollIntoView({ block: "start" });
  });

  // Printing shows every collapsed stanza of the open scenario.
  window.addEventListener("beforeprint", function () {
    detail.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  window.addEventListener("hashchange", applyHash);

  applyHash();
  document.documentElement.setAttribute("data-ready", "");
  window.__pushlabReadyAt = performance.now();
})();

// A deterministic RunReport for report tests: n scenarios, each run on two targets (engine and
// prosody), so 2n scenario runs with every verdict, findings with expected/actual and locations,
// timelines with stanzas and pushes. Patterns are by index, so any n >= 12 has every verdict on
// prosody and a failure on the engine.
import type { BenchReport, DeviationEvidence, Finding, RuleInfo, RunReport, ScenarioResult, Verdict } from "../../simulator/results.ts";
import { emptyLevelStats, emptyStats } from "../../simulator/results.ts";
import type { TraceEvent } from "../../simulator/trace.ts";

export interface SyntheticOptions {
  startedAt?: string;
  /** Add a bench section (load-run charts). */
  bench?: boolean;
  /** Put hostile text (</script>, control chars, quotes) into one scenario. Default true. */
  hostile?: boolean;
}

export const SYNTHETIC_RULES: RuleInfo[] = [
  { id: "R-ENABLE", title: "An enable IQ with a valid node registers the device and is answered with a result", level: "xep-0357", section: "5", keyword: "SHOULD", family: "registration" },
  { id: "R-DISABLE", title: "A disable IQ removes the registration (one node, or all nodes of the app server)", level: "xep-0357", section: "6", keyword: "MUST", family: "registration" },
  { id: "R-PUSH-OFFLINE", title: "A message to an account with no online resource triggers one push per registration", level: "xep-0357", section: "7", keyword: "SHOULD", family: "delivery" },
  { id: "R-PUSH-HIBERNATE", title: "A message to a hibernated stream-management session triggers a push", level: "reference", family: "delivery" },
  { id: "R-SUMMARY", title: "The push carries a urn:xmpp:push:summary form with message-count and last-message-sender", level: "reference", family: "payload" },
  { id: "R-BODY", title: "The message body is included only when the server is configured to include it", level: "reference", family: "payload" },
  { id: "R-ERROR-DISABLE", title: "An error reply from the app server eventually disables the registration", level: "reference", family: "errors" },
  { id: "R-MAX-DEVICES", title: "Registrations beyond push_max_devices evict the oldest one", level: "hardening", family: "limits" },
  { id: "R-VETO-REG", title: "A server-side veto rejects the enable IQ with the configured error", level: "reference", family: "hooks" },
  { id: "R-VETO-PUSH", title: "A server-side veto suppresses the push", level: "reference", family: "hooks" },
  { id: "R-UNUSED", title: "A catalog rule no scenario covers yet (keeps an empty matrix row)", level: "hardening", family: "coverage" },
];
const USED_RULES = SYNTHETIC_RULES.slice(0, -1).map((r) => r.id);
/** Used by some scenarios but absent from the catalog: the matrix must still show it. */
export const UNCATALOGUED_RULE = "R-X-UNCATALOGUED";

export const HOSTILE_TEXT = `</script><script>window.__xss = 1</script><!-- & "quotes" 'apos' \u0001 ctrl`;

const TARGETS: { name: string; version: string; details: Record<string, string> }[] = [
  { name: "engine", version: "0.1.0", details: { kind: "in-process", clock: "virtual" } },
  { name: "prosody", version: "0.12.3", details: { mod_cloud_notify: "0.12 (prosody-modules)", transport: "c2s over TCP" } },
];

export function expectedVerdict(i: number, target: string): Verdict {
  if (target === "engine") return i % 13 === 9 ? "failed" : i % 23 === 5 ? "skipped" : "passed";
  if (i % 29 === 11) return "broken";
  if (i % 10 === 3) return "failed";
  if (i % 10 === 7) return "deviation";
  if (i % 17 === 2) return "skipped";
  return "passed";
}

function slug(i: number): string {
  return `case-${String(i).padStart(3, "0")}`;
}

function rulesFor(i: number): string[] {
  const a = USED_RULES[i % USED_RULES.length]!;
  const b = USED_RULES[(i * 7 + 3) % USED_RULES.length]!;
  if (i % 50 === 4) return [UNCATALOGUED_RULE];
  if (i % 61 === 8) return [];
  return i % 3 === 0 && a !== b ? [a, b] : [a];
}

function sourceFor(i: number, name: string, rules: string[], hostile: boolean): string {
  return [
    `# ${hostile ? HOSTILE_TEXT : "Offline delivery triggers a push with a summary"}`,
    `name: ${name}`,
    `rules: [${rules.join(", ")}]`,
    `personas:`,
    `  - name: alice`,
    `    account: alice`,
    `    resource: phone`,
    `  - name: bob`,
    `    account: bob`,
    `apps:`,
    `  - name: app1`,
    `options:`,
    `  push_notification_with_body: ${i % 2 === 0}`,
    `steps:`,
    `  - alice: enable push on app1 node "n-${i}"`,
    `  - alice: disconnect`,
    `  - bob: send message to alice "hello ${i}"`,
    `  - expect:`,
    `      app1: receives 1 push within 30s`,
    `      fields:`,
    `        message-count: 1`,
    `        last-message-sender: bob@example.test/laptop`,
    ``,
  ].join("\n");
}

const PUSH_XML = (i: number, count: number) =>
  `<iq type="set" from="example.test" to="app1.example.test" id="push-${i}"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="n-${i}"><item><notification xmlns="urn:xmpp:push:0"><x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE"><value>urn:xmpp:push:summary</value></field><field var="message-count"><value>${count}</value></field><field var="last-message-sender"><value>bob@example.test/laptop</value></field></x></notification></item></publish></pubsub></iq>`;

function timelineFor(i: number, verdict: Verdict): TraceEvent[] {
  if (verdict === "skipped" || verdict === "broken") return verdict === "broken" ? [{ t: 0, kind: "note", actor: "runner", text: "scenario could not be loaded" }] : [];
  const pushed = verdict !== "failed" || i % 2 === 1;
  const events: TraceEvent[] = [
    { t: 0, kind: "step", actor: "runner", text: `step 1: alice enables push on app1 node "n-${i}"` },
    { t: 1.2, kind: "out", actor: "alice", text: "enable", xml: `<iq type="set" id="en-${i}"><enable xmlns="urn:xmpp:push:0" jid="app1.example.test" node="n-${i}"/></iq>` },
    { t: 3.4, kind: "in", actor: "alice", text: "result", xml: `<iq type="result" id="en-${i}" to="alice@example.test/phone"/>` },
    { t: 4, kind: "step", actor: "runner", text: "step 2: alice disconnects" },
    { t: 5, kind: "server", actor: "server", text: "alice@example.test/phone hibernated (smacks), 300 s" },
    { t: 6, kind: "step", actor: "runner", text: "step 3: bob sends a message to alice" },
    { t: 7.5, kind: "out", actor: "bob", text: "message", xml: `<message to="alice@example.test" type="chat" id="m-${i}"><body>hello ${i} &amp; welcome</body></message>` },
  ];
  if (pushed) {
    events.push(
      { t: 1240 + i, kind: "push", actor: "app1", text: "push to node n-" + i, xml: PUSH_XML(i, verdict === "failed" ? 2 : 1) },
      { t: 1241 + i, kind: "app-reply", actor: "app1", text: "result", xml: `<iq type="result" id="push-${i}" to="example.test"/>` },
    );
  }
  events.push({ t: 31_000, kind: "check", actor: "runner", text: verdict === "deviation" ? "expect-pushes differs as declared: no summary form for groupchat" : "app1 receives 1 push within 30s", ok: verdict !== "failed" || pushed, ...(verdict === "deviation" && { deviation: true }) });
  if (verdict === "failed" && pushed) events.push({ t: 31_000, kind: "check", actor: "runner", text: "push field message-count = 1", ok: false });
  return events;
}

function findingsFor(i: number, file: string, verdict: Verdict, hostile: boolean): Finding[] {
  if (verdict === "broken") {
    return [{ check: "load", message: `unknown step key "sendd" in step 3`, location: { file, line: 17, col: 5 }, step: 2 }];
  }
  if (verdict !== "failed" && verdict !== "deviation") return [];
  if (i % 2 === 1) {
    return [{
      check: "push-field",
      message: hostile ? `field message-count differs ${HOSTILE_TEXT}` : "field message-count differs",
      expected: `<field var="message-count">\n  <value>1</value>\n</field>`,
      actual: `<field var="message-count">\n  <value>2</value>\n</field>`,
      step: 3,
      location: { file, line: 21, col: 9 },
    }];
  }
  return [{
    check: "push-count",
    message: "expected 1 push to app1 within 30s, got 0",
    expected: "1 push",
    actual: "0 pushes",
    step: 3,
    location: { file, line: 19, col: 7 },
  }];
}

export const DEVIATION_REASON = "mod_cloud_notify sends no summary form for groupchat messages (prosody-modules issue)";

/** Expected vs declared vs observed, the way the runner records a declared difference. */
function evidenceFor(i: number): DeviationEvidence {
  return {
    step: 3,
    reason: DEVIATION_REASON,
    expected: JSON.stringify({ count: 1, within: "30s", match: { "message-count": "1" } }),
    declared: JSON.stringify({ count: 1, within: "30s", match: { "message-count": "absent" } }),
    observed: `1 push(es) to app1 in 31s:\n+${1240 + i}ms node=n-${i} ${PUSH_XML(i, 1).replace("<field var=\"message-count\"><value>1</value></field>", "")}`,
    source: { file: "simulator/targets/prosody/expectations.yaml", line: 10 + i, col: 7, observedOn: ["Prosody 0.12.3-1+deb12u1"], link: `https://example.org/pushlab/issues/${i}`, xep: "none" },
  };
}

function bench(): BenchReport {
  const buckets = [1, 2, 5, 10, 20, 50, 100, 200];
  return {
    series: TARGETS.map((t, k) => ({
      target: t.name,
      metric: "push latency",
      unit: "ms",
      samples: 1000,
      summary: { p50: k ? 12 : 1.5, p90: k ? 35 : 3, p99: k ? 120 : 8, max: k ? 190 : 14 },
      histogram: buckets.map((le, j) => ({ le, count: Math.round(400 * Math.exp(-Math.abs(j - (k ? 3 : 1)))) })),
    })),
  };
}

const level = (rules: string[]) => SYNTHETIC_RULES.find((r) => r.id === rules[0])?.level;

export function syntheticReport(n: number, opts: SyntheticOptions = {}): RunReport {
  const scenarios: ScenarioResult[] = [];
  for (let i = 0; i < n; i++) {
    const family = ["registration", "delivery", "payload", "errors"][i % 4]!;
    const file = `scenarios/${family}/${slug(i)}.yaml`;
    const name = `${family} ${slug(i)}: ${["offline message", "hibernated session", "two devices", "error reply"][i % 4]}`;
    const rules = rulesFor(i);
    const hostile = (opts.hostile ?? true) && i === 3;
    for (const t of TARGETS) {
      const verdict = expectedVerdict(i, t.name);
      scenarios.push({
        id: `${file}#${name}`,
        file,
        name,
        rules,
        target: t.name,
        verdict,
        durationMs: t.name === "engine" ? 2 + (i % 5) : 150 + ((i * 37) % 400),
        ...(verdict === "skipped" || verdict === "broken" ? {} : { virtualMs: 31_000 }),
        ...(level(rules) && { level: level(rules), counted: t.name === "engine" || level(rules) !== "hardening" }),
        ...(verdict === "deviation" ? { deviation: DEVIATION_REASON, deviations: [evidenceFor(i)] } : {}),
        ...(verdict === "skipped" ? { skipReason: t.name === "engine" ? "needs a real TCP stream (resumption over the wire)" : "mod_cloud_notify has no veto hook" } : {}),
        findings: findingsFor(i, file, verdict, hostile),
        timeline: timelineFor(i, verdict),
        source: sourceFor(i, name, rules, hostile),
      });
    }
  }
  const stats = emptyStats();
  for (const s of scenarios) stats[s.verdict]++;
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: "0.1.0" },
    startedAt: opts.startedAt ?? "2025-06-01T12:00:00.000Z",
    durationMs: scenarios.reduce((sum, s) => sum + s.durationMs, 0),
    options: { targets: TARGETS.map((t) => t.name), grep: null, seed: 42, reportDir: "reports/out" },
    targets: TARGETS.map((t) => {
      const s = emptyStats();
      const levels = emptyLevelStats();
      const mine = scenarios.filter((r) => r.target === t.name);
      for (const r of mine) {
        s[r.verdict]++;
        if (r.level) levels[r.level][r.verdict]++;
      }
      // Scenarios run 16 at a time on prosody: its wall time is far below the sum of theirs.
      const sum = mine.reduce((n, r) => n + r.durationMs, 0);
      return { ...t, stats: s, profile: t.name === "engine" ? ("all" as const) : ("reference" as const), levels, durationMs: t.name === "engine" ? sum : Math.ceil(sum / 16) + 900 };
    }),
    rules: SYNTHETIC_RULES,
    scenarios,
    stats,
  };
  if (opts.bench) report.bench = bench();
  return report;
}

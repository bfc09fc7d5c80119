import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../simulator/scenario/load.ts";

function errorsOf(text: string) {
  const [l] = loadScenarioText(text, "x.yaml");
  if (!l || l.ok) throw new Error("expected a broken scenario");
  return l.broken.errors.map((e) => `${e.loc.line}:${e.loc.col} ${e.message}`);
}

const good = `name: a good one
rules: [R-OFFLINE]
options: { push_max_devices: 2 }
personas:
  alice: { resource: phone }
  bob: {}
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - send: { from: bob, to: alice, body: hi }
  - wait: 2s
  - expect-pushes: { count: 1, within: 2s, match: { body: "New Message!" } }
`;

describe("scenario loader", () => {
  it("loads a good file with defaults filled and step locations", () => {
    const [l] = loadScenarioText(good, "x.yaml");
    expect(l?.ok).toBe(true);
    if (!l?.ok) return;
    const s = l.scenario;
    expect(s.personas).toEqual([
      { name: "alice", account: "alice", resource: "phone" },
      { name: "bob", account: "bob", resource: "bob" },
    ]);
    expect(s.apps).toEqual(["push"]);
    expect(s.archive).toBe(true);
    expect(s.steps.map((x) => x.action)).toEqual(["connect", "enable", "send", "wait", "expect-pushes"]);
    expect(s.steps[0]!.args).toEqual({ persona: "alice" });
    expect(s.steps[2]!.loc).toEqual({ file: "x.yaml", line: 10, col: 5 });
  });

  it("loads several documents from one file", () => {
    const two = `${good}---\n${good.replace("a good one", "another one")}`;
    const loaded = loadScenarioText(two, "x.yaml");
    expect(loaded.map((l) => l.ok && l.scenario.name)).toEqual(["a good one", "another one"]);
  });

  it("YAML syntax error → file:line:col", () => {
    expect(errorsOf("name: x\nrules: [R-A\nsteps: []\n")[0]).toMatch(/^\d+:\d+ YAML syntax/);
  });

  it("unknown step → its position and the list of steps", () => {
    const e = errorsOf(good.replace("  - wait: 2s", "  - sned: 2s"));
    expect(e).toHaveLength(1);
    expect(e[0]).toMatch(/^11:5 unknown step 'sned'; expected one of: connect, enable/);
  });

  it("unknown persona → where it is used", () => {
    const e = errorsOf(good.replace("from: bob", "from: carol"));
    expect(e[0]).toMatch(/^10:\d+ unknown persona 'carol'; declared: alice, bob/);
  });

  it("wrong type → what was expected and what was given", () => {
    const e = errorsOf(good.replace("count: 1", "count: one"));
    expect(e[0]).toMatch(/^12:\d+ .*count: expected integer, got string "one"/);
  });

  it("unknown key at the top level and in a step", () => {
    expect(errorsOf(good.replace("options:", "opions:"))[0]).toMatch(/^3:1 unknown key 'opions'/);
    expect(errorsOf(good.replace("node: n1", "nod: n1"))[0]).toMatch(/^9:\d+ .*'nod'/);
  });

  it("bad option value names the option", () => {
    expect(errorsOf(good.replace("push_max_devices: 2", "push_max_devices: -2"))[0]).toMatch(/push_max_devices/);
  });

  it("bad duration, missing required field", () => {
    expect(errorsOf(good.replace("wait: 2s", "wait: 2 seconds"))[0]).toMatch(/^11:\d+ /);
    expect(errorsOf(good.replace("rules: [R-OFFLINE]\n", ""))[0]).toMatch(/missing 'rules'/);
  });

  it("per-target declarations are not part of a scenario (they live in each target's expectation file)", () => {
    const over = good.replace("  - wait: 2s", "  - wait: 2s\n    on: { prosody: { duration: 3s } }");
    expect(errorsOf(over)[0]).toMatch(/^12:\d+ unknown key 'on'/);
  });

  it("an unknown rule id is an error at its position, with the nearest known id", () => {
    expect(errorsOf(good.replace("rules: [R-OFFLINE]", "rules: [R-OFFLIN]"))[0]).toMatch(/^2:9 unknown rule id 'R-OFFLIN'.*R-OFFLINE/);
  });

  it("a scenario names rules of one level", () => {
    expect(errorsOf(good.replace("rules: [R-OFFLINE]", "rules: [R-OFFLINE, R-MAM]"))[0]).toMatch(/^2:\d+ .*one level.*R-OFFLINE \(xep-0357\), R-MAM \(reference\)/);
  });

  it("a broken document does not stop the others", () => {
    const loaded = loadScenarioText(`${good}---\nname: broken\nrules: [R-X]\npersonas: {a: {}}\nsteps: [ { nope: 1 } ]\n`, "x.yaml");
    expect(loaded.map((l) => l.ok)).toEqual([true, false]);
  });
});

// The format additions of issue 12 (each also used by a scenario under scenarios/): good input
// loads with its arguments as written; bad input is an error at its file:line:col.
describe("scenario loader: format additions", () => {
  const withSteps = (steps: string) => `name: additions\nrules: [R-OFFLINE]\npersonas:\n  alice: { resource: phone }\n  bob: {}\nsteps:\n${steps}`;
  const argsOf = (steps: string) => {
    const [l] = loadScenarioText(withSteps(steps), "x.yaml");
    if (!l?.ok) throw new Error(`did not load: ${JSON.stringify(!l?.ok && l?.broken.errors)}`);
    return l.scenario.steps.map((s) => [s.action, s.args]);
  };

  it("app: a delayed reply", () => {
    expect(argsOf("  - app: { reply: result, delay: 5s }\n")).toEqual([["app", { reply: "result", delay: "5s" }]]);
    expect(errorsOf(withSteps("  - app: { reply: result, delay: soon }\n"))[0]).toMatch(/^7:\d+ .*delay/);
  });

  it("app-offline / app-online name an app server", () => {
    expect(argsOf("  - app-offline: push\n  - app-online: push\n").map(([a]) => a)).toEqual(["app-offline", "app-online"]);
    expect(errorsOf(withSteps("  - app-offline: { name: push }\n"))[0]).toMatch(/^7:\d+ .*app-offline/);
  });

  it("disco: to, omit-to, features present and absent, identities, expect", () => {
    const [[, a]] = argsOf(
      '  - disco: { persona: alice, to: "${domain}", expect: result, expect-features: [a], expect-no-features: ["urn:xmpp:push:0"], expect-identities: [{ category: server, type: im }] }\n',
    ) as [string, Record<string, unknown>][];
    expect(a).toMatchObject({ to: "${domain}", "expect-no-features": ["urn:xmpp:push:0"], "expect-identities": [{ category: "server", type: "im" }] });
    expect(argsOf("  - disco: { persona: alice, omit-to: true }\n")[0]![1]).toMatchObject({ "omit-to": true });
    expect(errorsOf(withSteps("  - disco: { persona: alice, expect-identities: [{ category: server }] }\n"))[0]).toMatch(/^7:\d+ .*type/);
    // A persona step is a name or a mapping, so the error names the step (the loader reports the
    // first alternative's complaint), at the step's position.
    expect(errorsOf(withSteps("  - disco: { persona: alice, omit-to: yes please }\n"))[0]).toMatch(/^7:\d+ \/steps\/0\/disco/);
  });

  it("remove-account and expect-disconnect with a stream error", () => {
    expect(argsOf("  - remove-account: { persona: alice, expect: result }\n  - expect-disconnect: { persona: bob, within: 2s, stream-error: not-authorized }\n")).toEqual([
      ["remove-account", { persona: "alice", expect: "result" }],
      ["expect-disconnect", { persona: "bob", within: "2s", "stream-error": "not-authorized" }],
    ]);
    expect(errorsOf(withSteps("  - expect-disconnect: { persona: bob, within: later }\n"))[0]).toMatch(/^7:\d+ .*within/);
    expect(errorsOf(withSteps("  - remove-account: { persona: carol }\n"))[0]).toMatch(/^7:\d+ unknown persona 'carol'/);
  });

  it("enable with a publish-options form written in full", () => {
    const [[, a]] = argsOf("  - enable: { persona: alice, publish-options-form: { type: submit, fields: { FORM_TYPE: x, secret: s, endpoint: [a, b] } } }\n") as [string, Record<string, unknown>][];
    expect(a["publish-options-form"]).toEqual({ type: "submit", fields: { FORM_TYPE: "x", secret: "s", endpoint: ["a", "b"] } });
    expect(errorsOf(withSteps("  - enable: { persona: alice, publish-options-form: { type: sent } }\n"))[0]).toMatch(/^7:\d+ .*type/);
  });

  it("send: no body, no fallback body, storage hints, generated text", () => {
    const steps = argsOf(
      "  - send: { from: bob, to: alice, no-body: true, subject: s }\n  - send: { from: bob, to: alice, encrypted: omemo, fallback-body: false }\n  - send: { from: bob, to: alice, call: true, hint: no-store }\n  - send: { from: bob, to: alice, body: { repeat: x, length: 300000 } }\n",
    ) as [string, Record<string, unknown>][];
    expect(steps.map(([, a]) => a)).toMatchObject([{ "no-body": true }, { "fallback-body": false }, { hint: "no-store" }, { body: { repeat: "x", length: 300000 } }]);
    expect(errorsOf(withSteps("  - send: { from: bob, to: alice, hint: maybe-store }\n"))[0]).toMatch(/^7:\d+ .*hint/);
    expect(errorsOf(withSteps("  - send: { from: bob, to: alice, fallback-body: true }\n"))[0]).toMatch(/^7:\d+ .*fallback-body/);
    expect(errorsOf(withSteps("  - send: { from: bob, to: alice, body: { repeat: x } }\n"))[0]).toMatch(/^7:\d+ .*length/);
    expect(errorsOf(withSteps("  - send: { from: bob, to: alice, body: { repeat: x, length: -1 } }\n"))[0]).toMatch(/^7:\d+ /);
  });

  it("an expected error with its text", () => {
    const [[, a]] = argsOf('  - disable: { persona: alice, omit-jid: true, expect: { error: { type: modify, condition: bad-request, text: "Missing jid" } } }\n') as [string, Record<string, unknown>][];
    expect(a.expect).toEqual({ error: { type: "modify", condition: "bad-request", text: "Missing jid" } });
    expect(errorsOf(withSteps("  - disable: { persona: alice, expect: { error: { type: modify, text: 3 } } }\n"))[0]).toMatch(/^7:\d+ \/steps\/0\/disable\/expect/);
  });

  it("expect-pushes: node absent, a multiset of nodes, at-most", () => {
    const [[, a]] = argsOf("  - expect-pushes: { at-most: 2, within: 1s, nodes: [n1, n1, n2], match: { node: absent } }\n") as [string, Record<string, unknown>][];
    expect(a).toEqual({ "at-most": 2, within: "1s", nodes: ["n1", "n1", "n2"], match: { node: "absent" } });
    expect(errorsOf(withSteps("  - expect-pushes: { nodes: n1 }\n"))[0]).toMatch(/^7:\d+ .*nodes/);
    expect(errorsOf(withSteps("  - expect-pushes: { at-most: -1 }\n"))[0]).toMatch(/^7:\d+ .*at-most/);
  });
});

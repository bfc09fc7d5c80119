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

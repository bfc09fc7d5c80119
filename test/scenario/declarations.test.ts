// Exact deviation semantics: a target's declared difference is judged both ways against the same
// observation. Shown on the engine target with expectation files written for it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { ExpectationFileError, exitCodeOf, expectationsFor, loadAll, run } from "../../simulator/runner.ts";
import type { Target } from "../../simulator/target.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { createProsodyTarget, PROSODY_EXPECTATIONS } from "../../simulator/targets/prosody/index.ts";

// Step 6 expects one push (the engine sends one); step 9 one more after a second message.
const scenario = (name: string) => `name: ${name}
rules: [R-OFFLINE]
personas: { alice: {}, bob: {} }
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - disconnect: alice
  - connect: bob
  - send: { from: bob, to: alice, body: one }
  - expect-pushes: { count: 1, within: 1s }
  - send: { from: bob, to: alice, body: two }
  - wait: 1s
  - expect-pushes: { count: 1, within: 1s }
`;

function workspace(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "pushlab-decl-"));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(d, n), t);
  return d;
}

async function runWith(dir: string, expectations: string, target: Target = createEngineTarget()): Promise<RunReport> {
  const file = join(dir, "expectations.yaml");
  writeFileSync(file, expectations);
  let report: RunReport | undefined;
  await run({ paths: [join(dir, "s.yaml")], targets: [target], reporters: [{ onEnd: (r) => void (report = r) }], expectations: { [target.name]: file } });
  return report!;
}

const header = (key: string) => `target: engine\nobserved-on: ["test"]\nscenarios:\n  ${key}:\n`;

/** Keys are scenario paths as the runner shows them (relative to the working directory), without .yaml. */
const keyOf = (dir: string) => relative(process.cwd(), join(dir, "s"));

async function one(files: Record<string, string>, decl: string): Promise<ScenarioResult> {
  const dir = workspace(files);
  const r = await runWith(dir, header(keyOf(dir)) + decl);
  expect(r.scenarios).toHaveLength(1);
  return r.scenarios[0]!;
}

describe("step-level declarations", () => {
  const files = { "s.yaml": scenario("step level") };

  it("the scenario's own expectation holds → stale, and the run fails", async () => {
    const r = await one(files, `    steps:\n      6:\n        reason: "this server sends two pushes for one message"\n        instead: { count: 0 }\n`);
    // The engine sends 1; the scenario expects 1 → original holds → stale.
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]!.check).toBe("stale-declaration");
    expect(r.findings[0]!.message).toMatch(/now does what the scenario expects at step 6.*stale/);
  });

  it("only the declared expectation holds → deviation, with expected, declared and observed", async () => {
    const differs = { "s.yaml": scenario("differs").replace("  - expect-pushes: { count: 1, within: 1s }\n  - send", "  - expect-pushes: { count: 2, within: 1s }\n  - send") };
    const r = await one(differs, `    steps:\n      6:\n        reason: "one push per message on this server, not two"\n        instead: { count: 1 }\n`);
    expect(r.verdict).toBe("deviation");
    expect(r.deviations).toHaveLength(1);
    expect(r.deviations![0]).toMatchObject({ step: 5, expected: '{"count":2,"within":"1s"}', declared: '{"count":1}' });
    expect(r.deviations![0]!.observed).toMatch(/^1 push\(es\) to push/);
    expect(r.timeline.some((e) => e.kind === "check" && e.deviation === true)).toBe(true);
  });

  it("neither holds → failed, showing both", async () => {
    const differs = { "s.yaml": scenario("neither").replace("  - expect-pushes: { count: 1, within: 1s }\n  - send", "  - expect-pushes: { count: 2, within: 1s }\n  - send") };
    const r = await one(differs, `    steps:\n      6:\n        reason: "three pushes per message on this server"\n        instead: { count: 3 }\n`);
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]!.message).toMatch(/exactly 2.*does not hold either: expected exactly 3/);
    expect(r.findings[0]!.expected).toMatch(/^scenario: 2\ndeclared for engine .*: \{"count":3\}$/);
  });

  it("a failure at a step without a declaration stays a failure", async () => {
    const twice = { "s.yaml": scenario("unrelated").replace("  - expect-pushes: { count: 1, within: 1s }\n  - send", "  - expect-pushes: { count: 2, within: 1s }\n  - send").replace(/count: 1, within: 1s }\n$/, "count: 4, within: 1s }\n") };
    const r = await one(twice, `    steps:\n      6:\n        reason: "one push per message on this server, not two"\n        instead: { count: 1 }\n`);
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]).toMatchObject({ check: "push-count", step: 8, expected: "4" });
  });

  it("a stricter expectation must hold too and is not a deviation", async () => {
    const pass = await one(files, `    steps:\n      6:\n        reason: "this server is known to send the placeholder"\n        stricter: { match: { body: "New Message!" } }\n`);
    expect(pass.verdict).toBe("passed");
    const fail = await one(files, `    steps:\n      6:\n        reason: "this server is known to send the sender too"\n        stricter: { match: { sender: present } }\n`);
    expect(fail.verdict).toBe("failed");
    expect(fail.findings[0]!.check).toBe("stricter:push-content");
  });
});

describe("scenario-level declarations", () => {
  const failsAt9 = { "s.yaml": scenario("whole").replace(/count: 1, within: 1s }\n$/, "count: 2, within: 1s }\n") };

  it("the scenario passes → stale", async () => {
    const r = await one({ "s.yaml": scenario("whole passes") }, `    reason: "this server stops pushing after the first message"\n    covers: [9]\n    instead-text: "no second push"\n`);
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]!.check).toBe("stale-declaration");
  });

  it("fails at a covered step → deviation", async () => {
    const r = await one(failsAt9, `    reason: "this server sends one push where two are expected"\n    covers: [9]\n    instead-text: "one push for the second message"\n`);
    expect(r.verdict).toBe("deviation");
    expect(r.deviations![0]).toMatchObject({ step: 8, declared: "one push for the second message" });
  });

  it("fails at a step it does not cover → failed", async () => {
    const r = await one(failsAt9, `    reason: "this server misbehaves at the first push"\n    covers: [6]\n    instead-text: "no first push"\n`);
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]).toMatchObject({ check: "push-count", step: 8 });
  });
});

describe("nondeterministic declarations (one-of)", () => {
  /** The engine with push_max_devices raised so far that it never evicts anything. */
  function neverEvicts(): Target {
    const engine = createEngineTarget();
    return { ...engine, name: "engine", open: (w) => engine.open({ ...w, options: { ...w.options, push_max_devices: 99 } }) };
  }

  const prosodyMaxdev = () => {
    // Prosody's own declaration for R-MAXDEV-ORDER, applied to the engine target.
    const text = readFileSync(PROSODY_EXPECTATIONS, "utf8");
    const entry = text.slice(text.indexOf("  registration/R-MAXDEV-ORDER:"), text.indexOf("  registration/R-BIND-RESOURCE:"));
    return `target: engine\nobserved-on: ["test"]\nscenarios:\n${entry}`;
  };

  async function maxdev(target: Target): Promise<ScenarioResult> {
    const dir = mkdtempSync(join(tmpdir(), "pushlab-maxdev-"));
    const file = join(dir, "expectations.yaml");
    writeFileSync(file, prosodyMaxdev());
    let report: RunReport | undefined;
    await run({ paths: ["scenarios/registration/R-MAXDEV-ORDER.yaml"], targets: [target], reporters: [{ onEnd: (r) => void (report = r) }], expectations: { engine: file } });
    return report!.scenarios[0]!;
  }

  it("Prosody's R-MAXDEV-ORDER declaration fails on a target that evicts nothing", async () => {
    const r = await maxdev(neverEvicts());
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]!.message).toMatch(/expected exactly 5 push.*got 6.*does not hold either/);
  });

  it("a conforming alternative among one-of alternatives is a deviation, marked as conforming", async () => {
    const r = await maxdev(createEngineTarget()); // the engine evicts n1: the conforming alternative
    expect(r.verdict).toBe("deviation");
    expect(r.deviations![0]!.conformingAlternative).toBe(true);
  });
});

describe("expectation files are validated before anything runs", () => {
  async function errorsOf(text: string): Promise<string> {
    const dir = workspace({ "s.yaml": scenario("validation") });
    try {
      await runWith(dir, text);
      return "";
    } catch (e) {
      expect(e).toBeInstanceOf(ExpectationFileError);
      return (e as Error).message;
    }
  }

  it("unknown scenario, missing step, a step that checks nothing, a replacement that is not an expectation", async () => {
    expect(await errorsOf(`target: engine\nobserved-on: ["t"]\nscenarios:\n  no/such:\n    steps: { 1: { reason: "why it differs", instead: { count: 1 } } }\n`)).toMatch(/expectations\.yaml:4:3: unknown scenario 'no\/such'/);
    const dir = workspace({ "s.yaml": scenario("validation") });
    const file = (body: string) => `${header(keyOf(dir))}${body}`;
    const msg = async (body: string) => {
      try {
        await runWith(dir, file(body));
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await msg(`    steps:\n      42:\n        reason: "why it differs"\n        instead: { count: 1 }\n`)).toMatch(/step 42 does not exist: .* has 9 steps/);
    expect(await msg(`    steps:\n      5:\n        reason: "why it differs"\n        instead: { count: 1 }\n`)).toMatch(/step 5 .* is 'send', which checks nothing/);
    expect(await msg(`    steps:\n      6:\n        reason: "why it differs"\n        instead: { body: changed }\n`)).toMatch(/'body' is not an expectation of expect-pushes/);
    expect(await msg(`    steps:\n      6:\n        reason: "why it differs"\n        instead: { at-least: 0 }\n`)).toMatch(/not a valid expect-pushes expectation: .*at-least must be >= 1/);
    expect(await msg(`    steps:\n      6:\n        reason: "why it differs"\n        instead: { one-of: [ { count: 1 } ] }\n`)).toMatch(/one-of needs at least two alternatives/);
  });

  it("an unknown target and a file applied to another target", async () => {
    expect(await errorsOf(`target: prosdy\nobserved-on: ["t"]\nscenarios: {}\n`)).toMatch(/1:9: unknown target 'prosdy'; known: engine, prosody/);
    expect(await errorsOf(`target: prosody\nobserved-on: ["t"]\nscenarios: {}\n`)).toMatch(/this file is for target 'prosody', applied to 'engine'/);
  });

  it("the bundled Prosody file is valid", () => {
    const loaded = loadAll(["scenarios"]);
    const set = expectationsFor(createProsodyTarget(), loaded)!;
    expect(set.scenarios.size).toBe(33);
  });

  it("exit codes follow the profile: a failure outside it is informational", async () => {
    const dir = workspace({ "s.yaml": scenario("exit").replace(/count: 1, within: 1s }\n$/, "count: 3, within: 1s }\n") });
    const r = await runWith(dir, `target: engine\nobserved-on: ["t"]\nscenarios: {}\n`);
    expect(exitCodeOf(r)).toBe(1);
    r.scenarios[0]!.counted = false; // outside the profile: informational
    expect(exitCodeOf(r)).toBe(0);
  });
});


// expect-pushes counts every push since the previous check, so a push a paced send brought can
// come before the step began. A negative not-before ("-500ms") states how long before; the check
// still fails for a push earlier than that, and a plain not-before still fails for it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { run } from "../../simulator/runner.ts";
import { parseOffset } from "../../simulator/scenario/duration.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";

// alice has no session: each message is pushed at once, the first 400 ms before step 6 begins.
const scenario = (notBefore: string) => `name: R-OFFLINE paced messages
rules: [R-OFFLINE]
personas: { alice: {}, bob: {} }
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - disconnect: alice
  - connect: bob
  - send: { from: bob, to: alice, body: one, count: 2, every: 400ms }
  - expect-pushes: { count: 2, within: 1s, not-before: ${notBefore} }
`;

async function runText(text: string): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-offset-"));
  writeFileSync(join(dir, "s.yaml"), text);
  let report: RunReport | undefined;
  await run({ paths: [join(dir, "s.yaml")], targets: [createEngineTarget()], reporters: [{ onEnd: (r) => void (report = r) }] });
  expect(report!.scenarios).toHaveLength(1);
  return report!.scenarios[0]!;
}

describe("not-before with a push from before the step", () => {
  it("parses a leading minus as before the step began, and nothing else", () => {
    expect(parseOffset("-400ms")).toBe(-400);
    expect(parseOffset("-1.5s")).toBe(-1500);
    expect(parseOffset("900ms")).toBe(900);
    expect(parseOffset("--1s")).toBeNull();
    expect(parseOffset(-1)).toBeNull();
  });

  it("a negative bound that reaches the earlier push holds", async () => {
    const r = await runText(scenario("-500ms"));
    expect(r.verdict).toBe("passed");
  });

  it("0ms fails, naming the push that came 400 ms before the step began", async () => {
    const r = await runText(scenario("0ms"));
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]).toMatchObject({ check: "push-timing", actual: "-400ms" });
    expect(r.findings[0]!.message).toMatch(/push #1 arrived -400ms after the step began, before 0ms/);
  });

  it("a negative bound short of the earlier push fails too", async () => {
    const r = await runText(scenario("-300ms"));
    expect(r.verdict).toBe("failed");
    expect(r.findings[0]!.check).toBe("push-timing");
  });

  it("a malformed offset is a load error at its line", async () => {
    const r = await runText(scenario('"-x"'));
    expect(r.verdict).toBe("broken");
    expect(r.findings[0]!.location?.line).toBe(10);
  });
});

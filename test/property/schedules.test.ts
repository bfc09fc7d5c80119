// ≥ 2,000 random schedules against the safety invariants (invariants.ts), plus a self-check that
// the property test can fail: with a deliberately broken engine it must find, shrink and print a
// scenario that fails on the broken engine and passes on the real one.
import { describe, expect, it } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { checkSchedules } from "./check.ts";

const RUNS = Number(process.env.PUSHLAB_PROPERTY_RUNS ?? 2000);
const SEED = Number(process.env.PUSHLAB_PROPERTY_SEED ?? 20_251);

/** Runs fn with PushEngine's private sendPush replaced; always restores it. */
async function withBrokenEngine<T>(breakIt: (original: Function) => Function, fn: () => Promise<T>): Promise<T> {
  const proto = PushEngine.prototype as unknown as { sendPush: Function };
  const original = proto.sendPush;
  proto.sendPush = breakIt(original);
  try {
    return await fn();
  } finally {
    proto.sendPush = original;
  }
}

describe("property: random schedules keep every safety invariant", () => {
  it(`${RUNS} schedules (seed ${SEED})`, async () => {
    const out = await checkSchedules({ runs: RUNS, seed: SEED });
    if (out.failed) console.log(`${out.message}\n\n--- shrunk schedule as a scenario ---\n${out.yaml}`);
    expect(out.failed, out.message).toBe(false);
    expect(out.runs).toBe(RUNS);
  }, 120_000); // CPU only: ~2 s alone, but it shares the machine with the real-server files

  it("catches a broken engine (body always sent) and prints a scenario that replays the failure", async () => {
    const forceBody = (original: Function) =>
      function (this: { options: { push_notification_with_body: boolean } }, ...args: unknown[]) {
        const saved = this.options.push_notification_with_body;
        this.options.push_notification_with_body = true;
        try {
          return original.apply(this, args);
        } finally {
          this.options.push_notification_with_body = saved;
        }
      };
    const out = await withBrokenEngine(forceBody, () => checkSchedules({ runs: 2000, seed: 7 }));
    expect(out.failed).toBe(true);
    expect(out.message).toMatch(/^privacy:/);
    const [loaded] = loadScenarioText(out.yaml!, "counterexample.yaml");
    if (!loaded!.ok) throw new Error(loaded!.broken.errors.map((e) => e.message).join("\n"));
    const target = createEngineTarget();
    const broken = await withBrokenEngine(forceBody, () => runScenario(loaded!.scenario, target));
    expect(broken.verdict).toBe("failed");
    expect((await runScenario(loaded!.scenario, target)).verdict).toBe("passed");
  }, 120_000);
});

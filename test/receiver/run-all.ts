// Runs every bundled receiver check against the reference receiver (embedded), optionally with
// some of its decisions replaced (a deliberately broken receiver).
import type { RunReport } from "../../simulator/results.ts";
import { startDemoWorld } from "../../simulator/receiver/reference/demo.ts";
import type { ReceiverBehaviour } from "../../simulator/receiver/reference/receiver.ts";

export const RUN_MS = 240_000; // the suite takes ~15 s here; a crashing receiver reconnects 21 times

export async function runAll(behaviour?: Partial<ReceiverBehaviour>): Promise<RunReport> {
  const world = await startDemoWorld("embedded", behaviour ? { behaviour } : {});
  try {
    return (await world.session.run([])).report;
  } finally {
    await world.close();
  }
}

/** Rule ids of the checks that did not pass, sorted. */
export const failing = (r: RunReport): string[] => r.scenarios.filter((s) => s.verdict !== "passed").map((s) => s.rules[0]!).sort();

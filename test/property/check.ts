// Runs N random schedules with fast-check; on a violation, fast-check shrinks the schedule and we
// replay the smallest one to print it as a YAML scenario. Shared by the vitest test and the fuzz CLI.
import fc from "fast-check";
import { runSchedule } from "./run.ts";
import { scheduleArb } from "./schedule.ts";
import { toYaml } from "./to-yaml.ts";

export interface CheckOutcome {
  runs: number; // schedules generated (shrinking attempts not counted)
  seed: number;
  failed: boolean;
  message?: string; // the violated invariant, for the shrunk schedule
  yaml?: string; // the shrunk schedule as a scenario
}

export async function checkSchedules(opts: { runs: number; seed?: number; onProgress?: (done: number) => void; progressEvery?: number }): Promise<CheckOutcome> {
  let generated = 0;
  let shrinking = false;
  const every = opts.progressEvery ?? 5000;
  const property = fc.asyncProperty(scheduleArb, async ([world, cmds]) => {
    if (!shrinking && ++generated % every === 0) opts.onProgress?.(generated);
    const out = await runSchedule(world, cmds);
    if (out.violation) {
      shrinking = true;
      return false;
    }
    return true;
  });
  const details = await fc.check(property, { numRuns: opts.runs, ...(opts.seed !== undefined && { seed: opts.seed }) });
  if (!details.failed) return { runs: generated, seed: details.seed, failed: false };
  if (!details.counterexample) throw details.errorInstance; // the harness itself broke
  const [world, cmds] = details.counterexample[0];
  const shrunk = await runSchedule(world, cmds);
  const v = shrunk.violation;
  if (!v) throw details.errorInstance ?? new Error("the shrunk schedule did not fail again (non-deterministic run?)");
  return {
    runs: generated,
    seed: details.seed,
    failed: true,
    message: `${v.invariant}: ${v.message}${v.push ? `\n  push: ${v.push.xml}` : ""}`,
    yaml: toYaml(shrunk, { seed: details.seed, path: details.counterexamplePath ?? undefined }),
  };
}

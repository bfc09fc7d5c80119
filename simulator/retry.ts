// --retries N: a scenario that failed runs again, up to N more times. The last attempt's result is
// the one reported; when an earlier attempt failed and a later one did not, the result is marked
// flaky and keeps the earlier failures (their first finding), so a retry never hides a failure:
// every report format counts flaky runs in its totals. Flaky does not fail the run.
import type { EarlierAttempt, ScenarioResult } from "./results.ts";

function summary(r: ScenarioResult): EarlierAttempt {
  return { verdict: r.verdict, durationMs: r.durationMs, ...(r.findings[0] && { finding: r.findings[0] }) };
}

/**
 * Runs attempt() once, then again while shouldRetry says so, at most `retries` more times.
 * Only failures are retried: a broken scenario (it cannot load) or a skip would not change.
 */
export async function runWithRetries(
  attempt: () => Promise<ScenarioResult>,
  retries: number,
  shouldRetry: (r: ScenarioResult) => boolean = (r) => r.verdict === "failed",
): Promise<ScenarioResult> {
  let result = await attempt();
  const earlier: EarlierAttempt[] = [];
  while (earlier.length < retries && result.verdict === "failed" && shouldRetry(result)) {
    earlier.push(summary(result));
    result = await attempt();
  }
  if (earlier.length === 0) return result;
  return {
    ...result,
    attempts: earlier.length + 1,
    earlierAttempts: earlier,
    ...(result.verdict !== "failed" && result.verdict !== "broken" && { flaky: true }),
  };
}

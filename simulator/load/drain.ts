// After the last message: wait (bounded by --drain) for late pushes. A saturated server works
// through its backlog for seconds with no push in between (it writes pushes in bursts, see
// docs/load.md), so silence alone does not end the wait: the server must also be idle — neither
// running nor waiting for a CPU (on a shared machine a starved server runs little but is busy).
import { delay } from "../wire/bounded.ts";

export type DrainEnd = "all-pushed" | "server-idle" | "quiet" | "bound" | "stopped";

/** Below this the server is idle (CPU % of one core plus run-queue wait %, over the last second). */
export const IDLE_CPU_PCT = 5;

export interface DrainState {
  nowMs: number;
  endMs: number; // the drain's bound
  quietForMs: number; // since the last push
  quietMs: number; // silence that may end the wait
  serverDemandPct: number; // CPU % + run-queue wait %; NaN when the server's process is unknown
  allPushed: boolean;
  stopped: boolean;
}

/** Why the wait ends now, or undefined to keep waiting. */
export function drainDecision(s: DrainState): DrainEnd | undefined {
  if (s.allPushed) return "all-pushed";
  if (s.stopped) return "stopped";
  if (s.nowMs >= s.endMs) return "bound";
  if (s.quietForMs < s.quietMs) return undefined;
  if (Number.isNaN(s.serverDemandPct)) return "quiet"; // no CPU figure: silence is all we have
  return s.serverDemandPct < IDLE_CPU_PCT ? "server-idle" : undefined;
}

export async function drainPushes(o: {
  boundMs: number;
  quietMs: number;
  pushes: () => number;
  allPushed: () => boolean;
  serverDemandPct: () => number;
  stopped: () => boolean;
}): Promise<DrainEnd> {
  const end = performance.now() + o.boundMs;
  let last = o.pushes();
  let quietSince = performance.now();
  for (;;) {
    const now = performance.now();
    if (o.pushes() !== last) {
      last = o.pushes();
      quietSince = now;
    }
    const why = drainDecision({ nowMs: now, endMs: end, quietForMs: now - quietSince, quietMs: o.quietMs, serverDemandPct: o.serverDemandPct(), allPushed: o.allPushed(), stopped: o.stopped() });
    if (why) return why;
    await delay(100);
  }
}

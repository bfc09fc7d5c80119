// Latency statistics: nearest-rank percentiles and a histogram with fixed bounds (ms).
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 1500, 2000, 3000, 5000, 10000, 30000];

/** Nearest-rank percentile (q in 0..1) of an ascending array; NaN when empty. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): LatencySummary {
  const s = [...values].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return { count: s.length, p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s.length ? s[s.length - 1]! : NaN, mean: s.length ? sum / s.length : NaN };
}

/** Counts per bucket (inclusive upper bound); values above the last bound go into a bucket at the max. */
export function histogram(values: number[], bounds: number[] = LATENCY_BOUNDS_MS): { le: number; count: number }[] {
  const counts = bounds.map((le) => ({ le, count: 0 }));
  let over = 0;
  let max = -Infinity;
  for (const v of values) {
    const b = counts.find((c) => v <= c.le);
    if (b) b.count++;
    else {
      over++;
      max = Math.max(max, v);
    }
  }
  // Trim empty buckets at the top so the chart is not mostly blank.
  let last = counts.length - 1;
  while (last > 0 && counts[last]!.count === 0) last--;
  const out = counts.slice(0, last + 1);
  if (over > 0) out.push({ le: Math.ceil(max), count: over });
  return out;
}

export interface ArrivalStats {
  /** Longest time without any push, from the first message sent to the last push (ms). */
  longestGapMs: number;
  /** Most pushes that arrived within one 100 ms interval: how bursty delivery was. */
  maxPer100ms: number;
  /** Seconds from the first message sent to the last push. */
  lastPushS: number;
}

/** Arrival pattern of pushes (times in ms, any order) after a start time. */
export function arrivalStats(startMs: number, times: number[]): ArrivalStats {
  const t = times.filter((x) => x >= startMs).sort((a, b) => a - b);
  if (t.length === 0) return { longestGapMs: NaN, maxPer100ms: 0, lastPushS: NaN };
  let gap = t[0]! - startMs;
  const bins = new Map<number, number>();
  for (let i = 0; i < t.length; i++) {
    if (i > 0) gap = Math.max(gap, t[i]! - t[i - 1]!);
    const b = Math.floor((t[i]! - startMs) / 100);
    bins.set(b, (bins.get(b) ?? 0) + 1);
  }
  return { longestGapMs: Math.round(gap), maxPer100ms: Math.max(...bins.values()), lastPushS: Math.round((t[t.length - 1]! - startMs) / 10) / 100 };
}

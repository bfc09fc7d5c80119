// --shard I/N: a deterministic split of a run's scenario runs (scenario × target) into N parts,
// balanced by recorded durations. Every machine of a CI matrix computes the same split from the
// same inputs (scenario files, targets, durations), so the shards together are exactly the
// unsharded run, each run in one shard.
//
// Balancing is "longest first onto the lightest shard" (LPT): runs sorted by recorded duration,
// longest first, ties by target and id; each goes to the shard with the least total so far, the
// lower index on a tie. Runs without a recorded duration weigh the median of the recorded ones
// of their target (1 ms when none is recorded, which splits by count).
import { UsageError } from "../exit-codes.ts";
import type { Loaded } from "../scenario/model.ts";
import type { Durations } from "./durations.ts";

export interface Shard {
  index: number; // 1-based
  total: number;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total || total > 1000) throw new UsageError(`--shard ${text}: expected I/N with 1 ≤ I ≤ N ≤ 1000, e.g. --shard 2/3`);
  return { index, total };
}

export interface RunRef {
  target: string;
  loaded: Loaded;
}

function idOf(l: Loaded): string {
  return l.ok ? l.scenario.id : l.broken.id;
}

export function keyOf(l: Loaded): string {
  return l.ok ? l.scenario.key : l.broken.key;
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Weight of each run: its recorded duration, else its target's median, else 1. */
export function weights(runs: RunRef[], durations: Durations): number[] {
  const medians = new Map<string, number | undefined>();
  for (const t of new Set(runs.map((r) => r.target))) medians.set(t, median(Object.values(durations.targets[t] ?? {})));
  return runs.map((r) => {
    const ms = durations.targets[r.target]?.[keyOf(r.loaded)];
    return Math.max(1, ms ?? medians.get(r.target) ?? 1);
  });
}

/** Shard number (0-based) of every run, in the order given. */
export function assignShards(runs: RunRef[], total: number, durations: Durations): number[] {
  const w = weights(runs, durations);
  const order = runs.map((_, i) => i).sort((a, b) => w[b]! - w[a]! || cmp(runs[a]!.target, runs[b]!.target) || cmp(idOf(runs[a]!.loaded), idOf(runs[b]!.loaded)));
  const load = Array<number>(total).fill(0);
  const out = Array<number>(runs.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < total; s++) if (load[s]! < load[best]!) best = s;
    out[i] = best;
    load[best]! += w[i]!;
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The runs of one shard, by target (targets with no run in this shard map to []). */
export function shardRuns(loaded: Loaded[], targets: string[], shard: Shard, durations: Durations): Map<string, Loaded[]> {
  const runs: RunRef[] = targets.flatMap((target) => loaded.map((l) => ({ target, loaded: l })));
  const assigned = assignShards(runs, shard.total, durations);
  const out = new Map<string, Loaded[]>(targets.map((t) => [t, []]));
  runs.forEach((r, i) => {
    if (assigned[i] === shard.index - 1) out.get(r.target)!.push(r.loaded);
  });
  return out;
}

/** Expected total weight of each shard (for `run --list` and the tests). */
export function shardLoads(loaded: Loaded[], targets: string[], total: number, durations: Durations): number[] {
  const runs: RunRef[] = targets.flatMap((target) => loaded.map((l) => ({ target, loaded: l })));
  const w = weights(runs, durations);
  const loads = Array<number>(total).fill(0);
  assignShards(runs, total, durations).forEach((s, i) => (loads[s]! += w[i]!));
  return loads;
}

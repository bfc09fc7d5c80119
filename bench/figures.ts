// A benchmark figure and its goal. Every benchmark reports figures; the runner checks each one
// against its goal (none = shown for information), prints them and writes them to bench.json.
import type { BenchFigure } from "../simulator/results.ts";

/** A figure: value, unit, its goal (none = for information) and the anchor's figure. */
export type Figure = BenchFigure;

export function meets(f: Figure): boolean | undefined {
  if (!f.goal) return undefined;
  return f.goal.kind === "min" ? f.value >= f.goal.value : f.value <= f.goal.value;
}

export function formatValue(v: number, unit: string): string {
  const abs = Math.abs(v);
  const digits = abs >= 1000 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : 2;
  const n = v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${n} ${unit}` : n;
}

export function formatGoal(f: Figure): string {
  if (!f.goal) return "(no goal)";
  return `${f.goal.kind === "min" ? "≥" : "≤"} ${formatValue(f.goal.value, f.unit)}`;
}

/** What a benchmark process prints as its last stdout line (the runner parses it). */
export interface BenchOutput {
  bench: string;
  figures: Figure[];
}

export const OUTPUT_MARK = "@@bench-result ";

export function emit(out: BenchOutput): void {
  process.stdout.write(`${OUTPUT_MARK}${JSON.stringify(out)}\n`);
}

/** Progress for long benchmarks: stderr, one line per step. */
export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

// Writes a benchmark run: bench.json (figures + machine facts) and bench.html, the report page
// whose "Load" section shows the figures against their goals.
import type { RunReport } from "../simulator/results.ts";
import { emptyStats } from "../simulator/results.ts";
import { renderHtml } from "../reports/html/render.ts";
import { writeReportFile } from "../reports/files.ts";
import { HARNESS_VERSION } from "../simulator/version.ts";
import type { Figure } from "./figures.ts";
import type { MachineFacts } from "./machine.ts";

export const BENCH_JSON = "bench.json";
export const BENCH_HTML = "bench.html";

export interface BenchRun {
  machine: MachineFacts;
  pinnedCore: number | null;
  figures: Figure[];
}

export interface BenchDocument extends BenchRun {
  schema: "pushlab-bench/1";
  harness: string;
}

/** A RunReport with no scenarios and the bench data: the HTML report renders its Load section. */
export function benchAsRunReport(run: BenchRun, title: string): RunReport {
  return {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: run.machine.date,
    durationMs: 0,
    options: { run: title },
    targets: [],
    rules: [],
    scenarios: [],
    stats: emptyStats(),
    bench: {
      series: [],
      figures: run.figures,
      machine: { ...run.machine, pinned: run.pinnedCore === null ? "no" : `core ${run.pinnedCore}` },
    },
  };
}

export async function writeBenchReport(run: BenchRun, dir: string): Promise<string[]> {
  const doc: BenchDocument = { schema: "pushlab-bench/1", harness: HARNESS_VERSION, ...run };
  return Promise.all([
    writeReportFile(dir, BENCH_JSON, JSON.stringify(doc, null, 2) + "\n"),
    writeReportFile(dir, BENCH_HTML, renderHtml(benchAsRunReport(run, "npm run bench"))),
  ]);
}

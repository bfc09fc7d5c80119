// One reporter interface fed by runner events (Playwright's model): every hook optional; a reporter
// that throws is reported as an error by the multiplexer, never crashes the run.
import type { RunReport, ScenarioResult, TargetSummary } from "./results.ts";

export interface RunBeginInfo {
  total: number; // scenario runs planned (scenarios × targets)
  targets: string[];
  startedAt: string;
}

export interface Reporter {
  onBegin?(info: RunBeginInfo): void | Promise<void>;
  onTargetStart?(target: TargetSummary): void | Promise<void>;
  onScenarioBegin?(s: { id: string; name: string; target: string }): void | Promise<void>;
  onScenarioEnd?(result: ScenarioResult): void | Promise<void>;
  onError?(err: Error): void | Promise<void>;
  /** The whole report; file reporters write here. */
  onEnd?(report: RunReport): void | Promise<void>;
}

export class Multiplexer implements Reporter {
  constructor(private readonly reporters: Reporter[], private readonly onReporterError: (e: Error) => void) {}
  private async each(fn: (r: Reporter) => void | Promise<void>): Promise<void> {
    for (const r of this.reporters) {
      try {
        await fn(r);
      } catch (e) {
        this.onReporterError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }
  onBegin(info: RunBeginInfo) { return this.each((r) => r.onBegin?.(info)); }
  onTargetStart(t: TargetSummary) { return this.each((r) => r.onTargetStart?.(t)); }
  onScenarioBegin(s: { id: string; name: string; target: string }) { return this.each((r) => r.onScenarioBegin?.(s)); }
  onScenarioEnd(res: ScenarioResult) { return this.each((r) => r.onScenarioEnd?.(res)); }
  onError(err: Error) { return this.each((r) => r.onError?.(err)); }
  onEnd(report: RunReport) { return this.each((r) => r.onEnd?.(report)); }
}

// Wraps a file reporter: a failure names the file it was writing, and a success adds the file to
// `written` — the list the console prints at the end, so it never lists a file that is not there.
import type { RunReport, ScenarioResult, TargetSummary } from "../simulator/results.ts";
import type { Reporter, RunBeginInfo } from "../simulator/reporter.ts";

export class FileReportError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file} not written: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "FileReportError";
  }
}

export class GuardedFileReporter implements Reporter {
  constructor(
    private readonly inner: Reporter,
    readonly file: string,
    private readonly written: string[],
  ) {}

  private async guard(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw new FileReportError(this.file, e);
    }
  }

  onBegin(info: RunBeginInfo) { return this.guard(() => this.inner.onBegin?.(info)); }
  onTargetStart(t: TargetSummary) { return this.guard(() => this.inner.onTargetStart?.(t)); }
  onScenarioBegin(s: { id: string; name: string; target: string }) { return this.guard(() => this.inner.onScenarioBegin?.(s)); }
  onScenarioEnd(r: ScenarioResult) { return this.guard(() => this.inner.onScenarioEnd?.(r)); }
  onError(err: Error) { return this.guard(() => this.inner.onError?.(err)); }
  async onEnd(report: RunReport): Promise<void> {
    await this.guard(() => this.inner.onEnd?.(report));
    this.written.push(this.file);
  }
}

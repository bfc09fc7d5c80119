// Every bundled receiver check against the reference receiver (embedded: it connects to pushlab's
// own XEP-0114 listener): all pass, the report is a valid pushlab report with latency series.
import { describe, expect, it } from "vitest";
import { reportValidator } from "../support/report-schema.ts";
import { runAll, RUN_MS } from "./run-all.ts";

describe("receiver checks against the reference receiver", () => {
  it(
    "passes every check, and the report says how and what was measured",
    async () => {
      const report = await runAll();
      const problems = report.scenarios.filter((s) => s.verdict !== "passed").map((s) => `${s.rules[0]}: ${s.findings[0]?.message}`);
      expect(problems).toEqual([]);
      expect(report.scenarios).toHaveLength(15);
      const validate = reportValidator();
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
      expect(report.targets[0]!.version).toBe("pushlab reference receiver");
      expect(report.targets[0]!.details?.connection).toMatch(/^embedded: receiver's component connects to 127\.0\.0\.1:\d+/);
      const burst = report.bench?.series.find((s) => s.metric.includes("burst"));
      expect(burst?.samples).toBe(1000);
      expect(burst?.summary.p99).toBeGreaterThanOrEqual(burst!.summary.p50!);
      const hostile = report.scenarios.find((s) => s.rules[0] === "R-RCV-HOSTILE")!;
      expect(hostile.timeline.filter((e) => e.kind === "push").length).toBe(48); // 24 hostile + 24 probes
    },
    RUN_MS,
  );
});

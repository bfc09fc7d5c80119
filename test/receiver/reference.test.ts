// Every bundled receiver check against the reference receiver (embedded: it connects to pushlab's
// own XEP-0114 listener): all pass, the report is a valid pushlab report with latency series.
// Then each deliberately broken receiver fails exactly the checks named for it.
import { describe, expect, it } from "vitest";
import type { RunReport } from "../../reports/model.ts";
import { startDemoWorld } from "../../simulator/receiver/reference/demo.ts";
import type { ReceiverBehaviour } from "../../simulator/receiver/reference/receiver.ts";
import { reportValidator } from "../support/report-schema.ts";
import { BROKEN_RECEIVERS } from "./broken-receivers.ts";

const RUN_MS = 240_000; // the suite takes ~15 s here; a crashing receiver reconnects 21 times

async function runAll(behaviour?: Partial<ReceiverBehaviour>): Promise<RunReport> {
  const world = await startDemoWorld("embedded", behaviour ? { behaviour } : {});
  try {
    return (await world.session.run([])).report;
  } finally {
    await world.close();
  }
}

const failing = (r: RunReport) => r.scenarios.filter((s) => s.verdict !== "passed").map((s) => s.rules[0]).sort();

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

  for (const broken of BROKEN_RECEIVERS) {
    it(
      `a receiver that ${broken.name} fails exactly ${broken.fails.join(", ")}`,
      async () => {
        const report = await runAll(broken.behaviour());
        expect(failing(report)).toEqual([...broken.fails].sort());
        for (const s of report.scenarios.filter((x) => x.verdict === "failed")) expect(s.findings.length).toBeGreaterThan(0);
      },
      RUN_MS,
    );
  }
});

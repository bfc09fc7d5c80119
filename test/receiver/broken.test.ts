// Each deliberately broken receiver fails exactly the receiver checks named for it: the checks go
// red when the thing they check is broken on purpose, and only then.
//
// The eight runs mostly wait (on answers, on settle windows), so they run at the same time, each
// with its own receiver, listener and gateway imitations on their own ports (port 0), and each
// test judges its own run.
import type { RunReport } from "../../simulator/results.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { BROKEN_RECEIVERS } from "./broken-receivers.ts";
import { failing, runAll, RUN_MS } from "./run-all.ts";

describe("receiver checks against deliberately broken receivers", () => {
  let runs: PromiseSettledResult<RunReport>[] = [];
  beforeAll(async () => {
    runs = await Promise.allSettled(BROKEN_RECEIVERS.map((broken) => runAll(broken.behaviour())));
  }, RUN_MS);

  for (const [i, broken] of BROKEN_RECEIVERS.entries()) {
    it(`a receiver that ${broken.name} fails exactly ${broken.fails.join(", ")}`, () => {
      const run = runs[i]!;
      if (run.status === "rejected") throw run.reason;
      const report = run.value;
      expect(failing(report)).toEqual([...broken.fails].sort());
      for (const s of report.scenarios.filter((x) => x.verdict === "failed")) expect(s.findings.length).toBeGreaterThan(0);
    });
  }
});

// Each deliberately broken receiver fails exactly the receiver checks named for it: the checks go
// red when the thing they check is broken on purpose, and only then.
import { describe, expect, it } from "vitest";
import { BROKEN_RECEIVERS } from "./broken-receivers.ts";
import { failing, runAll, RUN_MS } from "./run-all.ts";

describe("receiver checks against deliberately broken receivers", () => {
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

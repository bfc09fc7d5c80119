import { describe, expect, it } from "vitest";
import { renderJson } from "../../reports/json.ts";
import { syntheticReport } from "../support/synthetic-report.ts";
import { loadReportSchema, reportValidator } from "../support/report-schema.ts";

describe("report.json", () => {
  it("validates against reports/report.schema.json", () => {
    const validate = reportValidator();
    const parsed = JSON.parse(renderJson(syntheticReport(30, { bench: true })));
    expect(validate(parsed), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("uses no field the schema does not document (checked with every object closed)", () => {
    const validate = reportValidator({ strict: true });
    for (const report of [syntheticReport(30, { bench: true }), syntheticReport(12)]) {
      expect(validate(JSON.parse(renderJson(report))), JSON.stringify(validate.errors, null, 2)).toBe(true);
    }
    const withExtra = JSON.parse(renderJson(syntheticReport(12)));
    withExtra.scenarios[0].verdictt = "passed";
    expect(validate(withExtra)).toBe(false);
  });

  it("rejects reports that break the model", () => {
    const validate = reportValidator();
    const bad = JSON.parse(renderJson(syntheticReport(12)));
    bad.scenarios[0].verdict = "flaky";
    delete bad.scenarios[1].timeline;
    bad.scenarios[2].findings = [{ check: "x", message: "m", location: { file: "f", line: 0, col: 1 } }];
    expect(validate(bad)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toEqual(expect.arrayContaining(["/scenarios/0/verdict", "/scenarios/1", "/scenarios/2/findings/0/location/line"]));
  });

  it("documents every property it declares", () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (node === null || typeof node !== "object") return;
      const props = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
      for (const [k, v] of Object.entries(props ?? {})) {
        if (typeof v.description !== "string" && !v.$ref) undocumented.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      for (const [k, v] of Object.entries(node)) if (k !== "properties") walk(v, `${path}/${k}`);
    };
    walk(loadReportSchema(), "#");
    expect(undocumented).toEqual([]);
  });

  it("is pretty, newline-terminated and byte-stable for equal reports", () => {
    const a = renderJson(syntheticReport(12));
    expect(a).toBe(renderJson(syntheticReport(12)));
    expect(a.endsWith("}\n")).toBe(true);
    expect(a.split("\n")[1]).toBe('  "schema": "pushlab-report/1",');
  });
});

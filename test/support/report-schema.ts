// Loads reports/report.schema.json into ajv. strict=true closes every object schema that lists its
// properties (additionalProperties: false), so a test can prove the schema documents every field
// a report carries; the published schema stays open so older readers accept newer reports.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { REPORT_SCHEMA_PATH } from "../../reports/json.ts";

export function loadReportSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(REPORT_SCHEMA_PATH, "utf8")) as Record<string, unknown>;
}

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (obj.properties && obj.additionalProperties === undefined) obj.additionalProperties = false;
  Object.values(obj).forEach(closeObjects);
}

export function reportValidator(opts: { strict?: boolean } = {}): ValidateFunction {
  const schema = loadReportSchema();
  if (opts.strict) closeObjects(schema);
  const ajv = new Ajv({ allErrors: true });
  ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

// The rule catalog (scenarios/rules.yaml): id → title, family and level (xep-0357 with its
// section and keyword, reference, or hardening). Validated against scenarios/rules.schema.json.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import type { Level, RuleInfo } from "./results.ts";

const CATALOG = new URL("../scenarios/rules.yaml", import.meta.url);
const SCHEMA = new URL("../scenarios/rules.schema.json", import.meta.url);

let cached: RuleInfo[] | undefined;

export function loadRules(): RuleInfo[] {
  if (cached) return cached;
  const doc = parse(readFileSync(CATALOG, "utf8")) as unknown;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA, "utf8")));
  if (!validate(doc)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || "(top)"}: ${e.message}`).join("; ");
    throw new Error(`scenarios/rules.yaml is invalid: ${why}`);
  }
  const families = doc as Record<string, Record<string, { level: Level; title: string; section?: string; keyword?: RuleInfo["keyword"] }>>;
  const seen = new Set<string>();
  cached = Object.entries(families).flatMap(([family, rules]) =>
    Object.entries(rules).map(([id, r]) => {
      if (seen.has(id)) throw new Error(`scenarios/rules.yaml: rule ${id} appears twice`);
      seen.add(id);
      return { id, title: r.title, family, level: r.level, ...(r.section && { section: r.section }), ...(r.keyword && { keyword: r.keyword }) };
    }),
  );
  return cached;
}

export function ruleMap(): Map<string, RuleInfo> {
  return new Map(loadRules().map((r) => [r.id, r]));
}

/** "XEP-0357 §7.1 SHOULD" for xep rules, else the level's name. */
export function ruleCitation(r: RuleInfo): string {
  return r.level === "xep-0357" ? `XEP-0357 §${r.section} ${r.keyword}` : r.level;
}

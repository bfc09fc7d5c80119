// The rule catalog (scenarios/rules.yaml): id → one-line title, grouped by family.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { RuleInfo } from "../reports/model.ts";

export function loadRules(): RuleInfo[] {
  const doc = parse(readFileSync(new URL("../scenarios/rules.yaml", import.meta.url), "utf8")) as Record<string, Record<string, string>>;
  return Object.entries(doc).flatMap(([family, rules]) => Object.entries(rules).map(([id, title]) => ({ id, title, family })));
}

// The receiver rule catalog (rules.yaml) as report rows, with their levels (xep-0357 with the
// section, interop, hardening).
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { RuleInfo } from "../results.ts";

export type RuleLevel = "xep-0357" | "interop" | "hardening";

export interface ReceiverRule extends RuleInfo {
  level: RuleLevel;
}

export const RULES_FILE = new URL("./rules.yaml", import.meta.url);

export function loadReceiverRules(): ReceiverRule[] {
  const doc = parse(readFileSync(RULES_FILE, "utf8")) as Record<string, { level: RuleLevel; section?: string; family: string; title: string }>;
  return Object.entries(doc).map(([id, r]) => ({ id, title: r.title, family: `receiver/${r.family}`, level: r.level, ...(r.section && { section: r.section.replace(/^§\s*/, "") }) }));
}

// Reads a target's expectation file (simulator/targets/<target>/expectations.yaml, the format the
// lead's runner will read) and, until that runner lands, applies it to loaded scenarios as the
// per-target overrides today's runner understands: a step declaration becomes that step's
// deviation with the `instead` arguments (checked exactly, as any step), a whole-scenario
// declaration becomes the scenario's deviation, limited to the steps it `covers`.
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import type { Scenario } from "../../simulator/scenario/model.ts";

export interface StepDeclaration {
  reason: string;
  xep: string; // "none" or the XEP-0357 section it violates, e.g. "§7"
  instead: Record<string, unknown>;
}

export interface ScenarioDeclaration {
  reason: string;
  xep: string;
  covers: number[]; // 1-based steps where it may fail
  insteadText: string;
}

export interface Expectations {
  target: string;
  observedOn: string[];
  steps: Map<string, Map<number, StepDeclaration>>; // scenario key → step (1-based) → declaration
  whole: Map<string, ScenarioDeclaration>;
}

/** The key a scenario has in an expectation file: its file under scenarios/, without .yaml. */
export function scenarioKey(s: Pick<Scenario, "file" | "name">, severalInFile = false): string {
  const rel = s.file.replace(/^(\.\/)?scenarios\//, "").replace(/\.yaml$/, "");
  return severalInFile ? `${rel}#${s.name}` : rel;
}

const XEP = /^(none|§\d+(\.\d+)*)$/;

export function loadExpectations(path: string): Expectations {
  const text = readFileSync(path, "utf8");
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
  const data = doc.toJS() as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new Error(`${path}: ${what}`);
  };
  const str = (v: unknown, what: string): string => (typeof v === "string" && v.trim() !== "" ? v : fail(`${what}: expected a non-empty text`));
  const xep = (v: unknown, what: string): string => (typeof v === "string" && XEP.test(v) ? v : fail(`${what}: xep must be none or a section like §7.1, got ${JSON.stringify(v)}`));
  const out: Expectations = { target: str(data.target, "target"), observedOn: [], steps: new Map(), whole: new Map() };
  if (!Array.isArray(data["observed-on"]) || data["observed-on"].length === 0) fail("observed-on: expected a list of versions");
  out.observedOn = (data["observed-on"] as unknown[]).map((v, i) => str(v, `observed-on[${i}]`));
  const scenarios = (data.scenarios ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, decl] of Object.entries(scenarios)) {
    const at = `scenarios.${key}`;
    if (decl.steps !== undefined) {
      for (const k of Object.keys(decl)) if (k !== "steps") fail(`${at}: a step declaration has only 'steps', not '${k}'`);
      const steps = new Map<number, StepDeclaration>();
      for (const [n, d] of Object.entries(decl.steps as Record<string, Record<string, unknown>>)) {
        const step = Number(n);
        if (!Number.isInteger(step) || step < 1) fail(`${at}.steps.${n}: step numbers are 1-based integers`);
        const instead = d.instead;
        if (!instead || typeof instead !== "object" || Array.isArray(instead) || Object.keys(instead).length === 0) fail(`${at}.steps.${n}.instead: expected the step's arguments as they hold`);
        if ("one-of" in (instead as object)) {
          const alts = (instead as { "one-of": unknown })["one-of"];
          if (!Array.isArray(alts) || alts.length < 2 || !alts.every((a) => a && typeof a === "object" && !Array.isArray(a))) fail(`${at}.steps.${n}.instead.one-of: expected two or more argument mappings`);
        }
        steps.set(step, { reason: str(d.reason, `${at}.steps.${n}.reason`), xep: xep(d.xep, `${at}.steps.${n}`), instead: instead as Record<string, unknown> });
      }
      out.steps.set(key, steps);
    } else {
      const covers = decl.covers;
      if (!Array.isArray(covers) || covers.length === 0 || !covers.every((c) => Number.isInteger(c) && c >= 1)) fail(`${at}.covers: expected 1-based step numbers`);
      out.whole.set(key, {
        reason: str(decl.reason, `${at}.reason`),
        xep: xep(decl.xep, at),
        covers: covers as number[],
        insteadText: str(decl["instead-text"], `${at}.instead-text`),
      });
    }
  }
  return out;
}

/**
 * Copies of the scenarios with the declarations for `target` applied as today's `on.<target>`
 * overrides. Throws on a declaration for a scenario or step that does not exist.
 */
export function applyExpectations(scenarios: Scenario[], exp: Expectations): Scenario[] {
  const byKey = new Map(scenarios.map((s) => [scenarioKey(s), s]));
  for (const key of [...exp.steps.keys(), ...exp.whole.keys()]) if (!byKey.has(key)) throw new Error(`expectations for ${exp.target}: no scenario ${key}`);
  return scenarios.map((s) => {
    const key = scenarioKey(s);
    const steps = exp.steps.get(key);
    const whole = exp.whole.get(key);
    if (!steps && !whole) return s;
    const copy: Scenario = { ...s, on: { ...s.on }, steps: s.steps.map((st) => ({ ...st, on: { ...st.on } })) };
    for (const [n, d] of steps ?? []) {
      const st = copy.steps[n - 1];
      if (!st) throw new Error(`expectations for ${exp.target}: ${key} has no step ${n}`);
      const args = "one-of" in d.instead ? countRange(st.action, d.instead["one-of"] as Record<string, unknown>[], `${key} step ${n}`) : d.instead;
      st.on[exp.target] = { deviation: d.reason, args };
    }
    if (whole) {
      for (const n of whole.covers) if (!copy.steps[n - 1]) throw new Error(`expectations for ${exp.target}: ${key} has no step ${n}`);
      copy.on[exp.target] = { deviation: whole.reason };
    }
    return copy;
  });
}

/**
 * Today's runner checks one set of arguments per step, so a one-of is applied only where it has
 * an exact equivalent: expect-pushes alternatives that differ in `count` alone (counts forming a
 * contiguous range; a count-0 alternative needs no match) are the range at-least..at-most with
 * the shared arguments. Anything else is refused, never approximated.
 */
export function countRange(action: string, alts: Record<string, unknown>[], where: string): Record<string, unknown> {
  const refuse = (why: string): never => {
    throw new Error(`${where}: one-of cannot be applied by this interim reader (${why})`);
  };
  if (action !== "expect-pushes") refuse(`step is ${action}`);
  const counts = alts.map((a) => (typeof a.count === "number" ? a.count : refuse("every alternative needs a count")));
  const rest = (a: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(a).filter(([k]) => k !== "count").sort(([x], [y]) => x.localeCompare(y))));
  const nonZero = alts.filter((a) => a.count !== 0);
  const common = nonZero.length > 0 ? rest(nonZero[0]!) : rest(alts[0]!);
  if (!nonZero.every((a) => rest(a) === common)) refuse("alternatives differ in more than count");
  if (alts.some((a) => a.count === 0 && rest(a) !== "{}" && rest(a) !== common)) refuse("a count-0 alternative has other arguments");
  const sorted = [...new Set(counts)].sort((a, b) => a - b);
  if (sorted.some((c, i) => i > 0 && c !== sorted[i - 1]! + 1)) refuse("counts are not contiguous");
  return { ...JSON.parse(common), "at-least": sorted[0], "at-most": sorted.at(-1) };
}

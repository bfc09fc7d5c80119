// Loads a target's expectation file with the same care as scenarios: schema-checked, every
// problem as file:line:col; unknown scenario keys, step numbers that do not exist or hold no
// check, and replacements that are not valid arguments of the step are errors.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import type { DeclarationSource, SourceLocation } from "../results.ts";
import { CHECKS } from "../scenario/checks.ts";
import { validateStep } from "../scenario/load.ts";
import type { Scenario, StepArgs } from "../scenario/model.ts";
import { explainSchemaErrors, keyLoc, locOf, type LoadError } from "../yaml/locate.ts";
import { mergeExpectation } from "./merge.ts";
import type { ExpectationSet, ScenarioExpectations, StepDeclaration } from "./model.ts";

const schema = JSON.parse(readFileSync(new URL("./expectations.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);

export interface ExpectationLoadInput {
  file: string; // as shown in messages
  text?: string; // default: read from file
  /** The target the file is applied to; the file's `target:` must name it. */
  target: string;
  knownTargets: string[];
  /** The scenario a key names, or undefined. */
  scenario: (key: string) => Scenario | undefined;
}

export type ExpectationLoad = { ok: true; set: ExpectationSet } | { ok: false; errors: LoadError[] };

interface RawDecl {
  reason?: string;
  xep?: string;
  "observed-on"?: string[];
  link?: string;
}
interface RawStep extends RawDecl {
  instead?: StepArgs & { "one-of"?: StepArgs[] };
  stricter?: StepArgs;
}
interface RawScenario extends RawDecl {
  steps?: Record<string, RawStep>;
  covers?: number[];
  "instead-text"?: string;
  skip?: string;
}
interface RawFile {
  target: string;
  "observed-on": string[];
  link?: string;
  scenarios: Record<string, RawScenario>;
}

export function loadExpectations(input: ExpectationLoadInput): ExpectationLoad {
  const { file } = input;
  let text: string;
  try {
    text = input.text ?? readFileSync(file, "utf8");
  } catch (e) {
    return { ok: false, errors: [{ message: `cannot read expectation file: ${(e as Error).message}`, loc: { file, line: 1, col: 1 } }] };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => ({ file, ...lc.linePos(offset) });
  if (doc.errors.length > 0) return { ok: false, errors: doc.errors.map((e) => ({ message: `YAML syntax: ${e.message.split("\n")[0]}`, loc: at(e.pos[0]) })) };
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!validate(data)) return { ok: false, errors: explainSchemaErrors(validate.errors ?? [], doc, at, 0) };
  const raw = data as RawFile;
  const errors: LoadError[] = [];
  const nodeAt = (path: (string | number)[]) => locOf(doc, path, at, 0);
  const err = (path: (string | number)[], message: string) => errors.push({ message, loc: nodeAt(path) });

  if (!input.knownTargets.includes(raw.target)) err(["target"], `unknown target '${raw.target}'; known: ${input.knownTargets.join(", ")}`);
  else if (raw.target !== input.target) err(["target"], `this file is for target '${raw.target}', applied to '${input.target}'`);

  const source = (path: (string | number)[], d: RawDecl, parent: RawDecl = {}): DeclarationSource => {
    const loc = nodeAt(path);
    const link = d.link ?? parent.link ?? raw.link;
    const xep = d.xep ?? parent.xep;
    return { file, line: loc.line, col: loc.col, observedOn: d["observed-on"] ?? parent["observed-on"] ?? raw["observed-on"], ...(link && { link }), ...(xep && { xep }) };
  };

  const scenarios = new Map<string, ScenarioExpectations>();
  for (const [key, rs] of Object.entries(raw.scenarios)) {
    const s = input.scenario(key);
    if (!s) {
      errors.push({ message: `unknown scenario '${key}' (keys are scenario files under scenarios/ without .yaml)`, loc: keyLoc(doc, ["scenarios"], key, at, 0) });
      continue;
    }
    const entry: ScenarioExpectations = { steps: new Map() };
    const base = ["scenarios", key];
    if (rs.skip) entry.skip = { reason: rs.skip, source: source(base, rs) };
    if (rs.covers) {
      const bad = rs.covers.filter((n) => n > s.steps.length);
      if (bad.length) err([...base, "covers"], `steps ${bad.join(", ")} do not exist: '${key}' has ${s.steps.length} steps`);
      entry.whole = { reason: rs.reason!, covers: rs.covers.map((n) => n - 1), insteadText: rs["instead-text"]!, source: source(base, rs) };
    } else if (rs.reason && !rs.steps) err(base, "a scenario-level reason needs covers (the steps where the scenario may stop) and instead-text");
    for (const [num, st] of Object.entries(rs.steps ?? {})) {
      const path = [...base, "steps", num];
      const step = s.steps[Number(num) - 1];
      if (!step) {
        errors.push({ message: `step ${num} does not exist: '${key}' has ${s.steps.length} steps`, loc: keyLoc(doc, [...base, "steps"], num, at, 0) });
        continue;
      }
      const check = CHECKS[step.action];
      if (!check) {
        err(path, `step ${num} of '${key}' is '${step.action}', which checks nothing; declarations go on checking steps (${Object.keys(CHECKS).join(", ")})`);
        continue;
      }
      const decl = stepDeclaration(st, step.action, step.args, check.expectationKeys, path, (p, m) => err(p, m), source(path, st, rs));
      if (decl) entry.steps.set(step.index, decl);
    }
    scenarios.set(key, entry);
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col) };
  return { ok: true, set: { target: raw.target, file, observedOn: raw["observed-on"], scenarios } };
}

function stepDeclaration(
  st: RawStep,
  action: string,
  stepArgs: StepArgs,
  keys: readonly string[],
  path: (string | number)[],
  err: (path: (string | number)[], message: string) => void,
  source: DeclarationSource,
): StepDeclaration | undefined {
  const kind = st.instead ? "deviation" : "stricter";
  const body = (st.instead ?? st.stricter)!;
  const field = st.instead ? "instead" : "stricter";
  const oneOf = Array.isArray(body["one-of"]);
  if (oneOf && Object.keys(body).length > 1) err([...path, field], "one-of stands alone: give every alternative in full inside it");
  if (oneOf && kind === "stricter") err([...path, field], "a stricter expectation is one expectation, not one-of");
  const alternatives = oneOf ? (body["one-of"] as StepArgs[]) : [body];
  if (oneOf && alternatives.length < 2) err([...path, field, "one-of"], "one-of needs at least two alternatives");
  let ok = true;
  alternatives.forEach((alt, i) => {
    const altPath = oneOf ? [...path, field, "one-of", i] : [...path, field];
    if (typeof alt !== "object" || alt === null || Array.isArray(alt)) {
      err(altPath, "an alternative is a mapping of the step's expectation arguments");
      ok = false;
      return;
    }
    for (const k of Object.keys(alt)) {
      if (!keys.includes(k)) {
        err([...altPath, k], `'${k}' is not an expectation of ${action}; a declaration may replace: ${keys.join(", ")}`);
        ok = false;
      }
    }
    const merged = mergeExpectation(action, stepArgs, alt);
    if (!validateStep({ [action]: merged })) {
      const why = (validateStep.errors ?? []).map((e) => `${e.instancePath.replace(`/${action}`, "") || action} ${e.message}`).join("; ");
      err(altPath, `not a valid ${action} expectation: ${why}`);
      ok = false;
    }
    if (action === "expect-pushes" && "count" in merged && ("at-least" in merged || "at-most" in merged)) {
      err(altPath, "expect-pushes: give either count, or at-least and/or at-most");
      ok = false;
    }
  });
  if (!ok) return undefined;
  return { reason: st.reason!, kind, alternatives, oneOf, source };
}

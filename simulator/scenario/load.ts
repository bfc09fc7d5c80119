// YAML scenario files → validated Scenario objects. Every problem comes back as file:line:col with
// what was expected; a broken document never stops the others from loading.
import { readFileSync, statSync } from "node:fs";
import { Ajv } from "ajv";
import { isMap, LineCounter, parseAllDocuments, type Document } from "yaml";
import { explainSchemaErrors, locOf } from "../yaml/locate.ts";
import type { SourceLocation } from "../results.ts";
import { parseDuration } from "./duration.ts";
import type { BrokenScenario, LoadError, Loaded, Scenario, Step, StepArgs } from "./model.ts";
import { checkSemantics } from "./semantics.ts";
import { SCENARIO_SCHEMA } from "./schema.ts";
import { ruleMap } from "../rules-catalog.ts";
import { documentProblem, explainYamlError, invalidUtf8, lineColOfByte, sizeProblem } from "./file-limits.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const schema = SCENARIO_SCHEMA as any;
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(schema);

export const STEP_ACTIONS: string[] = Object.keys(schema.definitions.step.properties).filter((k) => k !== "note");

/** Validates one step object ({ action: args }) against the schema, e.g. a declared replacement. */
export const validateStep = ajv.compile({ ...schema.definitions.step, definitions: schema.definitions });

/**
 * How expectation files name a scenario: its path under the last scenarios/ folder (or as given),
 * without .yaml, plus "#name" when its file holds several documents.
 */
export function scenarioKey(file: string, name?: string): string {
  const norm = file.replace(/\\/g, "/");
  const i = norm.lastIndexOf("scenarios/");
  const rel = (i >= 0 ? norm.slice(i + "scenarios/".length) : norm).replace(/\.ya?ml$/, "");
  return name ? `${rel}#${name}` : rel;
}

export function loadScenarioFile(path: string, displayPath = path): Loaded[] {
  let bytes: Buffer;
  try {
    // Size first, from the file system: a 10 MB file is refused without reading it.
    const tooBig = sizeProblem(statSync(path).size);
    if (tooBig) return [brokenWhole(displayPath, "", tooBig)];
    bytes = readFileSync(path);
  } catch (e) {
    return [brokenWhole(displayPath, "", `cannot read file: ${(e as Error).message}`)];
  }
  const tooBig = sizeProblem(bytes.length); // it may have grown since
  if (tooBig) return [brokenWhole(displayPath, "", tooBig)];
  const bad = invalidUtf8(bytes);
  if (bad >= 0) {
    const at = lineColOfByte(bytes, bad);
    return [brokenWhole(displayPath, "", `not UTF-8: byte 0x${bytes[bad]!.toString(16).padStart(2, "0")} at byte offset ${bad} (scenario files must be UTF-8)`, at)];
  }
  return loadScenarioText(bytes.toString("utf8").replace(/^\uFEFF/, ""), displayPath);
}

function brokenWhole(file: string, source: string, message: string, loc?: Partial<SourceLocation>): Loaded {
  return {
    ok: false,
    broken: { id: `${file}#(unreadable)`, key: scenarioKey(file), file, name: file, rules: [], source, errors: [{ message, loc: { file, line: loc?.line ?? 1, col: loc?.col ?? 1 } }] },
  };
}

export function loadScenarioText(text: string, file: string): Loaded[] {
  const tooBig = sizeProblem(Buffer.byteLength(text, "utf8"));
  if (tooBig) return [brokenWhole(file, "", tooBig)];
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  if (!Array.isArray(docs)) return [brokenWhole(file, text, "not a YAML stream")];
  const at = (offset: number): SourceLocation => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const out: Loaded[] = [];
  list.forEach((doc, i) => {
    if (doc.contents === null && doc.errors.length === 0) return; // empty document (trailing ---)
    const source = doc.range ? text.slice(doc.range[0], doc.range[2]).replace(/^---\s*\n/, "") : text;
    const fallbackName = list.length > 1 ? `${file} (document ${i + 1})` : file;
    for (const e of doc.errors) e.message = explainYamlError(e.message);
    // Aliases and nesting are checked before anything expands or recurses into the document.
    const problem = doc.errors.length === 0 ? documentProblem(doc) : undefined;
    if (problem) {
      out.push(brokenWhole(file, source, problem.message, at(problem.offset)));
      return;
    }
    out.push(loadDocument(doc, source, file, fallbackName, at, list.length > 1));
  });
  if (out.length === 0) out.push(brokenWhole(file, text, "no scenario in this file"));
  return out;
}

function loadDocument(
  doc: Document.Parsed,
  source: string,
  file: string,
  fallbackName: string,
  at: (offset: number) => SourceLocation,
  multiDoc: boolean,
): Loaded {
  const docStart = doc.range?.[0] ?? 0;
  const rawName = (doc.contents && isMap(doc.contents) ? doc.get("name") : undefined) as unknown;
  const name = typeof rawName === "string" ? rawName : fallbackName;
  const rawRules = doc.contents && isMap(doc.contents) ? (doc.toJS()?.rules as unknown) : undefined;
  const rules = Array.isArray(rawRules) ? rawRules.filter((r): r is string => typeof r === "string") : [];
  const key = scenarioKey(file, multiDoc ? name : undefined);
  const broken = (errors: LoadError[]): Loaded => ({ ok: false, broken: { id: `${file}#${name}`, key, file, name, rules, errors, source } as BrokenScenario });

  if (doc.errors.length > 0) {
    return broken(doc.errors.map((e) => ({ message: `YAML syntax: ${e.message.split("\n")[0]}`, loc: at(e.pos[0]) })));
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!validate(data)) {
    return broken(explainSchemaErrors(validate.errors ?? [], doc, at, docStart, unknownStep));
  }
  const d = data as Record<string, any>;
  const nodeAt = (path: (string | number)[]): SourceLocation => locOf(doc, path, at, docStart);
  const steps: Step[] = (d.steps as Record<string, unknown>[]).map((raw, index) => toStep(raw, index, nodeAt));
  const catalog = ruleMap();
  const scenario: Scenario = {
    id: `${file}#${d.name}`,
    key,
    file,
    name: d.name,
    rules: d.rules,
    level: catalog.get(d.rules[0])?.level ?? "reference",
    ...(d.description && { description: d.description }),
    options: d.options ?? {},
    archive: d.archive ?? true,
    personas: Object.entries(d.personas as Record<string, { account?: string; resource?: string }>).map(([pname, p]) => ({
      name: pname,
      account: p?.account ?? pname,
      resource: p?.resource ?? pname,
    })),
    apps: d.apps ?? ["push"],
    ...(d.hooks && {
      hooks: {
        vetoRegistration: d.hooks["veto-registration"],
        vetoPush: d.hooks["veto-push"],
      },
    }),
    steps,
    source,
    loc: at(docStart),
  };
  const errors = checkSemantics(scenario, nodeAt, catalog);
  return errors.length > 0 ? broken(errors) : { ok: true, scenario };
}

function toStep(raw: Record<string, unknown>, index: number, nodeAt: (p: (string | number)[]) => SourceLocation): Step {
  const action = Object.keys(raw).find((k) => k !== "note") ?? "";
  const value = raw[action];
  let args: StepArgs;
  if (action === "wait") args = { duration: value };
  else if (action === "restart") args = {};
  else if (action === "app-offline" || action === "app-online") args = { name: value };
  else if (typeof value === "string") args = { persona: value };
  else args = { ...(value as StepArgs) };
  return { index, action, args, ...(typeof raw.note === "string" && { note: raw.note }), loc: nodeAt(["steps", index]) };
}

/** An unknown key directly under a step names an unknown step. */
function unknownStep(path: (string | number)[], key: string): string | undefined {
  if (key === "on" && (path.length === 0 || (path.length === 2 && path[0] === "steps")))
    return "unknown key 'on': per-target declarations live in the target's expectation file (simulator/targets/<target>/expectations.yaml), not in scenarios";
  return path.length === 2 && path[0] === "steps" ? `unknown step '${key}'; expected one of: ${STEP_ACTIONS.join(", ")}` : undefined;
}

export { parseDuration };

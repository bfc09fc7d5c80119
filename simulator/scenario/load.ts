// YAML scenario files → validated Scenario objects. Every problem comes back as file:line:col with
// what was expected; a broken document never stops the others from loading.
import { readFileSync, statSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import type { SourceLocation } from "../../reports/model.ts";
import { parseDuration } from "./duration.ts";
import type { BrokenScenario, LoadError, Loaded, Scenario, Step, StepArgs } from "./model.ts";
import { checkSemantics, type ActionArgs } from "./semantics.ts";
import { documentProblem, explainYamlError, invalidUtf8, lineColOfByte, sizeProblem } from "./file-limits.ts";

const schema = JSON.parse(readFileSync(new URL("../../scenarios/scenario.schema.json", import.meta.url), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(schema);

export const STEP_ACTIONS: string[] = Object.keys(schema.definitions.step.properties).filter((k) => k !== "on" && k !== "note");

/** Argument names per action, from the schema (object form, or the object branch of anyOf). */
const ACTION_ARGS: ActionArgs = Object.fromEntries(
  STEP_ACTIONS.map((a) => {
    const def = schema.definitions.step.properties[a];
    const obj = def.properties ? def : (def.anyOf ?? []).find((b: { properties?: object }) => b.properties);
    return [a, Object.keys(obj?.properties ?? {})];
  }),
);

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
    broken: { id: `${file}#(unreadable)`, file, name: file, rules: [], source, errors: [{ message, loc: { file, line: loc?.line ?? 1, col: loc?.col ?? 1 } }] },
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
    out.push(loadDocument(doc, source, file, fallbackName, at));
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
): Loaded {
  const docStart = doc.range?.[0] ?? 0;
  const rawName = (doc.contents && isMap(doc.contents) ? doc.get("name") : undefined) as unknown;
  const name = typeof rawName === "string" ? rawName : fallbackName;
  const rawRules = doc.contents && isMap(doc.contents) ? (doc.toJS()?.rules as unknown) : undefined;
  const rules = Array.isArray(rawRules) ? rawRules.filter((r): r is string => typeof r === "string") : [];
  const broken = (errors: LoadError[]): Loaded => ({ ok: false, broken: { id: `${file}#${name}`, file, name, rules, errors, source } as BrokenScenario });

  if (doc.errors.length > 0) {
    return broken(doc.errors.map((e) => ({ message: `YAML syntax: ${e.message.split("\n")[0]}`, loc: at(e.pos[0]) })));
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!validate(data)) {
    return broken(explainSchemaErrors(validate.errors ?? [], doc, at, docStart));
  }
  const d = data as Record<string, any>;
  const nodeAt = (path: (string | number)[]): SourceLocation => locOf(doc, path, at, docStart);
  const steps: Step[] = (d.steps as Record<string, unknown>[]).map((raw, index) => toStep(raw, index, nodeAt));
  const scenario: Scenario = {
    id: `${file}#${d.name}`,
    file,
    name: d.name,
    rules: d.rules,
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
    on: d.on ?? {},
    steps,
    source,
    loc: at(docStart),
  };
  const errors = checkSemantics(scenario, nodeAt, ACTION_ARGS);
  return errors.length > 0 ? broken(errors) : { ok: true, scenario };
}

function toStep(raw: Record<string, unknown>, index: number, nodeAt: (p: (string | number)[]) => SourceLocation): Step {
  const action = Object.keys(raw).find((k) => k !== "on" && k !== "note") ?? "";
  const value = raw[action];
  let args: StepArgs;
  if (action === "wait") args = { duration: value };
  else if (action === "restart") args = {};
  else if (typeof value === "string") args = { persona: value };
  else args = { ...(value as StepArgs) };
  const on: Step["on"] = {};
  for (const [target, o] of Object.entries((raw.on ?? {}) as Record<string, Record<string, unknown>>)) {
    const { deviation, skip, ...rest } = o;
    on[target] = {
      ...(typeof deviation === "string" && { deviation }),
      ...(typeof skip === "string" && { skip }),
      args: rest,
    };
  }
  return { index, action, args, ...(typeof raw.note === "string" && { note: raw.note }), on, loc: nodeAt(["steps", index]) };
}

/** Where a value sits in the YAML source (falls back to the nearest ancestor that has a position). */
function locOf(doc: Document.Parsed, path: (string | number)[], at: (o: number) => SourceLocation, docStart: number): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return at(node.range[0]);
  }
  return at(docStart);
}

/** The key node itself (for "unknown key" errors point at the key, not its parent). */
function keyLoc(doc: Document.Parsed, path: (string | number)[], key: string, at: (o: number) => SourceLocation, docStart: number): SourceLocation {
  const parent = doc.getIn(path, true) as Node | undefined;
  if (parent && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
  }
  return locOf(doc, path, at, docStart);
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Turns ajv's errors into one clear message per problem, most specific first. */
function explainSchemaErrors(errors: ErrorObject[], doc: Document.Parsed, at: (o: number) => SourceLocation, docStart: number): LoadError[] {
  const out = new Map<string, LoadError>();
  // A shorthand branch ("a persona name") fails with a type error whenever the object branch is
  // used; when more specific errors exist at or below that path, the type error is noise.
  const specific = (path: string) =>
    errors.some((x) => x.keyword !== "type" && x.keyword !== "anyOf" && x.keyword !== "oneOf" && (x.instancePath === path || x.instancePath.startsWith(`${path}/`)));
  errors = errors.filter((e) => !(e.keyword === "type" && specific(e.instancePath)));
  // Errors under anyOf/oneOf branches repeat; keep the deepest per location.
  const deepest = Math.max(...errors.map((e) => e.instancePath.split("/").length));
  const sorted = [...errors].sort((a, b) => b.instancePath.split("/").length - a.instancePath.split("/").length);
  for (const e of sorted) {
    const path = pathOf(e.instancePath);
    const where = e.instancePath || "(top level)";
    let message: string;
    let loc: SourceLocation;
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const isStep = path.length === 2 && path[0] === "steps";
      const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
      message = isStep
        ? `unknown step '${key}'; expected one of: ${STEP_ACTIONS.join(", ")}`
        : `unknown key '${key}' in ${where}; expected one of: ${allowed.join(", ")}`;
      loc = keyLoc(doc, path, key, at, docStart);
    } else if (e.keyword === "required") {
      message = `${where}: missing '${(e.params as { missingProperty: string }).missingProperty}'`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "type") {
      message = `${where}: expected ${(e.params as { type: string }).type}, got ${describe(doc.getIn(path))}`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "enum") {
      message = `${where}: expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(doc.getIn(path))}`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      if (e.instancePath.split("/").length < deepest && [...out.keys()].some((k) => k.startsWith(e.instancePath))) continue;
      message = `${where}: ${e.message ?? "invalid"}, got ${describe(doc.getIn(path))}`;
      loc = locOf(doc, path, at, docStart);
    } else {
      message = `${where}: ${e.message ?? "invalid"}`;
      loc = locOf(doc, path, at, docStart);
    }
    const key = `${e.instancePath}|${loc.line}:${loc.col}`;
    if ([...out.keys()].some((k) => k.startsWith(`${e.instancePath}|`)) && e.keyword !== "additionalProperties") continue;
    out.set(key, { message, loc });
  }
  return [...out.values()].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "object") return isMap(v) ? "a mapping" : isSeq(v) ? "a list" : "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

export { parseDuration };

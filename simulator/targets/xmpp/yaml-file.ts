// A YAML settings file checked against a strict JSON schema, with every problem as
// file:line:col (like the scenario loader), so a maintainer can fix their config in one go.
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";

export interface Loc {
  file: string;
  line: number;
  col: number;
}

/** One or more problems in a settings file or in flags; the message lists them all. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "SettingsError";
  }
}

export const at = (l: Loc, message: string): string => `${l.file}:${l.line}:${l.col}: ${message}`;

export interface YamlFile<T> {
  data: T;
  file: string;
  /** Where the value at `path` sits (the nearest enclosing node that has a position). */
  loc(path: (string | number)[]): Loc;
  /** Where the key `key` of the mapping at `path` sits. */
  keyLoc(path: (string | number)[], key: string): Loc;
}

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true }); // verbose: parentSchema names the allowed keys
const compiled = new WeakMap<object, ValidateFunction>();

function validator(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}

/** Reads, parses and validates; throws SettingsError listing every problem with its location. */
export function loadYamlFile<T>(file: string, schema: object): YamlFile<T> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new SettingsError([`${file}: cannot read: ${(e as Error).message}`]);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): Loc => ({ file, ...lc.linePos(offset) });
  if (doc.errors.length > 0) throw new SettingsError(doc.errors.map((e) => at(pos(e.pos[0]), `YAML syntax: ${e.message.split("\n")[0]}`)));
  const loc = (path: (string | number)[]): Loc => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return pos(node.range[0]);
    }
    return pos(0);
  };
  const keyLoc = (path: (string | number)[], key: string): Loc => {
    const parent = doc.getIn(path, true) as Node | undefined;
    if (parent && isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) return pos(pair.key.range[0]);
    }
    return loc(path);
  };
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const validate = validator(schema);
  if (!validate(data)) throw new SettingsError(explain(validate.errors ?? [], doc, loc, keyLoc));
  return { data: data as T, file, loc, keyLoc };
}

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function explain(
  errors: ErrorObject[],
  doc: Document.Parsed,
  loc: (p: (string | number)[]) => Loc,
  keyLoc: (p: (string | number)[], k: string) => Loc,
): string[] {
  const out: { l: Loc; text: string }[] = [];
  const seen = new Set<string>();
  // oneOf/anyOf failures repeat what their branches said; keep them only where nothing deeper spoke.
  const deeper = (p: string) => errors.some((x) => !["oneOf", "anyOf"].includes(x.keyword) && x.instancePath.startsWith(p));
  for (const e of errors) {
    const path = pathOf(e.instancePath);
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
    let l = loc(path);
    let text: string;
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      text = `unknown key '${key}' in ${where}; expected one of: ${allowed.join(", ")}`;
      l = keyLoc(path, key);
    } else if (e.keyword === "required") {
      text = `${where}: missing '${(e.params as { missingProperty: string }).missingProperty}'`;
    } else if (e.keyword === "enum") {
      text = `${where}: expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(doc.getIn(path))}`;
    } else if (e.keyword === "type") {
      text = `${where}: expected ${(e.params as { type: string }).type}, got ${describe(doc.getIn(path))}`;
    } else if ((e.keyword === "oneOf" || e.keyword === "anyOf") && deeper(e.instancePath)) {
      continue;
    } else {
      text = `${where}: ${e.message ?? "invalid"}${e.keyword === "oneOf" || e.keyword === "anyOf" ? `, got ${describe(doc.getIn(path))}` : ""}`;
    }
    const line = at(l, text);
    if (!seen.has(line)) {
      seen.add(line);
      out.push({ l, text: line });
    }
  }
  return out.sort((a, b) => a.l.line - b.l.line || a.l.col - b.l.col).map((x) => x.text);
}

// A YAML settings file checked against a strict JSON schema, with every problem as
// file:line:col (located and explained by the shared simulator/yaml/locate.ts, like scenarios
// and expectation files), so a maintainer can fix their config in one go.
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import type { SourceLocation } from "../../results.ts";
import { dotted, explainSchemaErrors, locOf } from "../../yaml/locate.ts";

export type Loc = SourceLocation;

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
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const validate = validator(schema);
  if (!validate(data)) throw new SettingsError(explainSchemaErrors(validate.errors ?? [], doc, pos, 0, undefined, dotted).map((e) => at(e.loc, e.message)));
  return { data: data as T, file, loc: (path) => locOf(doc, path, pos, 0) };
}

// Where things sit in a YAML source, and ajv's schema errors turned into one clear message per
// problem with file:line:col: shared by every YAML file pushlab reads (scenarios, expectations).
import type { ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import type { SourceLocation } from "../results.ts";

export interface LoadError {
  message: string;
  loc: SourceLocation;
}

/** Where a value sits in the YAML source (falls back to the nearest ancestor that has a position). */
export function locOf(doc: Document.Parsed, path: (string | number)[], at: (o: number) => SourceLocation, docStart: number): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (node && (isMap(node) || isSeq(node) || isScalar(node)) && node.range) return at(node.range[0]);
  }
  return at(docStart);
}

/** The key node itself (for "unknown key" errors point at the key, not its parent). */
export function keyLoc(doc: Document.Parsed, path: (string | number)[], key: string, at: (o: number) => SourceLocation, docStart: number): SourceLocation {
  const parent = doc.getIn(path, true) as Node | undefined;
  if (parent && isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return at(pair.key.range[0]);
  }
  return locOf(doc, path, at, docStart);
}

export function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A JSON pointer as messages show it by default ("/steps/0/send"); the top level named. */
const pointer = (instancePath: string): string => instancePath || "(top level)";

/** The same path written as keys joined by dots ("component.port"), for settings files. */
export const dotted = (instancePath: string): string => pathOf(instancePath).join(".") || "(top level)";

/** Turns ajv's errors into one clear message per problem, most specific first. */
export function explainSchemaErrors(
  errors: ErrorObject[],
  doc: Document.Parsed,
  at: (o: number) => SourceLocation,
  docStart: number,
  unknownKey?: (path: (string | number)[], key: string) => string | undefined,
  name: (instancePath: string) => string = pointer,
): LoadError[] {
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
    const where = name(e.instancePath);
    let message: string;
    let loc: SourceLocation;
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
      message = unknownKey?.(path, key) ?? `unknown key '${key}' in ${where}; expected one of: ${allowed.join(", ")}`;
      loc = keyLoc(doc, path, key, at, docStart);
    } else if (e.keyword === "required") {
      message = `${where}: missing '${(e.params as { missingProperty: string }).missingProperty}'`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "type") {
      message = `${where}: expected ${(e.params as { type: string }).type}, got ${describeYaml(doc.getIn(path))}`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "enum") {
      message = `${where}: expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}, got ${describeYaml(doc.getIn(path))}`;
      loc = locOf(doc, path, at, docStart);
    } else if (e.keyword === "anyOf" || e.keyword === "oneOf") {
      if (e.instancePath.split("/").length < deepest && [...out.keys()].some((k) => k.startsWith(e.instancePath))) continue;
      message = `${where}: ${e.message ?? "invalid"}, got ${describeYaml(doc.getIn(path))}`;
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

export function describeYaml(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "object") return isMap(v) ? "a mapping" : isSeq(v) ? "a list" : "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}


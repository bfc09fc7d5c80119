// Which scenarios a command works on: the paths (given, from the config, ./scenarios, or the
// bundled suite), then --grep / --grep-invert as regular expressions over a scenario's id, key,
// file, name and rule ids.
import { existsSync, statSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../exit-codes.ts";
import type { Loaded } from "../scenario/model.ts";

/** The suite that ships with pushlab (its own scenarios/ folder). */
export const BUNDLED_SUITE_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/** The bundled suite as a path relative to cwd (what reports show), or absolute when that is shorter. */
export function bundledSuitePath(cwd = process.cwd()): string {
  const rel = relative(cwd, BUNDLED_SUITE_DIR) || ".";
  return rel.length <= BUNDLED_SUITE_DIR.length ? rel : BUNDLED_SUITE_DIR;
}

/** Default scenario paths: ./scenarios when the current directory has one, else the bundled suite. */
export function defaultScenarioPaths(cwd = process.cwd()): string[] {
  const local = `${cwd}/scenarios`;
  if (existsSync(local) && statSync(local).isDirectory()) return ["scenarios"];
  return [bundledSuitePath(cwd)];
}

/** --grep / --grep-invert text as a regular expression (case-insensitive); a bad one is a usage error. */
export function grepRegex(flag: string, source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, "i");
  } catch (e) {
    throw new UsageError(`${flag} ${source}: not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`);
  }
}

export interface Filter {
  grep?: RegExp;
  grepInvert?: RegExp;
}

function fields(l: Loaded): string[] {
  const s = l.ok ? l.scenario : l.broken;
  return [s.id, s.key, s.file, s.name, ...s.rules];
}

export function matchesFilter(l: Loaded, f: Filter): boolean {
  const all = fields(l);
  if (f.grep && !all.some((x) => f.grep!.test(x))) return false;
  if (f.grepInvert && all.some((x) => f.grepInvert!.test(x))) return false;
  return true;
}

export function applyFilter(loaded: Loaded[], f: Filter): Loaded[] {
  return f.grep || f.grepInvert ? loaded.filter((l) => matchesFilter(l, f)) : loaded;
}

/** "--grep X --grep-invert Y" for messages. */
export function describeFilter(f: Filter): string {
  return [f.grep && `--grep ${f.grep.source}`, f.grepInvert && `--grep-invert ${f.grepInvert.source}`].filter(Boolean).join(" ");
}

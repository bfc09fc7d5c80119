// A small static import graph of the project's TypeScript files (relative specifiers only; type
// imports count too: a check that borrows a type from the engine borrows its assumptions).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type Graph = Map<string, string[]>; // file (relative to root) → files it imports statically

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|(?:^|[\s;])import\s*["'](\.{1,2}\/[^"']+)["']/gm;

export function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) out.push((m[1] ?? m[2])!);
  return out;
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
}

/** The graph of every .ts file under the given folders (or a given set of files with their text). */
export function buildGraph(root: string, folders: string[], files?: Record<string, string>): Graph {
  const g: Graph = new Map();
  const list = files ? Object.keys(files).map((f) => join(root, f)) : folders.flatMap((f) => {
    const out: string[] = [];
    if (existsSync(join(root, f))) walk(join(root, f), out);
    return out;
  });
  for (const abs of list) {
    const text = files ? files[relative(root, abs)]! : readFileSync(abs, "utf8");
    const from = relative(root, abs);
    g.set(from, importsOf(text).map((spec) => relative(root, resolve(dirname(abs), spec))));
  }
  return g;
}

/** Every file reachable from `start` through static imports (start excluded). */
export function reachable(g: Graph, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(g.get(start) ?? [])];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(g.get(f) ?? []));
  }
  return seen;
}

/** Violations of "files matching `from` must not reach files under `forbidden`" (transitively or directly). */
export function violations(g: Graph, from: (f: string) => boolean, forbidden: string, transitive: boolean): string[] {
  const out: string[] = [];
  for (const f of g.keys()) {
    if (!from(f)) continue;
    const targets = transitive ? [...reachable(g, f)] : (g.get(f) ?? []);
    for (const t of targets) if (t.startsWith(forbidden)) out.push(`${f} → ${t}`);
  }
  return out.sort();
}

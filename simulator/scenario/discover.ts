// Finds scenario files: every *.yaml / *.yml under the given paths (rules.yaml is the catalog).
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export function discoverScenarioFiles(paths: string[], root = process.cwd()): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith(".") || name === "node_modules") continue;
        walk(join(p, name));
      }
    } else if (/\.ya?ml$/.test(p) && !/(^|\/)rules\.ya?ml$/.test(p)) out.push(relative(root, resolve(p)) || p);
  };
  for (const p of paths) walk(resolve(root, p));
  return [...new Set(out)];
}

// npm run mutation / npm run mutation:ci — StrykerJS over engine/, then the review (check-report.ts).
//
//   npm run mutation        every mutant tested (a full run); writes the baseline for CI:
//                           test/mutation/baseline/stryker-incremental.json + inputs.json
//   npm run mutation:ci     reuses the baseline where that is honest: Stryker's incremental mode
//                           re-tests the mutants of changed engine code and those the changed
//                           test files cover; it cannot see anything else the tests read (the
//                           simulator, scenario YAML, test helpers, configs, packages), so when
//                           one of those differs from the baseline's, it is a full run again.
//
// Either way the JSON report in reports/out/mutation/ holds every mutant (reused ones included),
// and check-report.ts judges it: ≥ 95 %, no kill by a crash, every survivor reviewed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
export const BASELINE_DIR = "test/mutation/baseline";
export const INCREMENTAL_FILE = `${BASELINE_DIR}/stryker-incremental.json`;
export const INPUTS_FILE = `${BASELINE_DIR}/inputs.json`;

/**
 * What the mutation run reads that Stryker's incremental diff does not: it diffs the mutated
 * files (engine/) and the test files that hold tests, nothing else.
 */
export function isUnseenInput(file: string): boolean {
  if (file.startsWith("engine/")) return false; // diffed by Stryker
  if (/^test\/engine\/.*\.test\.ts$/.test(file) || file === "test/scenario/suite.test.ts") return false; // diffed by Stryker
  if (file.endsWith(".md")) return false; // prose
  // The scenario suite runs on the engine target only: the real servers' plumbing and their
  // expectation files are never loaded by it.
  if (/^simulator\/targets\/(?!engine\/)[^/]+\//.test(file)) return false;
  return (
    file.startsWith("simulator/") ||
    file.startsWith("scenarios/") ||
    file.startsWith("test/engine/") || // helpers such as harness.ts
    file.startsWith("test/support/") ||
    /^test\/mutation\/crash-[\w-]+\.ts$/.test(file) ||
    ["vitest.mutation.config.ts", "stryker.config.json", "package.json", "package-lock.json", "tsconfig.json"].includes(file)
  );
}

export interface Inputs {
  node: string;
  files: Record<string, string>; // file → sha256 of its content
}

/** The unseen inputs as they are now (tracked files only, so a stray local file changes nothing). */
export function currentInputs(root = ROOT): Inputs {
  const out = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`git ls-files failed: ${out.stderr}`);
  const files: Record<string, string> = {};
  for (const f of out.stdout.split("\0").filter(isUnseenInput).sort()) {
    if (existsSync(join(root, f))) files[f] = createHash("sha256").update(readFileSync(join(root, f))).digest("hex");
  }
  return { node: process.versions.node.split(".")[0]!, files };
}

/** Why the baseline cannot be reused (empty: it can). */
export function differences(baseline: Inputs | null, now: Inputs): string[] {
  if (!baseline) return ["no baseline"];
  const out: string[] = [];
  if (baseline.node !== now.node) out.push(`Node ${baseline.node} → ${now.node}`);
  for (const [f, h] of Object.entries(now.files)) {
    if (baseline.files[f] === undefined) out.push(`${f} (new)`);
    else if (baseline.files[f] !== h) out.push(f);
  }
  for (const f of Object.keys(baseline.files)) if (now.files[f] === undefined) out.push(`${f} (gone)`);
  return out;
}

function readInputs(): Inputs | null {
  try {
    return JSON.parse(readFileSync(join(ROOT, INPUTS_FILE), "utf8")) as Inputs;
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit" });
  return r.status ?? 1;
}

function main(): number {
  const ci = process.argv.includes("--ci");
  const now = currentInputs();
  const why = ci && existsSync(join(ROOT, INCREMENTAL_FILE)) ? differences(readInputs(), now) : ["a full run was asked for"];
  const incremental = why.length === 0;
  if (ci) {
    console.log(
      incremental
        ? "mutation: incremental run (the baseline's unseen inputs are unchanged)"
        : `mutation: full run: ${why.slice(0, 8).join(", ")}${why.length > 8 ? ` and ${why.length - 8} more` : ""}`,
    );
  }
  mkdirSync(join(ROOT, BASELINE_DIR), { recursive: true });
  const started = Date.now();
  const stryker = join(ROOT, "node_modules/.bin/stryker");
  const code = run(stryker, ["run", "--incremental", "--incrementalFile", INCREMENTAL_FILE, ...(incremental ? [] : ["--force"])]);
  console.log(`mutation: stryker ${incremental ? "incremental" : "full"} run took ${Math.round((Date.now() - started) / 1000)} s`);
  // Stryker wrote a new baseline (also below the threshold: its results are real, not when the
  // tests failed before any mutant ran): it belongs to these inputs.
  const written = existsSync(join(ROOT, INCREMENTAL_FILE)) && statSync(join(ROOT, INCREMENTAL_FILE)).mtimeMs >= started;
  if (written) writeFileSync(join(ROOT, INPUTS_FILE), `${JSON.stringify(now, null, 1)}\n`);
  const check = run(join(ROOT, "node_modules/.bin/tsx"), ["test/mutation/check-report.ts"]);
  return code !== 0 ? code : check;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());

// The report dir, checked before the run starts: a run that can only end with "reporter failed"
// should not start at all. The dir must be a directory (or creatable as one), writable, and not
// under /proc or /sys (Node's recursive mkdir there never returns). Reports of an earlier run in
// it are removed, so nothing stale is ever mistaken for this run's.
import { existsSync, mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { UsageError } from "./exit-codes.ts";

/** The files a run writes into the report dir (removed at the start of the next run). */
export const REPORT_DIR_FILES = ["report.json", "junit.xml", "index.html", "results.jsonl"];

const PSEUDO_FS = ["/proc", "/sys", "/dev"];

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The deepest existing ancestor of p (p itself if it exists). */
function existingAncestor(p: string): string {
  let cur = p;
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

function hintFor(dir: string): string {
  return /\.ya?ml$/i.test(dir) ? ` (a scenario file? scenarios go before the options: pushlab run ${dir})` : "";
}

/**
 * Makes sure dir can take the reports; creates it if needed. Returns its absolute path.
 * Throws UsageError (exit 2) with the reason otherwise.
 */
export function prepareReportDir(dir: string): string {
  if (dir.trim() === "") throw new UsageError("--report-dir: empty path");
  const abs = resolve(dir);
  const ancestor = existingAncestor(abs);
  // Through symlinks: the real place decides.
  let real: string;
  try {
    real = join(realpathSync(ancestor), abs.slice(ancestor.length));
  } catch (e) {
    throw new UsageError(`--report-dir ${dir}: cannot resolve ${ancestor}: ${(e as Error).message}`);
  }
  const pseudo = PSEUDO_FS.find((root) => under(real, root));
  if (pseudo) throw new UsageError(`--report-dir ${dir}: under ${pseudo}, which is not a place for files`);

  const st = statSync(ancestor);
  if (ancestor === abs && !st.isDirectory()) throw new UsageError(`--report-dir ${dir}: is a file, not a directory${hintFor(dir)}`);
  if (ancestor !== abs && !st.isDirectory()) throw new UsageError(`--report-dir ${dir}: ${ancestor} is a file, so no directory can be made under it`);

  // One level at a time: never Node's recursive mkdir (see above).
  const missing: string[] = [];
  for (let p = abs; p !== ancestor; p = dirname(p)) missing.unshift(p);
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      throw new UsageError(`--report-dir ${dir}: cannot create ${p}: ${(e as Error).message}`);
    }
  }

  const probe = join(abs, `.pushlab-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    rmSync(probe, { force: true });
  } catch (e) {
    throw new UsageError(`--report-dir ${dir}: not writable: ${(e as Error).message}`);
  }
  for (const f of REPORT_DIR_FILES) {
    try {
      rmSync(join(abs, f), { force: true });
    } catch (e) {
      throw new UsageError(`--report-dir ${dir}: cannot replace ${f} of an earlier run: ${(e as Error).message}`);
    }
  }
  return abs;
}

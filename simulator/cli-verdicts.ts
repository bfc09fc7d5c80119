// The verdict-model options of the CLI: --profile, --expectations TARGET=FILE, and validate's
// check of every target's expectation file against the scenarios.
import { UsageError } from "./exit-codes.ts";
import { ExpectationFileError, expectationsFor, loadAll } from "./runner.ts";
import { PROFILES, type Profile } from "./results.ts";
import { createTarget, TARGET_NAMES } from "./targets/index.ts";

export function profileOf(value: string | undefined): Profile | undefined {
  if (value === undefined) return undefined;
  if (!PROFILES.includes(value as Profile)) throw new UsageError(`unknown profile '${value}'; expected one of: ${PROFILES.join(", ")}`);
  return value as Profile;
}

/** --expectations prosody=FILE (repeatable) → { prosody: FILE }. */
export function expectationFilesOf(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of values ?? []) {
    const at = e.indexOf("=");
    const [t, file] = [e.slice(0, at), e.slice(at + 1)];
    if (at < 0 || !t || !file) throw new UsageError(`--expectations takes TARGET=FILE, got '${e}'`);
    if (!TARGET_NAMES.includes(t)) throw new UsageError(`--expectations: unknown target '${t}'; known: ${TARGET_NAMES.join(", ")}`);
    out[t] = file;
  }
  return out;
}

/** Checks each target's expectation file (or the one given for it); prints errors; returns how many failed. */
export async function validateExpectationFiles(paths: string[], given: Record<string, string>): Promise<number> {
  let bad = 0;
  const all = loadAll(paths);
  for (const name of TARGET_NAMES) {
    // A target that needs connection settings (xmpp) has no bundled file; a given one is checked by name.
    const t = await createTarget(name).catch(() => ({ name, expectationsFile: undefined }));
    try {
      const set = expectationsFor(t, all, given[name]);
      if (set) process.stdout.write(`${set.file}: ${set.scenarios.size} declared scenario(s) for ${name}\n`);
    } catch (e) {
      if (!(e instanceof ExpectationFileError)) throw e;
      bad++;
      process.stderr.write(`${e.message}\n`);
    }
  }
  return bad;
}

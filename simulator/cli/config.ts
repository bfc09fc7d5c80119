// pushlab.config.yaml: the settings of `pushlab run` in a file (targets, scenario paths, reporters,
// profile, expectations, workers, retries, the xmpp target's connection). Found in the current
// directory or given with --config FILE; checked against a strict schema
// (simulator/cli/pushlab.config.schema.json) with every problem as file:line:col. Flags win.
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { UsageError } from "../exit-codes.ts";
import { loadYamlFile, SettingsError, type Loc } from "../targets/xmpp/yaml-file.ts";
import type { SourcedInput, XmppSettingsInput } from "../targets/xmpp/settings.ts";
import type { Profile } from "../results.ts";
import { bundledSuitePath } from "./select.ts";

export const CONFIG_FILE = "pushlab.config.yaml";
export const CONFIG_SCHEMA_PATH = new URL("./pushlab.config.schema.json", import.meta.url);

/** The schema with the xmpp target's schema put in place of its $ref (editors follow the $ref). */
function schema(): object {
  const own = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, "utf8")) as { properties: { xmpp: { oneOf: object[] } } };
  const xmpp = JSON.parse(readFileSync(new URL("../targets/xmpp/xmpp-config.schema.json", import.meta.url), "utf8")) as Record<string, unknown>;
  delete xmpp.$schema;
  delete xmpp.$id;
  own.properties.xmpp.oneOf[1] = xmpp;
  return own;
}
let compiledSchema: object | undefined;

interface RawConfig {
  targets?: string[];
  scenarios?: string[];
  "bundled-suite"?: boolean;
  profile?: Profile;
  expectations?: Record<string, string>;
  "report-dir"?: string;
  reporters?: string[];
  strict?: boolean;
  workers?: number;
  retries?: number;
  grep?: string;
  "grep-invert"?: string;
  "shard-durations"?: string;
  xmpp?: string | XmppSettingsInput;
}

export interface PushlabConfig {
  file: string;
  targets?: string[];
  /** Scenario paths, relative to the current directory (the bundled suite included when asked for). */
  scenarios?: string[];
  profile?: Profile;
  expectations?: Record<string, string>;
  reportDir?: string;
  reporters?: string[];
  strict?: boolean;
  workers?: number;
  retries?: number;
  grep?: string;
  grepInvert?: string;
  shardDurations?: string;
  /** The xmpp target's settings: a --xmpp-config file, or inline with their locations. */
  xmpp?: { file: string } | { inline: SourcedInput };
  /** file:line:col of a key, for messages about values checked later (e.g. a bad regex). */
  where(path: (string | number)[]): string;
}

/** --config FILE, else ./pushlab.config.yaml when it exists, else none. */
export function findConfig(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new UsageError(`--config ${explicit}: no such file`);
    return explicit;
  }
  const here = resolve(cwd, CONFIG_FILE);
  return existsSync(here) ? relative(cwd, here) || CONFIG_FILE : undefined;
}

/**
 * Reads and checks a config file (a path as given, or relative to the current directory); throws
 * UsageError listing every problem as file:line:col. Paths in it are made relative to `cwd`.
 */
export function loadConfig(file: string, cwd = process.cwd()): PushlabConfig {
  let y;
  try {
    y = loadYamlFile<RawConfig | null>(file, (compiledSchema ??= schema()));
  } catch (e) {
    if (e instanceof SettingsError) {
      // xmpp: is a path or a mapping; when a mapping has errors, "expected string" is not news.
      const inXmpp = e.problems.some((p) => /: xmpp\.|in xmpp;/.test(p));
      const problems = e.problems.filter((p) => !(inXmpp && /: xmpp: expected string, got a mapping$/.test(p)));
      throw new UsageError(`config file with errors:\n${problems.join("\n")}`);
    }
    throw e;
  }
  const raw: RawConfig = y.data ?? {};
  const base = dirname(resolve(cwd, file));
  const at = (l: Loc) => `${l.file}:${l.line}:${l.col}`;
  const where = (path: (string | number)[]) => at(y.loc(path));
  const problems: string[] = [];
  const rel = (p: string) => relative(cwd, resolve(base, p)) || ".";
  const mustExist = (p: string, path: (string | number)[], what: string) => {
    if (!existsSync(resolve(base, p))) problems.push(`${where(path)}: ${what} ${p}: no such file or directory (relative to ${relative(cwd, base) || "."})`);
    return rel(p);
  };

  const cfg: PushlabConfig = { file, where };
  if (raw.targets) cfg.targets = raw.targets;
  const paths = (raw.scenarios ?? []).map((p, i) => mustExist(p, ["scenarios", i], "scenario path"));
  if (raw["bundled-suite"]) paths.unshift(bundledSuitePath(cwd));
  if (raw.scenarios || raw["bundled-suite"]) cfg.scenarios = paths;
  else {
    const local = resolve(base, "scenarios");
    cfg.scenarios = [existsSync(local) ? rel("scenarios") : bundledSuitePath(cwd)];
  }
  if (raw.profile) cfg.profile = raw.profile;
  if (raw.expectations) cfg.expectations = Object.fromEntries(Object.entries(raw.expectations).map(([t, f]) => [t, mustExist(f, ["expectations", t], "expectation file")]));
  if (raw["report-dir"]) cfg.reportDir = rel(raw["report-dir"]);
  if (raw.reporters) {
    // Report files relative to the config file, like every other path in it.
    cfg.reporters = raw.reporters.map((r) => {
      const eq = r.indexOf("=");
      return eq < 0 ? r : `${r.slice(0, eq)}=${rel(r.slice(eq + 1))}`;
    });
  }
  if (raw.strict !== undefined) cfg.strict = raw.strict;
  if (raw.workers !== undefined) cfg.workers = raw.workers;
  if (raw.retries !== undefined) cfg.retries = raw.retries;
  for (const [key, prop] of [["grep", "grep"], ["grep-invert", "grepInvert"]] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    try {
      new RegExp(v, "i");
      cfg[prop] = v;
    } catch (e) {
      problems.push(`${where([key])}: ${key}: not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`);
    }
  }
  if (raw["shard-durations"]) cfg.shardDurations = mustExist(raw["shard-durations"], ["shard-durations"], "durations file");
  if (typeof raw.xmpp === "string") cfg.xmpp = { file: mustExist(raw.xmpp, ["xmpp"], "xmpp settings file") };
  else if (raw.xmpp) {
    const input = { ...raw.xmpp };
    if (input.ca) input.ca = resolve(base, input.ca);
    if (input.accounts) input.accounts = resolve(base, input.accounts);
    cfg.xmpp = { inline: { input, where: (path: string[]) => where(["xmpp", ...path]) } };
  }
  if (problems.length > 0) throw new UsageError(`config file with errors:\n${problems.join("\n")}`);
  return cfg;
}

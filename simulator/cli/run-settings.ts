// From the command line and pushlab.config.yaml to what a command works with: scenario paths,
// targets, reporters, filter, shard, workers, retries. Flags win over the config file; the config
// file wins over the defaults. Every bad value is a UsageError naming the flag or file:line:col.
import { existsSync } from "node:fs";
import { DEFAULT_REPORT_DIR } from "../../reports/index.ts";
import { outputsFromFormats, parseReporters, type Output } from "../../reports/outputs.ts";
import { UsageError } from "../exit-codes.ts";
import { expectationFilesOf, profileOf } from "../cli-verdicts.ts";
import type { RunCommandOptions } from "../run-command.ts";
import type { Target } from "../target.ts";
import { createTarget, TARGET_NAMES } from "../targets/index.ts";
import { parseXmppFlags } from "../targets/xmpp/flags.ts";
import { resolveSettings } from "../targets/xmpp/settings.ts";
import { SettingsError } from "../targets/xmpp/yaml-file.ts";
import { findConfig, loadConfig, type PushlabConfig } from "./config.ts";
import { wholeNumber, type CliValues } from "./parse.ts";
import { defaultScenarioPaths, grepRegex, type Filter } from "./select.ts";
import { durationsFor } from "../shard/durations.ts";
import { parseShard } from "../shard/shard.ts";

/** The config file in effect (--config, or ./pushlab.config.yaml), if any. */
export function configOf(values: CliValues): PushlabConfig | undefined {
  const file = findConfig(values.config);
  return file === undefined ? undefined : loadConfig(file);
}

/** Scenario paths: the ones given, else the config's, else ./scenarios or the bundled suite. */
export function scenarioPaths(positionals: string[], config: PushlabConfig | undefined): string[] {
  const paths = positionals.length > 0 ? positionals : (config?.scenarios ?? defaultScenarioPaths());
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or directory: ${p}`);
  return paths;
}

export function filterOf(values: CliValues, config: PushlabConfig | undefined): Filter {
  const grep = grepRegex("--grep", values.grep ?? config?.grep);
  const grepInvert = grepRegex("--grep-invert", values["grep-invert"] ?? config?.grepInvert);
  return { ...(grep && { grep }), ...(grepInvert && { grepInvert }) };
}

/** --target engine,prosody (or the config's targets) → the names, at least one, each known. */
export function targetNames(value: string | undefined): string[] {
  const names = (value ?? "engine").split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--target: give at least one target (${TARGET_NAMES.join(", ")})`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--target: ${dup} given twice`);
  const unknown = names.find((n) => !TARGET_NAMES.includes(n));
  if (unknown) throw new UsageError(`unknown target '${unknown}'; known: ${TARGET_NAMES.join(", ")}`);
  return names;
}

/** The reporters: --reporter, else --format, else the config's, else the defaults (undefined). */
export function outputsOf(values: CliValues, config: PushlabConfig | undefined, reportDir: string): Output[] | undefined {
  if (values.reporter !== undefined && values.format !== undefined) throw new UsageError("--reporter and --format: give one (--format is the older spelling of --reporter without files)");
  if (values.reporter !== undefined) return parseReporters(values.reporter.split(","), reportDir);
  if (values.format !== undefined) return outputsFromFormats(values.format, reportDir);
  if (config?.reporters) return parseReporters(config.reporters, reportDir, `${config.where(["reporters"])}: reporters`);
  return undefined;
}

function reportDirOf(values: CliValues, config: PushlabConfig | undefined): string {
  const dir = values["report-dir"];
  if (dir !== undefined && /\.ya?ml$/i.test(dir) && !existsSync(dir)) {
    throw new UsageError(`--report-dir ${dir}: that is a scenario file name (scenarios go before the options: pushlab run ${dir})`);
  }
  return dir ?? config?.reportDir ?? DEFAULT_REPORT_DIR;
}

/** The xmpp target from its flags and the config file's xmpp settings (flags win, --xmpp-config over the config's). */
function xmppMaker(xmppArgs: string[], config: PushlabConfig | undefined): ((name: string) => Promise<Target>) | undefined {
  const c = config?.xmpp;
  if (!c) return undefined;
  return async (name) => {
    if (name !== "xmpp") return createTarget(name);
    const ownFile = xmppArgs.some((a) => a === "--xmpp-config" || a.startsWith("--xmpp-config="));
    if ("file" in c) return createTarget("xmpp", ownFile ? xmppArgs : ["--xmpp-config", c.file, ...xmppArgs]);
    if (ownFile) return createTarget("xmpp", xmppArgs);
    const { createXmppTarget } = await import("../targets/xmpp/index.ts");
    try {
      return createXmppTarget(resolveSettings(c.inline, parseXmppFlags(xmppArgs).flags));
    } catch (e) {
      if (e instanceof SettingsError) throw new Error(`xmpp settings:\n${e.message}`);
      throw e;
    }
  };
}

export interface RunSettings {
  options: RunCommandOptions;
  config?: PushlabConfig;
}

export function runSettings(values: CliValues, positionals: string[], xmppArgs: string[]): RunSettings {
  const config = configOf(values);
  const paths = scenarioPaths(positionals, config);
  const targets = targetNames(values.target ?? config?.targets?.join(","));
  if (xmppArgs.length > 0 && !targets.includes("xmpp")) throw new UsageError(`${xmppArgs.filter((a) => a.startsWith("--")).join(" ")}: flags of the xmpp target, but --target has no xmpp`);
  const reportDir = reportDirOf(values, config);
  const outputs = outputsOf(values, config, reportDir);
  const profile = profileOf(values.profile ?? config?.profile);
  const expectations = { ...config?.expectations, ...expectationFilesOf(values.expectations) };
  const shard = parseShard(values.shard);
  const durationsFile = values["shard-durations"] ?? config?.shardDurations;
  const workers = wholeNumber("--workers", values.workers, 1, 64) ?? config?.workers;
  const retries = wholeNumber("--retries", values.retries, 0, 10) ?? config?.retries;
  const makeTarget = xmppMaker(xmppArgs, config);
  const options: RunCommandOptions = {
    paths,
    targets,
    reportDir,
    filter: filterOf(values, config),
    xmppArgs,
    expectations,
    ...(outputs && { outputs }),
    ...(shard && { shard, durations: durationsFor(durationsFile) }),
    ...(!shard && durationsFile !== undefined && { durations: durationsFor(durationsFile) }),
    ...(profile && { profile }),
    ...((values.strict || config?.strict) && { strict: true }),
    ...(workers !== undefined && { workers }),
    ...(retries !== undefined && { retries }),
    ...(values["pass-with-no-tests"] && { passWithNoTests: true }),
    ...(makeTarget && { makeTarget }),
  };
  return { options, ...(config && { config }) };
}

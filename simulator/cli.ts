// pushlab CLI: `pushlab run [paths…] [--target engine,prosody] [--report-dir DIR] [--grep TEXT]`
// and `pushlab validate [paths…]`. Exit code 1 when any scenario fails or is broken.
import { parseArgs } from "node:util";
import { createReporters, DEFAULT_REPORT_DIR, REPORT_FORMATS, type ReportFormat } from "../reports/index.ts";
import { ExpectationFileError, exitCodeOf, expectationsFor, loadAll, run } from "./runner.ts";
import { PROFILES, type Profile } from "./results.ts";
import { createTarget, TARGET_NAMES } from "./targets/index.ts";
import { HARNESS_VERSION } from "./version.ts";
import { log as harnessLog, setLogLevel } from "./log.ts";
import type { Target } from "./target.ts";
import { takeXmppFlags, XMPP_HELP } from "./targets/xmpp/flags.ts";

const USAGE = `pushlab ${HARNESS_VERSION} — reference lab for XMPP push notifications (XEP-0357)

Usage:
  pushlab run [paths…] [options]     run scenarios (default path: scenarios/)
  pushlab validate [paths…]          check scenario files only (file:line:col errors)
  pushlab list [paths…]              list scenarios with their rule ids
  pushlab receiver --jid JID …       validate a push receiver (app server); see pushlab receiver --help
  pushlab load --target prosody …    push throughput and latency of a real server (load --help)

Options:
  -t, --target NAMES     comma-separated targets: engine (default), prosody, ejabberd, xmpp
  -p, --profile NAME     what fails the run: xep (XEP-0357 requirements only), reference (plus
                         mod_cloud_notify's policy), all (plus hardening); default per target:
                         reference for engine and prosody, xep for every other server
  -e, --expectations T=FILE  judge target T with this expectation file instead of its own
  -r, --report-dir DIR   where report.json, junit.xml and index.html go (default ${DEFAULT_REPORT_DIR})
  -g, --grep TEXT        only scenarios whose name, file or rule id contains TEXT
  -f, --format LIST      report formats (default: ${REPORT_FORMATS.join(",")})
  -v, --verbose          debug logs (pino, to stderr)
  -h, --help             this help

${XMPP_HELP}`;

export async function main(argv: string[]): Promise<number> {
  // These commands have options of their own (simulator/receiver/cli.ts, simulator/load/cli.ts).
  if (argv[0] === "receiver") return (await import("./receiver/cli.ts")).receiverMain(argv.slice(1));
  if (argv[0] === "load") return (await import("./load/cli.ts")).loadMain(argv.slice(1));
  const { xmpp: xmppArgs, rest } = takeXmppFlags(argv); // the xmpp target parses its own flags
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      target: { type: "string", short: "t", default: "engine" },
      "report-dir": { type: "string", short: "r", default: DEFAULT_REPORT_DIR },
      grep: { type: "string", short: "g" },
      profile: { type: "string", short: "p" },
      expectations: { type: "string", short: "e", multiple: true },
      format: { type: "string", short: "f" },
      verbose: { type: "boolean", short: "v", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command = "run", ...paths] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.verbose) setLogLevel("debug");
  const log = harnessLog();
  const scenarioPaths = paths.length > 0 ? paths : ["scenarios"];

  const profile = values.profile;
  if (profile !== undefined && !PROFILES.includes(profile as Profile)) {
    process.stderr.write(`unknown profile '${profile}'; expected one of: ${PROFILES.join(", ")}\n`);
    return 2;
  }
  const expectationFiles: Record<string, string> = {};
  for (const e of values.expectations ?? []) {
    const [t, file] = [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)];
    if (!e.includes("=") || !t || !file) {
      process.stderr.write(`--expectations takes TARGET=FILE, got '${e}'\n`);
      return 2;
    }
    if (!TARGET_NAMES.includes(t)) {
      process.stderr.write(`--expectations: unknown target '${t}'; known: ${TARGET_NAMES.join(", ")}\n`);
      return 2;
    }
    expectationFiles[t] = file;
  }

  if (command === "validate" || command === "list") {
    const loaded = loadAll(scenarioPaths, values.grep);
    let bad = 0;
    for (const l of loaded) {
      if (l.ok) {
        if (command === "list") process.stdout.write(`${l.scenario.rules.join(",").padEnd(28)} ${l.scenario.id}\n`);
        continue;
      }
      bad++;
      for (const e of l.broken.errors) process.stderr.write(`${e.loc.file}:${e.loc.line}:${e.loc.col}: ${e.message}\n`);
    }
    if (command === "list") return bad > 0 ? 1 : 0;
    // Every target's expectation file (and any given) is checked against the scenarios too.
    let badFiles = 0;
    const all = loadAll(scenarioPaths);
    for (const name of TARGET_NAMES) {
      // A target that needs connection settings (xmpp) has no bundled file; a given one is checked by name.
      const t = await createTarget(name).catch(() => ({ name, expectationsFile: undefined }));
      try {
        const set = expectationsFor(t, all, expectationFiles[name]);
        if (set) process.stdout.write(`${set.file}: ${set.scenarios.size} declared scenario(s) for ${name}\n`);
      } catch (e) {
        if (!(e instanceof ExpectationFileError)) throw e;
        badFiles++;
        process.stderr.write(`${e.message}\n`);
      }
    }
    process.stdout.write(`${loaded.length - bad} valid, ${bad} broken${badFiles ? `; ${badFiles} expectation file(s) with errors` : ""}\n`);
    return bad + badFiles > 0 ? 1 : 0;
  }
  if (command !== "run") {
    process.stderr.write(`unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }

  const targets: Target[] = [];
  const names = values.target!.split(",").map((s) => s.trim()).filter(Boolean);
  if (xmppArgs.length > 0 && !names.includes("xmpp")) {
    process.stderr.write(`${xmppArgs.filter((a) => a.startsWith("--")).join(" ")}: flags of the xmpp target, but --target has no xmpp\n`);
    return 2;
  }
  for (const name of names) {
    const t = await createTarget(name, name === "xmpp" ? xmppArgs : []);
    const avail = await t.available();
    if (!avail.ok) {
      process.stderr.write(`target ${name} is not available here: ${avail.reason}\n`);
      return 2;
    }
    targets.push(t);
  }
  const formats = values.format ? (values.format.split(",") as ReportFormat[]) : undefined;
  const reporters = createReporters({ reportDir: values["report-dir"], ...(formats && { formats }) });
  const stopAll = async () => {
    for (const t of targets) await t.stop().catch(() => {});
    process.exit(130);
  };
  process.once("SIGINT", stopAll);
  process.once("SIGTERM", stopAll);
  log.debug({ targets: targets.map((t) => t.name), paths: scenarioPaths }, "run starting");
  try {
    const report = await run({
      paths: scenarioPaths,
      targets,
      reporters,
      ...(values.grep && { grep: values.grep }),
      ...(profile && { profile: profile as Profile }),
      expectations: expectationFiles,
      onReporterError: (e) => log.error({ err: e.message }, "reporter failed"),
    });
    return exitCodeOf(report);
  } catch (e) {
    if (!(e instanceof ExpectationFileError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/simulator\//, "/simulator/"));
if (isEntry || process.env.PUSHLAB_CLI === "1") {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`pushlab: ${(e as Error).message}\n`);
      process.exit(2);
    },
  );
}

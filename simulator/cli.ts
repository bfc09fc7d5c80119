// pushlab CLI: `pushlab run [paths…] [--target engine,prosody] [--report-dir DIR] [--grep TEXT]`,
// `pushlab validate [paths…]`, `pushlab list`, `pushlab report results.jsonl`.
// Exit codes (docs/exit-codes.md): 0 pass, 1 scenario failures, 2 usage/config errors,
// 3 the harness itself failed (reports incomplete); 130/143/129 when stopped by a signal.
import { parseArgs } from "node:util";
import { DEFAULT_REPORT_DIR, REPORT_FORMATS } from "../reports/index.ts";
import { loadAll } from "./runner.ts";
import { HARNESS_VERSION } from "./version.ts";
import { setLogLevel } from "./log.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { checkCommand, checkOptions, targetNames } from "./cli-args.ts";
import { reportCommand, runCommand } from "./run-command.ts";
import { expectationFilesOf, profileOf, validateExpectationFiles } from "./cli-verdicts.ts";
import { takeXmppFlags, XMPP_HELP } from "./targets/xmpp/flags.ts";

const USAGE = `pushlab ${HARNESS_VERSION} — reference lab for XMPP push notifications (XEP-0357)

Usage:
  pushlab run [paths…] [options]     run scenarios (default path: scenarios/)
  pushlab validate [paths…]          check scenario files only (file:line:col errors)
  pushlab list [paths…]              list scenarios with their rule ids
  pushlab report FILE.jsonl          write the reports again from a run's results.jsonl
  pushlab receiver --jid JID …       validate a push receiver (app server); see pushlab receiver --help
  pushlab load --target prosody|ejabberd|xmpp …  push throughput and latency of a real server (load --help)

Options:
  -t, --target NAMES     comma-separated targets: engine (default), prosody, ejabberd, xmpp
  -p, --profile NAME     what fails the run: xep (XEP-0357 requirements only), reference (plus
                         mod_cloud_notify's policy), all (plus hardening); default per target:
                         reference for engine and prosody, xep for every other server
  -e, --expectations T=FILE  judge target T with this expectation file instead of its own
  -r, --report-dir DIR   where report.json, junit.xml, index.html and results.jsonl go (default ${DEFAULT_REPORT_DIR})
  -g, --grep TEXT        only scenarios whose name, file or rule id contains TEXT
  -f, --format LIST      report formats (default: ${REPORT_FORMATS.join(",")})
  -v, --verbose          debug logs (pino, to stderr)
  -h, --help             this help

Examples:
  pushlab run scenarios/offline --target prosody --report-dir /tmp/out
  pushlab validate my-scenario.yaml
  pushlab report /tmp/out/results.jsonl

Exit codes: 0 all passed, 1 scenarios failed or broken, 2 usage or configuration error,
3 the harness itself failed (reports incomplete), 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP.
${XMPP_HELP}`;

export async function main(argv: string[]): Promise<number> {
  // These commands have options of their own (simulator/receiver/cli.ts, simulator/load/cli.ts).
  if (argv[0] === "receiver") return (await import("./receiver/cli.ts")).receiverMain(argv.slice(1));
  if (argv[0] === "load") return (await import("./load/cli.ts")).loadMain(argv.slice(1));
  const { xmpp: xmppArgs, rest } = takeXmppFlags(argv); // the xmpp target parses its own flags
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        target: { type: "string", short: "t" },
        "report-dir": { type: "string", short: "r" },
        grep: { type: "string", short: "g" },
        profile: { type: "string", short: "p" },
        expectations: { type: "string", short: "e", multiple: true },
        format: { type: "string", short: "f" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see pushlab --help)`);
  }
  const { values, positionals } = parsed;
  const [commandName = "run", ...paths] = positionals;
  if (values.help || commandName === "help") {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const command = checkCommand(commandName);
  const scenarioPaths = paths.length > 0 || command === "report" ? paths : ["scenarios"];
  checkOptions(command, values, scenarioPaths);
  if (values.verbose) setLogLevel("debug");
  const profile = profileOf(values.profile);
  const expectations = expectationFilesOf(values.expectations);

  if (command === "report") return reportCommand(scenarioPaths[0]!, values["report-dir"]);
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
    if (command === "list") return bad > 0 ? EXIT.scenariosFailed : EXIT.ok;
    // Every target's expectation file (and any given) is checked against the scenarios too.
    const badFiles = await validateExpectationFiles(scenarioPaths, expectations);
    process.stdout.write(`${loaded.length - bad} valid, ${bad} broken${badFiles ? `; ${badFiles} expectation file(s) with errors` : ""}\n`);
    return bad + badFiles > 0 ? EXIT.scenariosFailed : EXIT.ok;
  }
  const targets = targetNames(values.target);
  if (xmppArgs.length > 0 && !targets.includes("xmpp")) throw new UsageError(`${xmppArgs.filter((a) => a.startsWith("--")).join(" ")}: flags of the xmpp target, but --target has no xmpp`);
  return runCommand({
    paths: scenarioPaths,
    targets,
    xmppArgs,
    ...(profile && { profile }),
    expectations,
    reportDir: values["report-dir"] ?? DEFAULT_REPORT_DIR,
    ...(values.grep && { grep: values.grep }),
    ...(values.format && { format: values.format }),
  });
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/simulator\//, "/simulator/"));
if (isEntry || process.env.PUSHLAB_CLI === "1") {
  // `pushlab list | head`: a reader that goes away is not an error of ours.
  const onStreamError = (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") process.exit(EXIT.harnessFailed);
  };
  process.stdout.on("error", onStreamError);
  process.stderr.on("error", onStreamError);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      // A usage error is the caller's; anything else escaping main is ours.
      const usage = e instanceof UsageError;
      process.stderr.write(`pushlab: ${usage ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
      process.exit(usage ? EXIT.usage : EXIT.harnessFailed);
    },
  );
}

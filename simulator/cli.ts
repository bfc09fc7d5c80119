// pushlab CLI: `pushlab run [paths…] [--target engine,prosody] [--report-dir DIR] [--grep TEXT]`
// and `pushlab validate [paths…]`. Exit code 1 when any scenario fails or is broken.
import { parseArgs } from "node:util";
import { createReporters, DEFAULT_REPORT_DIR, REPORT_FORMATS, type ReportFormat } from "../reports/index.ts";
import { exitCodeOf, loadAll, run } from "./runner.ts";
import { createTarget } from "./targets/index.ts";
import { HARNESS_VERSION } from "./version.ts";
import { log as harnessLog, setLogLevel } from "./log.ts";
import type { Target } from "./target.ts";
import { takeXmppFlags, XMPP_HELP } from "./targets/xmpp/flags.ts";

const USAGE = `pushlab ${HARNESS_VERSION} — reference lab for XMPP push notifications (XEP-0357)

Usage:
  pushlab run [paths…] [options]     run scenarios (default path: scenarios/)
  pushlab validate [paths…]          check scenario files only (file:line:col errors)
  pushlab list [paths…]              list scenarios with their rule ids

Options:
  -t, --target NAMES     comma-separated targets: engine (default), prosody, xmpp
  -r, --report-dir DIR   where report.json, junit.xml and index.html go (default ${DEFAULT_REPORT_DIR})
  -g, --grep TEXT        only scenarios whose name, file or rule id contains TEXT
  -f, --format LIST      report formats (default: ${REPORT_FORMATS.join(",")})
  -v, --verbose          debug logs (pino, to stderr)
  -h, --help             this help

${XMPP_HELP}`;

export async function main(argv: string[]): Promise<number> {
  const { xmpp: xmppArgs, rest } = takeXmppFlags(argv); // the xmpp target parses its own flags
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      target: { type: "string", short: "t", default: "engine" },
      "report-dir": { type: "string", short: "r", default: DEFAULT_REPORT_DIR },
      grep: { type: "string", short: "g" },
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
    if (command === "validate") process.stdout.write(`${loaded.length - bad} valid, ${bad} broken\n`);
    return bad > 0 ? 1 : 0;
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
  const report = await run({ paths: scenarioPaths, targets, reporters, ...(values.grep && { grep: values.grep }), onReporterError: (e) => log.error({ err: e.message }, "reporter failed") });
  return exitCodeOf(report);
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

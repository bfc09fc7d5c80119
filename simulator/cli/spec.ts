// What each pushlab command takes: one table of options, the commands that accept each, and the
// per-command help (usage, options, examples, environment) built from it. The parser
// (simulator/cli/parse.ts) and the help can therefore never disagree.
import { DEFAULT_REPORT_DIR } from "../../reports/index.ts";
import { HARNESS_VERSION } from "../version.ts";
import { XMPP_HELP } from "../targets/xmpp/flags.ts";

export const COMMANDS = ["run", "validate", "list", "report", "merge-reports", "init"] as const;
export type Command = (typeof COMMANDS)[number];
/** Commands with parsers of their own (simulator/receiver/cli.ts, simulator/load/cli.ts). */
export const DELEGATED = ["receiver", "load"] as const;

export interface OptionDef {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help, e.g. NAMES. */
  value?: string;
  help: string;
  commands: readonly Command[];
}

const ALL = COMMANDS;

export const OPTIONS: Record<string, OptionDef> = {
  target: { type: "string", short: "t", value: "NAMES", help: "comma-separated targets: engine (default), prosody, ejabberd, xmpp", commands: ["run"] },
  profile: { type: "string", short: "p", value: "NAME", help: "what fails the run: xep (XEP-0357 only), reference (plus mod_cloud_notify's policy), all (plus hardening); default per target: reference for engine and prosody, xep for other servers", commands: ["run"] },
  expectations: { type: "string", short: "e", multiple: true, value: "T=FILE", help: "judge target T with this expectation file instead of its own (repeatable)", commands: ["run", "validate"] },
  "report-dir": { type: "string", short: "r", value: "DIR", help: `where results.jsonl and the report files go (default ${DEFAULT_REPORT_DIR})`, commands: ["run", "report", "merge-reports"] },
  grep: { type: "string", short: "g", value: "REGEX", help: "only scenarios whose id, file, name or a rule id matches REGEX (case-insensitive)", commands: ["run", "validate", "list"] },
  "grep-invert": { type: "string", value: "REGEX", help: "leave out scenarios that match REGEX", commands: ["run", "validate", "list"] },
  reporter: { type: "string", value: "LIST", help: "console, json[=FILE], junit[=FILE], html[=FILE], github; json without FILE goes to stdout (and nothing else does); default console,json,junit,html into the report dir", commands: ["run", "report", "merge-reports"] },
  format: { type: "string", short: "f", value: "LIST", help: "the report dir's formats (older spelling of --reporter without paths)", commands: ["run", "report", "merge-reports"] },
  strict: { type: "boolean", help: "declared deviations fail the run too (exit 1)", commands: ["run", "report", "merge-reports"] },
  list: { type: "boolean", help: "list the scenario runs this command would run (after --grep and --shard) and stop", commands: ["run"] },
  json: { type: "boolean", help: "print the listing as JSON on stdout (for run: with --list)", commands: ["run", "list"] },
  retries: { type: "string", value: "N", help: "run a failed scenario again up to N times; one that then passes is reported as flaky (it does not fail the run)", commands: ["run"] },
  workers: { type: "string", short: "j", value: "N", help: "scenarios at once per target (default: the target's own: engine 1, prosody 16, ejabberd 8, xmpp 8)", commands: ["run"] },
  shard: { type: "string", value: "I/N", help: "run only shard I of N (deterministic, balanced by recorded durations); merge the shards with merge-reports", commands: ["run"] },
  "shard-durations": { type: "string", value: "FILE", help: "durations to balance shards by: a report.json, results.jsonl or durations file (default: the bundled simulator/shard/durations.json)", commands: ["run"] },
  "pass-with-no-tests": { type: "boolean", help: "exit 0 instead of 1 when no scenario is selected", commands: ["run", "list"] },
  config: { type: "string", short: "c", value: "FILE", help: "config file (default: ./pushlab.config.yaml when it exists)", commands: ["run", "validate", "list"] },
  verbose: { type: "boolean", short: "v", help: "debug logs (pino, to stderr)", commands: ALL },
  help: { type: "boolean", short: "h", help: "this help", commands: ALL },
  version: { type: "boolean", short: "V", help: "print the version and exit", commands: ALL },
};

export const OPTION_NAMES = Object.keys(OPTIONS);

/** Environment variables that change what the harness does (listed in `pushlab run --help`). */
export const ENVIRONMENT: [string, string][] = [
  ["PUSHLAB_LOG", "pino log level of the harness (default error; --verbose sets debug)"],
  ["PUSHLAB_PROSODY_PARALLELISM", "scenarios at once on Prosody (default 16; --workers wins)"],
  ["PUSHLAB_EJABBERD_PARALLELISM", "scenarios at once on ejabberd (default 8; --workers wins)"],
  ["PUSHLAB_PROSODY_LOG", "Prosody's own log level in its temp dir (default info)"],
  ["PUSHLAB_COMPONENT_SECRET", "the xmpp target's component secret (instead of --component-secret)"],
  ["PUSHLAB_MAX_SCENARIO_BYTES", "largest scenario file accepted (default 1 MiB)"],
  ["PUSHLAB_MAX_STANZA_BYTES", "largest raw stanza in a scenario (default 256 KiB)"],
  ["PUSHLAB_WATCHDOG=0", "no watchdog process (a SIGKILLed harness then leaves its servers running)"],
  ["PUSHLAB_PARENT_WATCH=0", "keep running when the parent process goes away (nohup … &)"],
  ["NO_COLOR", "no colours on the console"],
  ["GITHUB_STEP_SUMMARY", "the github reporter appends a Markdown summary to this file"],
];

interface CommandHelp {
  usage: string;
  summary: string;
  examples: string[];
  notes?: string;
}

const HELP: Record<Command, CommandHelp> = {
  run: {
    usage: "pushlab run [paths…] [options]",
    summary: "run scenarios on one or more targets and write the reports (default paths: the config's, else ./scenarios, else the bundled suite)",
    examples: [
      "pushlab run                                   # the bundled suite on the engine",
      "pushlab run scenarios/offline --target prosody --report-dir /tmp/out",
      "pushlab run --target prosody --grep 'R-HIB|R-ACK' --grep-invert restart",
      "pushlab run --reporter json > report.json      # JSON on stdout, nothing else there",
      "pushlab run --reporter console,junit=out/junit.xml,github --strict",
      "pushlab run --target prosody --shard 2/3 --report-dir shard-2   # then: pushlab merge-reports shard-*",
      "pushlab run --target prosody --retries 2 --workers 8",
      "pushlab run --list --json | jq '.runs | length'",
    ],
  },
  validate: {
    usage: "pushlab validate [paths…] [options]",
    summary: "check scenario files and the targets' expectation files without running anything (errors as file:line:col)",
    examples: ["pushlab validate", "pushlab validate my-scenario.yaml", "pushlab validate --expectations prosody=my-prosody.yaml"],
  },
  list: {
    usage: "pushlab list [paths…] [options]",
    summary: "list scenarios with their rule ids (JSON with --json)",
    examples: ["pushlab list", "pushlab list --grep R-PRIVACY --json"],
  },
  report: {
    usage: "pushlab report FILE.jsonl [options]",
    summary: "write the reports again from a run's results.jsonl (e.g. one cut short by a crash)",
    examples: ["pushlab report reports/out/results.jsonl", "pushlab report /tmp/out/results.jsonl --report-dir /tmp/again --reporter html"],
  },
  "merge-reports": {
    usage: "pushlab merge-reports DIR|FILE… [options]",
    summary: "merge the results of shards (their results.jsonl, or report.json) into one report.json, junit.xml, index.html and results.jsonl",
    examples: ["pushlab merge-reports shard-1 shard-2 shard-3 --report-dir reports/merged", "pushlab merge-reports all-blobs/* --reporter console,html=merged.html,github"],
    notes: "Every shard of a run (--shard i/N) must be given: a missing shard, two shards with the same run or a results log cut short make the merged report incomplete (exit 3).",
  },
  init: {
    usage: "pushlab init",
    summary: "write pushlab.config.yaml and an example scenario (scenarios/example.yaml) into the current directory; never overwrites",
    examples: ["pushlab init                 # in an empty directory of your project, e.g. conformance/", "pushlab init && pushlab run  # the bundled suite and scenarios/example.yaml on the engine"],
  },
};

const HELP_WIDTH = 100;
const FLAG_COLUMN = 29;

/** Text wrapped to the help width, continuation lines indented to the description column. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

function optionLine(name: string): string {
  const o = OPTIONS[name]!;
  const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`;
  return `  ${flag.padEnd(FLAG_COLUMN)} ${wrap(o.help, FLAG_COLUMN + 3)}`;
}

const EXIT_TEXT =
  "Exit codes: 0 all passed, 1 scenarios failed or broken (or none selected), 2 usage or configuration\n" +
  "error, 3 the harness itself failed (reports incomplete), 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP\n" +
  "(partial reports written).";

export function commandHelp(command: Command): string {
  const h = HELP[command];
  const options = OPTION_NAMES.filter((n) => OPTIONS[n]!.commands.includes(command));
  const parts = [
    wrap(`pushlab ${command} — ${h.summary}`, 2),
    `Usage:\n  ${h.usage}`,
    `Options:\n${options.map(optionLine).join("\n")}`,
    ...(h.notes ? [wrap(h.notes, 0)] : []),
    `Examples:\n${h.examples.map((e) => `  ${e}`).join("\n")}`,
  ];
  if (command === "run") {
    parts.push(`Environment:\n${ENVIRONMENT.map(([k, v]) => `  ${k.padEnd(FLAG_COLUMN)} ${wrap(v, FLAG_COLUMN + 3)}`).join("\n")}`);
    parts.push(XMPP_HELP.trimEnd());
  }
  if (command !== "init") parts.push(EXIT_TEXT);
  return parts.join("\n\n") + "\n";
}

export const USAGE = `pushlab ${HARNESS_VERSION} — reference lab for XMPP push notifications (XEP-0357)

Usage:
  pushlab run [paths…] [options]       run scenarios and write the reports
  pushlab validate [paths…]            check scenario and expectation files (file:line:col errors)
  pushlab list [paths…] [--json]       list scenarios with their rule ids
  pushlab report FILE.jsonl            write the reports again from a run's results.jsonl
  pushlab merge-reports DIR…           merge sharded runs into one report
  pushlab init                         write pushlab.config.yaml and an example scenario here
  pushlab receiver --jid JID …         validate a push receiver (app server); pushlab receiver --help
  pushlab load --target prosody|ejabberd|xmpp …  push throughput and latency of a real server (load --help)

  pushlab COMMAND --help               options, examples and environment of one command
  pushlab --version

Examples:
  pushlab run --target engine,prosody
  pushlab run --target prosody --shard 1/2 --report-dir shard-1
  pushlab merge-reports shard-1 shard-2 --report-dir merged

${EXIT_TEXT}
`;

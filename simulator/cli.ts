// pushlab CLI: run, validate, list, report, merge-reports, init (and receiver, load, which parse
// their own options). Options and help per command live in simulator/cli/spec.ts; the config
// file in simulator/cli/config.ts. Exit codes (docs/exit-codes.md): 0 pass, 1 scenario failures
// or nothing selected, 2 usage/config errors, 3 the harness itself failed (reports incomplete);
// 130/143/129 when stopped by a signal.
import { dirname } from "node:path";
import { DEFAULT_REPORT_DIR } from "../reports/index.ts";
import { HARNESS_VERSION } from "./version.ts";
import { setLogLevel } from "./log.ts";
import { EXIT, UsageError } from "./exit-codes.ts";
import { reportCommand, runCommand } from "./run-command.ts";
import { expectationFilesOf } from "./cli-verdicts.ts";
import { takeXmppFlags } from "./targets/xmpp/flags.ts";
import { parseArgsProblem, parseCli } from "./cli/parse.ts";
import { commandHelp, USAGE } from "./cli/spec.ts";
import { configOf, filterOf, outputsOf, runSettings, scenarioPaths } from "./cli/run-settings.ts";
import { listCommand, mergeCommand, runListCommand, validateCommand } from "./cli/commands.ts";
import { initCommand } from "./cli/init.ts";

export async function main(argv: string[]): Promise<number> {
  // These commands have options of their own (simulator/receiver/cli.ts, simulator/load/cli.ts).
  if (argv[0] === "receiver") return (await import("./receiver/cli.ts")).receiverMain(argv.slice(1));
  if (argv[0] === "load") {
    // Its parser's mistakes in our words (it lets Node's parseArgs errors through).
    const { loadMain, LOAD_USAGE } = await import("./load/cli.ts");
    return loadMain(argv.slice(1)).catch((e: unknown) => {
      const problem = parseArgsProblem(e, "pushlab load", [...LOAD_USAGE.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]!));
      throw problem ? new UsageError(problem) : e;
    });
  }
  const { xmpp: xmppArgs, rest } = takeXmppFlags(argv); // the xmpp target parses its own flags
  const { command, helpFor, positionals, values } = parseCli(rest);
  if (values.version) {
    process.stdout.write(`pushlab ${HARNESS_VERSION}\n`);
    return EXIT.ok;
  }
  if (command === "help" || (values.help && !rest.some((a) => !a.startsWith("-")))) {
    process.stdout.write(helpFor ? commandHelp(helpFor) : USAGE);
    return EXIT.ok;
  }
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  if (values.verbose) setLogLevel("debug");
  if (xmppArgs.length > 0 && command !== "run") throw new UsageError(`${xmppArgs.filter((a) => a.startsWith("--")).join(" ")}: flags of the xmpp target, which only 'run' takes`);

  switch (command) {
    case "init":
      if (positionals.length > 0) throw new UsageError("init takes no arguments: it writes into the current directory");
      return initCommand();
    case "report": {
      if (positionals.length !== 1) throw new UsageError("report takes one results.jsonl file: pushlab report reports/out/results.jsonl");
      const dir = values["report-dir"];
      const outputs = outputsOf(values, undefined, dir ?? dirname(positionals[0]!));
      return reportCommand(positionals[0]!, dir, outputs, values.strict === true);
    }
    case "merge-reports": {
      const dir = values["report-dir"] ?? DEFAULT_REPORT_DIR;
      return mergeCommand(positionals, dir, outputsOf(values, undefined, dir), values.strict === true);
    }
    case "list": {
      const config = configOf(values);
      return listCommand(scenarioPaths(positionals, config), filterOf(values, config), values.json === true, values["pass-with-no-tests"] === true);
    }
    case "validate": {
      const config = configOf(values);
      return validateCommand(scenarioPaths(positionals, config), filterOf(values, config), { ...config?.expectations, ...expectationFilesOf(values.expectations) });
    }
    case "run": {
      if (values.json && !values.list) throw new UsageError("--json goes with --list (JSON results: --reporter json)");
      const { options } = runSettings(values, positionals, xmppArgs);
      if (values.list) return runListCommand(options, values.json === true);
      return runCommand(options);
    }
  }
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
    (code) => exitAfterFlush(code),
    (e) => {
      // A usage error is the caller's; anything else escaping main is ours.
      const usage = e instanceof UsageError;
      process.stderr.write(`pushlab: ${usage ? (e as Error).message : ((e as Error).stack ?? String(e))}\n`);
      exitAfterFlush(usage ? EXIT.usage : EXIT.harnessFailed);
    },
  );
}

/** process.exit once stdout has taken everything (a piped `--reporter json` must arrive whole). */
function exitAfterFlush(code: number): void {
  if (process.stdout.writableLength === 0) process.exit(code);
  process.stdout.write("", () => process.exit(code));
}

// Argument checks for every pushlab command, before anything runs: each mistake is a UsageError
// (exit 2) that says what is wrong, never a stack trace and never a run that does something else.
import { existsSync } from "node:fs";
import { UsageError } from "./exit-codes.ts";

export const COMMANDS = ["run", "validate", "list", "report"] as const;
export type Command = (typeof COMMANDS)[number];

/** Which options each command takes (help and verbose go everywhere). */
const APPLIES: Record<Command, string[]> = {
  run: ["target", "report-dir", "grep", "format", "profile", "expectations"],
  validate: ["grep", "expectations"],
  list: ["grep"],
  report: ["report-dir", "format"],
};

export interface CliValues {
  target?: string;
  "report-dir"?: string;
  grep?: string;
  format?: string;
  profile?: string;
  expectations?: string[];
}

export function checkCommand(command: string): Command {
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const path = /\.ya?ml$/i.test(command) || existsSync(command) ? ` ('${command}' looks like a path: pushlab run ${command})` : "";
    throw new UsageError(`unknown command '${command}'${path}; commands: ${COMMANDS.join(", ")}`);
  }
  return command as Command;
}

export function checkOptions(command: Command, values: CliValues, paths: string[]): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || !(k in APPLIES_ANY)) continue;
    if (!APPLIES[command].includes(k)) throw new UsageError(`--${k} does not apply to '${command}' (it takes: ${APPLIES[command].map((o) => `--${o}`).join(", ") || "no options"})`);
    if (typeof v === "string" && v.trim() === "") throw new UsageError(`--${k} needs a value`);
  }
  if (command === "report") {
    if (paths.length !== 1) throw new UsageError("report takes one results.jsonl file: pushlab report reports/out/results.jsonl");
  }
  for (const p of paths) if (!existsSync(p)) throw new UsageError(`no such file or directory: ${p}${command !== "report" && p === "scenarios" ? " (the default scenario path; run from the project root or give paths)" : ""}`);
  const dir = values["report-dir"];
  if (dir !== undefined && /\.ya?ml$/i.test(dir) && !existsSync(dir)) {
    throw new UsageError(`--report-dir ${dir}: that is a scenario file name (scenarios go before the options: pushlab run ${dir})`);
  }
}

const APPLIES_ANY: Record<string, true> = { target: true, "report-dir": true, grep: true, format: true, profile: true, expectations: true };

/** --target engine,prosody → the names, at least one. */
export function targetNames(value: string | undefined): string[] {
  const names = (value ?? "engine").split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError("--target: give at least one target (engine, prosody, ejabberd, xmpp)");
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--target: ${dup} given twice`);
  return names;
}

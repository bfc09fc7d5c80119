// Parses pushlab's command line against the option table (simulator/cli/spec.ts). Every mistake
// becomes a UsageError (exit 2) in our words — the command, the flag, what it takes, a likely
// intended flag — never Node's raw parseArgs text.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { UsageError } from "../exit-codes.ts";
import { COMMANDS, OPTIONS, OPTION_NAMES, type Command } from "./spec.ts";

export type CliValues = {
  target?: string;
  profile?: string;
  expectations?: string[];
  "report-dir"?: string;
  grep?: string;
  "grep-invert"?: string;
  reporter?: string;
  format?: string;
  strict?: boolean;
  list?: boolean;
  json?: boolean;
  retries?: string;
  workers?: string;
  shard?: string;
  "shard-durations"?: string;
  "pass-with-no-tests"?: boolean;
  config?: string;
  verbose?: boolean;
  help?: boolean;
  version?: boolean;
};

export interface ParsedCli {
  command: Command | "help";
  /** For `pushlab help CMD`: the command asked about. */
  helpFor?: Command;
  positionals: string[];
  values: CliValues;
}

/** Edit distance with transpositions (--gerp is one step from --grep), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

function suggestion(flag: string, command: Command): string {
  const bare = flag.replace(/^-+/, "").split("=")[0]!;
  const names = OPTION_NAMES.filter((n) => OPTIONS[n]!.commands.includes(command));
  const best = names.map((n) => [n, distance(bare, n)] as const).sort((a, b) => a[1] - b[1])[0];
  if (best && best[1] <= (bare.length <= 3 ? 1 : 2) && best[1] < bare.length) return `; did you mean --${best[0]}?`;
  return "";
}

/**
 * A parseArgs error of another command's parser (receiver, load) in our words, or undefined
 * when `e` is not one. `known` are that command's long option names (for "did you mean").
 */
export function parseArgsProblem(e: unknown, label: string, known: string[], withHelpHint = true): string | undefined {
  const err = e as Error & { code?: string };
  const help = (text: string) => (withHelpHint ? ` (${text})` : "");
  if (typeof err?.code !== "string" || !err.code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const flag = flagOf(err.message);
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const bare = flag.replace(/^-+/, "");
    const best = known.map((n) => [n, distance(bare, n)] as const).sort((a, b) => a[1] - b[1])[0];
    const hint = best && best[1] <= (bare.length <= 3 ? 1 : 2) && best[1] < bare.length ? `; did you mean --${best[0]}?` : "";
    return `unknown option ${flag} for '${label}'${hint}${help(`${label} --help lists the options`)}`;
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return /does not take an argument/.test(err.message) ? `${flag} takes no value${help(`${label} --help`)}` : `${flag} needs a value${help(`${label} --help`)}`;
  if (err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `${label} takes no argument ${/'([^']+)'/.exec(err.message)?.[1] ?? ""}${help(`${label} --help`)}`;
  return `${err.message.split(".")[0]}${help(`${label} --help`)}`;
}

/** The flag a parseArgs error is about, e.g. "--frob" or "-x". */
function flagOf(message: string): string {
  return /'(-[^',\s]+)/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1] ?? "?";
}

function commandOf(first: string | undefined): Command | "help" {
  if (first === undefined) return "run";
  if (first === "help") return "help";
  if ((COMMANDS as readonly string[]).includes(first)) return first as Command;
  const path = /\.ya?ml$/i.test(first) || existsSync(first) ? ` ('${first}' looks like a path: pushlab run ${first})` : "";
  throw new UsageError(`unknown command '${first}'${path}; commands: ${COMMANDS.join(", ")}, receiver, load (pushlab --help)`);
}

/** The command is the first argument that is not an option (default run). */
function firstPositional(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return argv[i + 1];
    if (!a.startsWith("-") || a === "-") return a;
    const name = a.startsWith("--") ? a.slice(2).split("=")[0]! : OPTION_NAMES.find((n) => OPTIONS[n]!.short === a.slice(1, 2));
    const def = name ? OPTIONS[name] : undefined;
    const inline = a.startsWith("--") ? a.includes("=") : a.length > 2;
    if (def?.type === "string" && !inline) i++; // skip its value
  }
  return undefined;
}

export function parseCli(argv: string[]): ParsedCli {
  const first = firstPositional(argv);
  const command = commandOf(first);
  const forHelp: Command = command === "help" ? "run" : command;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(OPTION_NAMES.map((n) => [n, { type: OPTIONS[n]!.type, ...(OPTIONS[n]!.short && { short: OPTIONS[n]!.short }), ...(OPTIONS[n]!.multiple && { multiple: true }) }])),
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = flagOf(err.message);
    const name = flag.replace(/^-+/, "");
    const def = OPTIONS[name] ?? Object.values(OPTIONS).find((o) => o.short === name);
    const label = command === "help" ? "pushlab" : `pushlab ${command}`;
    if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UsageError(`unknown option ${flag} for '${label}'${suggestion(flag, forHelp)} (${label} --help lists the options)`);
    }
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && def?.type === "boolean") {
      throw new UsageError(`${flag} takes no value (${label} --help)`);
    }
    if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const longName = def ? `--${OPTION_NAMES.find((n) => OPTIONS[n] === def)}` : flag;
      const hint = /ambiguous/.test(err.message) ? ` (a value starting with '-' goes as ${longName}=VALUE)` : "";
      throw new UsageError(`${longName} needs a value${def?.value ? ` (${def.value})` : ""}${hint}`);
    }
    throw new UsageError(`${err.message.split(".")[0]} (${label} --help)`);
  }
  const values = parsed.values as CliValues;
  let positionals = parsed.positionals;
  // Drop the command word (it was the first positional).
  if (first !== undefined && positionals[0] === first && (command !== "run" || first === "run")) positionals = positionals.slice(1);
  let helpFor: Command | undefined;
  if (command === "help") {
    const [topic] = positionals;
    if (topic !== undefined) {
      if (!(COMMANDS as readonly string[]).includes(topic)) throw new UsageError(`pushlab help ${topic}: no such command; commands: ${COMMANDS.join(", ")}`);
      helpFor = topic as Command;
    }
    return { command, ...(helpFor && { helpFor }), positionals: [], values };
  }
  if (!values.help && !values.version) {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined || v === false) continue;
      const def = OPTIONS[k]!;
      if (!def.commands.includes(command)) {
        const takes = OPTION_NAMES.filter((n) => OPTIONS[n]!.commands.includes(command) && !["help", "verbose", "version"].includes(n));
        throw new UsageError(`--${k} does not apply to '${command}' (it takes: ${takes.map((o) => `--${o}`).join(", ") || "no options"})`);
      }
      if (typeof v === "string" && v.trim() === "") throw new UsageError(`--${k} needs a value`);
      if (Array.isArray(v) && v.some((x) => x.trim() === "")) throw new UsageError(`--${k} needs a value`);
    }
  }
  return { command, positionals, values };
}

/** A whole number within bounds, from a flag or a config value. */
export function wholeNumber(name: string, raw: string | number | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === "number" ? raw : /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name}: expected a whole number ${min}–${max}, got '${raw}'`);
  return n;
}

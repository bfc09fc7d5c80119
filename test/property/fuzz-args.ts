// Arguments of `npm run fuzz`: checked before anything runs (exit 2 with the reason), so
// `--runs -5` is an error, not an uncaught `null`, and `--runs 0` is not a vacuous "ok".
import { parseArgs } from "node:util";

export const FUZZ_USAGE = `npm run fuzz -- [--runs N] [--seed S]

  --runs N   random schedules to check, 1 … 10000000 (default 50000)
  --seed S   fast-check seed, a 32-bit integer, to replay a run (default: random)
  -h, --help this help

Examples:
  npm run fuzz -- --runs 1000
  npm run fuzz -- --runs 50000 --seed 1276165380
`;

export const MAX_RUNS = 10_000_000;

export type FuzzArgs = { help: true } | { help: false; runs: number; seed?: number };

export class FuzzArgError extends Error {}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^[-+]?\d+$/.test(text.trim())) throw new FuzzArgError(`--${name} ${JSON.stringify(text)}: not a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw new FuzzArgError(`--${name} ${text}: must be between ${min} and ${max}`);
  return n;
}

export function parseFuzzArgs(argv: string[]): FuzzArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { runs: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: false,
      allowNegative: false,
    });
  } catch (e) {
    throw new FuzzArgError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  const runs = v.runs === undefined ? 50_000 : wholeNumber("runs", v.runs, 1, MAX_RUNS);
  const seed = v.seed === undefined ? undefined : wholeNumber("seed", v.seed, -(2 ** 31), 2 ** 31 - 1);
  return { help: false, runs, ...(seed !== undefined && { seed }) };
}

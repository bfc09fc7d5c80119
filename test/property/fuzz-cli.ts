// npm run fuzz [-- --runs N --seed S]: many schedules; on a violation prints the shrunk schedule as
// a YAML scenario and exits 1. Exit 2: bad arguments; 3: the harness itself failed.
import { checkSchedules } from "./check.ts";
import { FUZZ_USAGE, FuzzArgError, parseFuzzArgs } from "./fuzz-args.ts";

let args;
try {
  args = parseFuzzArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof FuzzArgError)) throw e;
  console.error(`fuzz: ${e.message}\n\n${FUZZ_USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(FUZZ_USAGE);
  process.exit(0);
}
const { runs, seed } = args;
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
console.log(`fuzz: ${runs} schedules${seed !== undefined ? `, seed ${seed}` : ""}`);
let out;
try {
  out = await checkSchedules({ runs, seed, progressEvery: Math.max(1000, Math.floor(runs / 20)), onProgress: (n) => console.log(`  ${n}/${runs} schedules, ${elapsed()}`) });
} catch (e) {
  console.error(`fuzz: the harness itself failed: ${e instanceof Error ? (e.stack ?? e.message) : JSON.stringify(e)}`);
  process.exit(3);
}
if (out.failed) {
  console.log(`\nFAILED after ${out.runs} schedule(s) (seed ${out.seed}, ${elapsed()}): ${out.message}\n`);
  console.log("--- shrunk schedule as a scenario ---");
  console.log(out.yaml);
  process.exit(1);
}
console.log(`ok: ${out.runs} schedules, no invariant broken (seed ${out.seed}, ${elapsed()})`);

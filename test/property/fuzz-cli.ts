// npm run fuzz [-- --runs N --seed S]: many schedules; on a violation prints the shrunk schedule as
// a YAML scenario and exits 1.
import { checkSchedules } from "./check.ts";

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n)) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return n;
}

const runs = arg("runs") ?? 50_000;
const seed = arg("seed");
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
console.log(`fuzz: ${runs} schedules${seed !== undefined ? `, seed ${seed}` : ""}`);
const out = await checkSchedules({ runs, seed, progressEvery: Math.max(1000, Math.floor(runs / 20)), onProgress: (n) => console.log(`  ${n}/${runs} schedules, ${elapsed()}`) });
if (out.failed) {
  console.log(`\nFAILED after ${out.runs} schedule(s) (seed ${out.seed}, ${elapsed()}): ${out.message}\n`);
  console.log("--- shrunk schedule as a scenario ---");
  console.log(out.yaml);
  process.exit(1);
}
console.log(`ok: ${out.runs} schedules, no invariant broken (seed ${out.seed}, ${elapsed()})`);

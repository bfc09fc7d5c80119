// npm run durations -- FILE… : records scenario durations from real runs (their report.json or
// results.jsonl) into simulator/shard/durations.json, the file `--shard` balances by when no
// --shard-durations is given. A target in the files given replaces its recorded durations; other
// targets stay. Run it after the suite changes much: a missing scenario only weighs its target's median.
import { existsSync, writeFileSync } from "node:fs";
import { BUNDLED_DURATIONS, mergeDurations, readDurations, renderDurations } from "../simulator/shard/durations.ts";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: npm run durations -- reports/out/report.json [more report.json or results.jsonl …]\n");
  process.exit(2);
}
try {
  const before = existsSync(BUNDLED_DURATIONS) ? readDurations(BUNDLED_DURATIONS).targets : {};
  const fresh = mergeDurations(files.map(readDurations));
  const merged = { source: fresh.source, targets: { ...before, ...fresh.targets } }; // a target measured anew replaces its old record
  const note = "Scenario wall times (ms) per target from real runs, for --shard balancing. Written by npm run durations -- REPORT…";
  writeFileSync(BUNDLED_DURATIONS, renderDurations(merged, note));
  const counts = Object.entries(merged.targets).map(([t, m]) => `${t} ${Object.keys(m).length}`);
  process.stdout.write(`${BUNDLED_DURATIONS}: ${counts.join(", ")} scenario durations\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}

import { BROKEN_RECEIVERS } from "./test/receiver/broken-receivers.ts";
import { runAll } from "./test/receiver/run-all.ts";
const only = process.argv[2];
const list = only ? BROKEN_RECEIVERS.filter((_, i) => String(i) === only) : BROKEN_RECEIVERS;
const t0 = performance.now();
await Promise.all(list.map(async (b) => {
  const r = await runAll(b.behaviour());
  console.log(Math.round(performance.now() - t0), b.name, r.scenarios.filter(s=>s.durationMs>2000).map(s => `${s.rules[0]}:${Math.round(s.durationMs)}`).join(" "));
}));

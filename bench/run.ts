// npm run bench: speed and memory of the engine and the in-process suite. The targets live here,
// never in timed unit tests: each benchmark prints its figure against its target, and the exit
// code is 1 when a target is missed.
import { xml } from "@xmpp/xml";
import { PushEngine } from "../engine/engine.ts";
import { MemoryStore } from "../engine/store.ts";
import { VirtualClock } from "../simulator/clock.ts";
import { loadAll } from "../simulator/runner.ts";
import { runScenario } from "../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../simulator/targets/engine/index.ts";
import { hugeScenarioBench, parseBench } from "./reliability.ts";

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

interface Target {
  name: string;
  value: number;
  limit: number;
  unit: string;
  better: "lower" | "higher";
}
const targets: Target[] = [];

function check(t: Target): void {
  targets.push(t);
}

async function suite(): Promise<void> {
  const loaded = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));
  const t0 = performance.now();
  let slowest = { ms: 0, name: "" };
  for (const s of loaded) {
    const t = performance.now();
    await runScenario(s, createEngineTarget());
    const d = performance.now() - t;
    if (d > slowest.ms) slowest = { ms: d, name: s.name };
  }
  const ms = performance.now() - t0;
  console.log(`suite: ${loaded.length} scenarios on the engine in ${ms.toFixed(0)} ms (${(ms / loaded.length).toFixed(2)} ms each)`);
  check({ name: "whole engine suite (virtual clock)", value: ms, limit: 1000, unit: "ms", better: "lower" });
  check({ name: `slowest scenario (${slowest.name.slice(0, 40)}…)`, value: slowest.ms, limit: 25, unit: "ms", better: "lower" });
}

function offlineFlood(n: number): void {
  const clock = new VirtualClock();
  const store = new MemoryStore();
  let engine!: PushEngine;
  engine = new PushEngine({
    store,
    clock,
    port: {
      domain: "example.org",
      // the app server answers every push at once
      send: (push) => engine.handleAppReply(xml("iq", { type: "result", id: push.attrs.id, from: push.attrs.to })),
      sessions: () => [],
      setHibernationTimeout() {},
    },
  });
  const s = { id: "s", user: "alice", resource: "phone", state: "live" as const };
  for (let i = 0; i < 5; i++)
    engine.handleIq(s, xml("iq", { type: "set", id: `e${i}`, from: "alice@example.org/phone" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid: `p${i}.example`, node: "n" })));
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const m = xml("message", { from: "bob@example.org/x", to: "alice@example.org", type: "chat" }, xml("body", {}, `m${i}`));
    engine.messageOffline("alice", { stanza: m, key: `k${i}` });
  }
  const ms = performance.now() - t0;
  global.gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  console.log(
    `offline flood: ${n} messages × 5 registrations = ${n * 5} pushes in ${ms.toFixed(0)} ms (${Math.round((n * 5) / (ms / 1000))} pushes/s); ` +
      `pending after replies ${engine.stats().pending}; dedup keys ${engine.stats().dedupKeys}; heap ${mb(heap0)} → ${mb(heap1)}`,
  );
  check({ name: "offline flood throughput", value: (n * 5) / (ms / 1000), limit: 20_000, unit: "pushes/s", better: "higher" });
  check({ name: "pending pushes after all replies", value: engine.stats().pending, limit: 0, unit: "", better: "lower" });
  check({ name: "heap growth over the flood", value: (heap1 - heap0) / 1024 / 1024, limit: 50, unit: "MB", better: "lower" });
}

await suite();
offlineFlood(100_000);
for (const f of [...parseBench(), ...hugeScenarioBench()]) check(f); // bench/reliability.ts (issue 10)

let missed = 0;
console.log("\ntargets:");
for (const t of targets) {
  const ok = t.better === "lower" ? t.value <= t.limit : t.value >= t.limit;
  if (!ok) missed++;
  console.log(`  ${ok ? "ok  " : "MISS"} ${t.name}: ${t.value.toFixed(1)} ${t.unit} (${t.better === "lower" ? "≤" : "≥"} ${t.limit} ${t.unit})`);
}
process.exit(missed > 0 ? 1 : 0);

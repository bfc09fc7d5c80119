// npm run bench: speed and memory of the engine and the in-process suite (targets live here,
// never in timed unit tests). Prints one line per benchmark; no assertions.
import { xml } from "@xmpp/xml";
import { PushEngine } from "../engine/engine.ts";
import { MemoryStore } from "../engine/store.ts";
import { VirtualClock } from "../simulator/clock.ts";
import { loadAll } from "../simulator/runner.ts";
import { runScenario } from "../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../simulator/targets/engine.ts";

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

async function suite(): Promise<void> {
  const loaded = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));
  const t0 = performance.now();
  for (const s of loaded) await runScenario(s, createEngineTarget());
  const ms = performance.now() - t0;
  console.log(`suite: ${loaded.length} scenarios on the engine in ${ms.toFixed(0)} ms (${(ms / loaded.length).toFixed(2)} ms each)`);
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
}

await suite();
offlineFlood(100_000);

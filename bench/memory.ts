// Memory: the engine's heap must stay flat while pushes flow (the anchor's module grows by
// ~1.5 KB per push). Heap after GC is read after the first 10,000 pushes and again after
// 1,000,000; the figure is the growth in per cent. Three worlds: every push answered; no push
// ever answered (pending entries expire after push_reply_timeout on the virtual clock); and
// 100,000 hibernated sessions whose queued messages are pushed in batches. As a server does, the
// world settles each stanza with the engine once it holds it no more (stored offline, or the
// device resumed and acknowledged it), so what the engine keeps is what is in flight.
import { createWorld, type World } from "./world.ts";
import { emit, progress, type Figure } from "./figures.ts";

const BASELINE_PUSHES = 10_000;
const TOTAL_PUSHES = Number(process.env.PUSHLAB_BENCH_PUSHES) || 1_000_000;
export const GOAL_GROWTH_PERCENT = 5;
const ANCHOR = "Prosody 0.12.3 mod_cloud_notify: ~1.5 KB per push (RSS 16 → 30 MB over ~9,000 pushes)";

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc (npm run bench does)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

interface Flow {
  world: World;
  /** Sends the next message(s); pushes happen inside (or when time moves). */
  step(n: number): void;
}

function measureFlow(name: string, flow: Flow): { base: number; end: number; pushes: number } {
  const w = flow.world;
  let n = 0;
  while (w.pushes() < BASELINE_PUSHES) flow.step(n++);
  const base = heapAfterGc();
  const baseAt = w.pushes();
  let next = baseAt + 100_000;
  while (w.pushes() < TOTAL_PUSHES) {
    flow.step(n++);
    if (w.pushes() >= next) {
      progress(`${name}: ${w.pushes().toLocaleString("en-US")} pushes`);
      next += 100_000;
    }
  }
  const end = heapAfterGc();
  return { base, end, pushes: w.pushes() };
}

function figure(id: string, name: string, r: { base: number; end: number; pushes: number }, note: string): Figure {
  const growth = ((r.end - r.base) / r.base) * 100;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
  return {
    id,
    name,
    value: Math.round(growth * 100) / 100,
    unit: "%",
    goal: { kind: "max", value: GOAL_GROWTH_PERCENT },
    anchor: ANCHOR,
    note: `${note}; heap after GC ${mb(r.base)} MB after ${BASELINE_PUSHES.toLocaleString("en-US")} pushes → ${mb(r.end)} MB after ${r.pushes.toLocaleString("en-US")} (${(((r.end - r.base) / (r.pushes - BASELINE_PUSHES)) || 0).toFixed(3)} bytes per push)`,
  };
}

const USERS = Number(process.env.PUSHLAB_BENCH_MEM_USERS) || 10_000; // the population: 10,000 users × 5 registrations
const figures: Figure[] = [];
const which = process.argv[2];

if (!which || which === "replies") {
  const world = createWorld({ users: USERS, regs: 5, shape: "offline", answer: "result" });
  const r = measureFlow("answered", {
    world,
    step: (n) => {
      const user = world.users[n % USERS]!;
      const ks = world.message(n % USERS, n);
      world.engine.messageOffline(user, ks);
      world.engine.stanzasSettled(user, [ks.key!]); // stored offline: no path pushes it again
    },
  });
  figures.push(figure("memory.answered", "heap growth, 1,000,000 pushes, every push answered", r, `offline messages to ${USERS} user(s) × 5 registrations`));
}
if (!which || which === "silence") {
  const world = createWorld({ users: USERS, regs: 5, shape: "offline", answer: "silence" });
  // One message every 100 ms of virtual time: the 120 s reply window holds 1,200 messages (6,000
  // pushes) at any time, reached before the baseline, so growth after it would be a leak.
  const r = measureFlow("unanswered", {
    world,
    step: (n) => {
      const user = world.users[n % USERS]!;
      const ks = world.message(n % USERS, n);
      world.engine.messageOffline(user, ks);
      world.engine.stanzasSettled(user, [ks.key!]);
      world.clock.advance(100);
    },
  });
  figures.push(figure("memory.unanswered", "heap growth, 1,000,000 pushes, no push ever answered", r, `offline messages to ${USERS} user(s) × 5 registrations, one every 100 ms of virtual time; unanswered pushes forgotten after push_reply_timeout (120 s)`));
}
if (!which || which === "hibernated") {
  const SESSIONS = 100_000;
  const world = createWorld({ users: SESSIONS, regs: 1, shape: "hibernated", answer: "result" });
  for (const s of world.phone) world.engine.hibernationStarted(s, []);
  progress(`hibernated: ${SESSIONS.toLocaleString("en-US")} sessions hibernating`);
  // One message to each session in turn; a batch flushes every virtual second. A queue is held
  // until its device comes back: here each message is acknowledged (settled) 10 virtual seconds
  // after it was queued, so 10,000 stanzas are in flight at any time from the baseline on.
  const inFlight: { user: string; key: string }[] = [];
  const r = measureFlow("hibernated", {
    world,
    step: (n) => {
      const i = n % SESSIONS;
      const ks = world.message(i, n);
      world.engine.stanzaQueued(world.phone[i]!, ks);
      inFlight.push({ user: world.users[i]!, key: ks.key! });
      if (n % 1000 === 999) {
        world.clock.advance(1000);
        if (inFlight.length > 10_000) for (const f of inFlight.splice(0, 1000)) world.engine.stanzasSettled(f.user, [f.key]);
      }
    },
  });
  figures.push(
    figure("memory.hibernated", "heap growth, 1,000,000 pushes through 100,000 hibernated sessions", r, `${SESSIONS.toLocaleString("en-US")} users × 1 registration, each session hibernated; 1,000 queued messages per virtual second, pushed by the 1 s batch, acknowledged 10 s later`),
  );
}
emit({ bench: "memory", figures });

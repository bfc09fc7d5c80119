// Push decisions per second on each path, 10,000 users × 5 registrations, every push answered.
// A decision is one (stanza, registration) pair the engine rules on; on the offline and archive
// paths each decision is a push, in a batch one push covers every stanza of its kind.
// Seconds are the process's CPU seconds (user + system, all its threads, GC included) over the
// timed loops: on a shared machine that is what one core delivers; wall time is reported beside.
import { createWorld, type Shape, type World } from "./world.ts";
import { emit, progress, type Figure } from "./figures.ts";

const USERS = 10_000;
const REGS = 5;
const PER_BATCH = 2; // stanzas per batch on the queue paths: one push covers both
const WARMUP_ROUNDS = 2;
const ROUNDS = Number(process.env.PUSHLAB_BENCH_ROUNDS) || 10;
export const GOAL_DECISIONS_PER_S = 200_000;

interface Spent {
  cpuMs: number;
  wallMs: number;
}
type Round = (w: World, round: number) => Spent; // the timed part of one round

/** Starts a stopwatch; calling the result reads CPU and wall milliseconds since. */
function start(): () => Spent {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  return () => {
    const c = process.cpuUsage(c0);
    return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - w0 };
  };
}

const rounds: Record<Shape, Round> = {
  offline(w, round) {
    const msgs = w.users.map((_, i) => w.message(i, round * USERS + i));
    const t0 = start();
    for (let i = 0; i < USERS; i++) w.engine.messageOffline(w.users[i]!, msgs[i]!);
    return t0();
  },
  archive(w, round) {
    const msgs = w.users.map((_, i) => w.message(i, round * USERS + i));
    const t0 = start();
    for (let i = 0; i < USERS; i++) w.engine.messageArchived(w.users[i]!, msgs[i]!);
    return t0();
  },
  hibernated(w, round) {
    const msgs = w.users.map((_, i) => Array.from({ length: PER_BATCH }, (_, j) => w.message(i, (round * USERS + i) * PER_BATCH + j)));
    const t0 = start();
    for (let i = 0; i < USERS; i++) for (const m of msgs[i]!) w.engine.stanzaQueued(w.phone[i]!, m);
    w.clock.advance(1000); // the batch timers fire: one push per registration per session
    return t0();
  },
  "ack-delay"(w, round) {
    const msgs = w.users.map((_, i) => Array.from({ length: PER_BATCH }, (_, j) => w.message(i, (round * USERS + i) * PER_BATCH + j)));
    const t0 = start();
    for (let i = 0; i < USERS; i++) w.engine.ackDelayed(w.phone[i]!, msgs[i]!);
    w.clock.advance(1000);
    return t0();
  },
};

const DECISIONS_PER_USER_ROUND: Record<Shape, number> = { offline: REGS, archive: REGS, hibernated: REGS * PER_BATCH, "ack-delay": REGS * PER_BATCH };
const PUSHES_PER_USER_ROUND: Record<Shape, number> = { offline: REGS, archive: REGS, hibernated: REGS, "ack-delay": REGS };

export function measure(shape: Shape): { decisionsPerS: number; pushesPerS: number; wallDecisionsPerS: number; pushes: number; ms: number } {
  const w = createWorld({ users: USERS, regs: REGS, shape, answer: "result" });
  if (shape === "hibernated") for (const s of w.phone) w.engine.hibernationStarted(s, []);
  let ms = 0;
  let wallMs = 0;
  let pushes0 = 0;
  for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
    if (r === WARMUP_ROUNDS) pushes0 = w.pushes();
    const d = rounds[shape](w, r);
    if (r >= WARMUP_ROUNDS) {
      ms += d.cpuMs;
      wallMs += d.wallMs;
    }
  }
  const pushes = w.pushes() - pushes0;
  const expected = ROUNDS * USERS * PUSHES_PER_USER_ROUND[shape];
  if (pushes !== expected) throw new Error(`${shape}: ${pushes} pushes, expected ${expected}: the world is not doing what it says`);
  const decisions = ROUNDS * USERS * DECISIONS_PER_USER_ROUND[shape];
  if (w.engine.stats().pending !== 0) throw new Error(`${shape}: ${w.engine.stats().pending} pushes left pending after all replies`);
  return { decisionsPerS: decisions / (ms / 1000), pushesPerS: pushes / (ms / 1000), wallDecisionsPerS: decisions / (wallMs / 1000), pushes, ms };
}

const SHAPES: Shape[] = ["offline", "archive", "hibernated", "ack-delay"];
const only = process.argv[2] as Shape | undefined;
const figures: Figure[] = [];
let slowest: { shape: Shape; v: number } | undefined;
for (const shape of only ? [only] : SHAPES) {
  const r = measure(shape);
  progress(`${shape}: ${Math.round(r.decisionsPerS)} decisions/s, ${Math.round(r.pushesPerS)} pushes/s (${r.pushes} pushes in ${r.ms.toFixed(0)} CPU ms; by wall time ${Math.round(r.wallDecisionsPerS)} decisions/s)`);
  figures.push({
    id: `throughput.${shape}`,
    name: `push decisions per second, ${shape} path`,
    value: Math.round(r.decisionsPerS),
    unit: "decisions/s",
    goal: { kind: "min", value: GOAL_DECISIONS_PER_S },
    note: `${USERS.toLocaleString("en-US")} users × ${REGS} registrations, every push answered, per CPU second; ${Math.round(r.pushesPerS).toLocaleString("en-US")} pushes/s; by wall time ${Math.round(r.wallDecisionsPerS).toLocaleString("en-US")} decisions/s${PUSHES_PER_USER_ROUND[shape] !== DECISIONS_PER_USER_ROUND[shape] ? ` (${PER_BATCH} stanzas per batch)` : ""}`,
  });
  if (!slowest || r.decisionsPerS < slowest.v) slowest = { shape, v: r.decisionsPerS };
}
if (slowest && !only) {
  figures.push({
    id: "throughput.slowest",
    name: `push decisions per second, slowest path (${slowest.shape})`,
    value: Math.round(slowest.v),
    unit: "decisions/s",
    goal: { kind: "min", value: GOAL_DECISIONS_PER_S },
  });
}
emit({ bench: "throughput", figures });

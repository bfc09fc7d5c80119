// Registration store: heap bytes per registration with 1,000,000 registrations (200,000 users ×
// 5), enabled through the engine as clients would, compared with the heap before.
import { createWorld } from "./world.ts";
import { emit, progress } from "./figures.ts";

const REGS_PER_USER = 5;
const TOTAL = Number(process.env.PUSHLAB_BENCH_REGISTRATIONS) || 1_000_000;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc (npm run bench does)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const empty = createWorld({ users: 1, regs: 1, shape: "offline", answer: "result" });
const before = heapAfterGc();
const t0 = performance.now();
const world = createWorld({ users: TOTAL / REGS_PER_USER, regs: REGS_PER_USER, shape: "offline", answer: "result" });
const ms = performance.now() - t0;
const after = heapAfterGc();
const count = world.users.reduce((n, u) => n + world.store.load(u).registrations.length, 0);
if (count !== TOTAL) throw new Error(`store holds ${count} registrations, expected ${TOTAL}`);
progress(`store: ${TOTAL.toLocaleString("en-US")} registrations enabled in ${ms.toFixed(0)} ms`);
void empty;
emit({
  bench: "store",
  figures: [
    {
      id: "store.bytes-per-registration",
      name: "registration store, heap bytes per registration (1,000,000 registrations)",
      value: Math.round((after - before) / TOTAL),
      unit: "B",
      note: `${(TOTAL / REGS_PER_USER).toLocaleString("en-US")} users × ${REGS_PER_USER} registrations (jid, node, enable time, device), in MemoryStore, including the bench's session views (~2 small objects per user); heap ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB; ${Math.round(TOTAL / (ms / 1000)).toLocaleString("en-US")} enables/s`,
    },
  ],
});

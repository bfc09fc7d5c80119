// Issue 10, point 5: any duration behaves as written. Node's setTimeout fires at once above
// 2³¹−1 ms, so `wait: 600h` on Prosody used to pass in 0 s; waits are chunked and end when the
// session closes (the scenario limit closes it).
import { describe, expect, it } from "vitest";
import { delay, MAX_TIMER_MS, pollUntil, within } from "../../simulator/wire/bounded.ts";
import { describeProsody, world } from "../prosody/support.ts";

const settledWithin = async (p: Promise<unknown>, ms: number) => {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
};

describe("long waits", () => {
  it("Node alone fires a timer above 2³¹−1 ms at once (the defect being guarded)", async () => {
    const fired = new Promise<void>((r) => setTimeout(r, MAX_TIMER_MS + 1).unref());
    expect(await settledWithin(fired, 100)).toBe(true);
  });

  it("delay(600 h) does not end at once, and ends when aborted", async () => {
    const ac = new AbortController();
    const long = delay(600 * 3_600_000, ac.signal);
    expect(await settledWithin(long, 200)).toBe(false);
    ac.abort();
    expect(await settledWithin(long, 50)).toBe(true);
  });

  it("delay just above the limit waits too; short delays are unchanged", async () => {
    const ac = new AbortController();
    expect(await settledWithin(delay(MAX_TIMER_MS + 5, ac.signal), 150)).toBe(false);
    ac.abort();
    const t0 = Date.now();
    await delay(60);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(59);
  });

  it("within() with a huge bound does not time out at once", async () => {
    expect(await settledWithin(within(new Promise(() => {}), 600 * 3_600_000, "x"), 150)).toBe(false);
  });

  it("pollUntil stops polling when aborted", async () => {
    const ac = new AbortController();
    const p = pollUntil(() => false, 600 * 3_600_000, 10, ac.signal);
    expect(await settledWithin(p, 100)).toBe(false);
    ac.abort();
    expect(await settledWithin(p, 50)).toBe(true);
  });
});

describeProsody("long waits on Prosody", (ctx) => {
  it("a 600 h sleep is still sleeping after a second, and closing the session ends it with an error", async () => {
    const s = await ctx.target.open(world("rel-wait", ["alice"]));
    const sleeping = s.sleep(600 * 3_600_000);
    expect(await settledWithin(sleeping, 1_000)).toBe(false); // was: resolved at once
    const t0 = Date.now();
    await s.close();
    await expect(sleeping).rejects.toThrow(/session closed/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

// The pool of file accounts: a session gets all its accounts at once or waits (bounded), gets
// them reset with the push JIDs it used, and a too-small pool or a failed reset is said plainly.
import { describe, expect, it } from "vitest";
import { AccountPool } from "../../simulator/targets/xmpp/account-pool.ts";

const accounts = (n: number) => Array.from({ length: n }, (_, i) => ({ local: `u${i + 1}`, password: `p${i + 1}` }));

describe("account pool", () => {
  it("hands out distinct accounts per session, waits when all are taken, serves the waiter on release", async () => {
    const resets: string[] = [];
    const pool = new AccountPool(accounts(3), "accounts.yaml", async (a, jids) => void resets.push(`${a.local}:${jids.join(",")}`), 2_000);
    const s1 = pool.forSession(() => ["push.1@p.example"]);
    const got1 = await s1.claim(["alice", "bob"]);
    expect([...got1.entries()].map(([k, v]) => `${k}=${v.local}`)).toEqual(["alice=u1", "bob=u2"]);
    const s2 = pool.forSession(() => []);
    let second: Map<string, { local: string }> | undefined;
    const pending = s2.claim(["alice", "bob"]).then((m) => (second = m));
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toBeUndefined(); // one free account is not enough: all or nothing
    expect(pool.available).toBe(1);
    await s1.release(["u1", "u2"]);
    await pending;
    expect(new Set([...second!.values()].map((a) => a.local)).size).toBe(2);
    expect(resets.sort()).toEqual(["u1:push.1@p.example", "u2:push.1@p.example"]);
  });

  it("a scenario needing more accounts than the file has fails at once, naming the file", async () => {
    const pool = new AccountPool(accounts(1), "team/accounts.yaml", async () => {}, 2_000);
    await expect(pool.forSession(() => []).claim(["alice", "bob"])).rejects.toThrow(
      "the accounts file team/accounts.yaml has 1 usable account(s); this scenario needs 2 at once: add accounts to it",
    );
  });

  it("waiting is bounded: a clear error when others keep the accounts too long", async () => {
    const pool = new AccountPool(accounts(2), "a.yaml", async () => {}, 100);
    await pool.forSession(() => []).claim(["alice", "bob"]);
    const t0 = Date.now();
    await expect(pool.forSession(() => []).claim(["carol"])).rejects.toThrow(/no 1 free account\(s\) within 100 ms: all 2 from a\.yaml are in use by other scenarios; add accounts or lower --xmpp-parallelism/);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("an account whose reset failed is set aside, never handed out again", async () => {
    const pool = new AccountPool(accounts(2), "a.yaml", async (a) => {
      if (a.local === "u1") throw new Error("login refused");
    }, 500);
    const s = pool.forSession(() => []);
    await s.claim(["alice", "bob"]);
    await s.release(["u1", "u2"]);
    expect(pool.setAside).toEqual([{ local: "u1", why: "login refused" }]);
    expect(pool.available).toBe(1);
    const one = await pool.forSession(() => []).claim(["x"]);
    expect(one.get("x")!.local).toBe("u2");
    await expect(pool.forSession(() => []).claim(["a", "b"])).rejects.toThrow(/has 1 usable account\(s\) \(1 set aside after a failed reset: u1: login refused\)/);
  });
});

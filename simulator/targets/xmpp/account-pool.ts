// Existing test accounts from the accounts file, shared by the scenarios running at once. A
// session takes all its accounts in one go (no two sessions can each hold half of what the
// other needs), waits a bounded time when they are in use, and gives them back reset.
import type { AccountCredentials, AccountSource } from "../../wire/wire-server.ts";
import { wireLog } from "../../wire/log.ts";

const log = wireLog("account-pool");
export const CLAIM_TIMEOUT_MS = 45_000; // below the runner's 60 s bound for opening a session

interface Waiter {
  n: number;
  grant: (accounts: AccountCredentials[]) => void;
  fail: (e: Error) => void;
}

export class AccountPool {
  private readonly free: AccountCredentials[];
  private readonly waiters: Waiter[] = [];
  /** Accounts whose reset failed: their state is unknown, so no scenario gets them again. */
  readonly setAside: { local: string; why: string }[] = [];

  constructor(
    private readonly all: AccountCredentials[],
    private readonly file: string,
    /** Resets an account before others may use it again; one that fails is set aside. */
    private readonly reset: (account: AccountCredentials, pushJids: string[]) => Promise<void>,
    private readonly claimTimeoutMs = CLAIM_TIMEOUT_MS,
  ) {
    this.free = [...all];
  }

  get size(): number {
    return this.all.length;
  }

  get available(): number {
    return this.free.length;
  }

  /** n accounts at once; waits (bounded) for other sessions to give theirs back. */
  async take(n: number): Promise<AccountCredentials[]> {
    const usable = this.all.length - this.setAside.length;
    if (n > usable) {
      const aside = this.setAside.length > 0 ? ` (${this.setAside.length} set aside after a failed reset: ${this.setAside.map((a) => `${a.local}: ${a.why}`).join("; ")})` : "";
      throw new Error(`the accounts file ${this.file} has ${usable} usable account(s)${aside}; this scenario needs ${n} at once: add accounts to it`);
    }
    if (this.waiters.length === 0 && this.free.length >= n) return this.free.splice(0, n);
    return new Promise<AccountCredentials[]>((resolve, reject) => {
      const waiter: Waiter = { n, grant: (a) => (clearTimeout(timer), resolve(a)), fail: (e) => (clearTimeout(timer), reject(e)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${n} free account(s) within ${this.claimTimeoutMs} ms: all ${this.all.length} from ${this.file} are in use by other scenarios; add accounts or lower --xmpp-parallelism`));
      }, this.claimTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resets the accounts and makes them available again (first come, first served). */
  async give(accounts: AccountCredentials[], pushJids: string[]): Promise<void> {
    const clean = await Promise.all(
      accounts.map(async (a) => {
        try {
          await this.reset(a, pushJids);
          return true;
        } catch (e) {
          this.setAside.push({ local: a.local, why: (e as Error).message });
          log.warn({ account: a.local, err: (e as Error).message }, "account reset failed; set aside for the rest of the run");
          return false;
        }
      }),
    );
    this.free.push(...accounts.filter((_, i) => clean[i]));
    // Waiters that can no longer ever be served learn it now, not at their timeout.
    for (const w of [...this.waiters]) {
      if (w.n > this.all.length - this.setAside.length) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.fail(new Error(`the accounts file ${this.file} has too few usable accounts left (${this.setAside.length} set aside after failed resets)`));
      }
    }
    while (this.waiters.length > 0 && this.free.length >= this.waiters[0]!.n) {
      const w = this.waiters.shift()!;
      w.grant(this.free.splice(0, w.n));
    }
  }

  /**
   * The AccountSource for one session: maps its account names to pool accounts and, on
   * release, resets them with the push JIDs the session enabled (from `pushJids()`).
   */
  forSession(pushJids: () => string[]): AccountSource {
    let held: AccountCredentials[] = [];
    return {
      claim: async (names) => {
        held = await this.take(names.length);
        return new Map(names.map((n, i) => [n, held[i]!]));
      },
      release: async () => {
        const mine = held;
        held = [];
        if (mine.length > 0) await this.give(mine, pushJids());
      },
    };
  }
}

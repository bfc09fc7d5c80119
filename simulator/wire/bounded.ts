// Every wait on the wire has a bound: these helpers turn "never" into a clear error.

export class WireTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = "WireTimeout";
  }
}

/**
 * Node's setTimeout fires at once for delays above 2³¹−1 ms (~24.8 days) — `wait: 600h` would
 * pass in 0 s. Longer waits are cut into chunks of at most this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Rejects with WireTimeout if p does not settle within ms. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WireTimeout(what, ms)), Math.min(ms, MAX_TIMER_MS));
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * Resolves after ms (any length: chunked below Node's timer limit), or as soon as signal aborts
 * (a closed session must not leave a 600 h timer holding the process open).
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  const end = Date.now() + Math.max(0, ms);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const arm = () => {
      const left = end - Date.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    };
    signal?.addEventListener("abort", done, { once: true });
    arm();
  });
}

/** Polls pred every stepMs until it holds or ms pass; returns its last value. */
export async function pollUntil(pred: () => boolean, ms: number, stepMs = 10, signal?: AbortSignal): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (pred()) return true;
    const left = end - Date.now();
    if (left <= 0 || signal?.aborted) return pred();
    await delay(Math.min(stepMs, left), signal);
  }
}

// Every wait on the wire has a bound: these helpers turn "never" into a clear error.

export class WireTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = "WireTimeout";
  }
}

/** Rejects with WireTimeout if p does not settle within ms. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WireTimeout(what, ms)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls pred every stepMs until it holds or ms pass; returns its last value. */
export async function pollUntil(pred: () => boolean, ms: number, stepMs = 10): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (pred()) return true;
    const left = end - Date.now();
    if (left <= 0) return pred();
    await delay(Math.min(stepMs, left));
  }
}

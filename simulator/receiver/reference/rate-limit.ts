// Per-node token bucket: a server that floods one device is slowed down with wait errors (which
// servers do not count against the registration), not cut off.

export interface RateLimit {
  /** Publishes a node may get at once. */
  burst: number;
  /** Publishes per second refilled. */
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 100, perSecond: 50 };
const MAX_BUCKETS = 100_000; // memory bound: the oldest idle buckets are forgotten first

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True when the node may get one more publish now (and takes a token). */
  take(node: string): boolean {
    const t = this.now();
    const b = this.buckets.get(node) ?? { tokens: this.limit.burst, at: t };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((t - b.at) / 1000) * this.limit.perSecond);
    b.at = t;
    this.buckets.delete(node); // re-insert: Map order = least recently used first
    this.buckets.set(node, b);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

// A virtual clock: time moves only when told to, timers run in time order (ties: creation order),
// waiting costs nothing. Timers sit in a binary heap; cancelled ones are dropped lazily.
import type { Clock, TimerHandle } from "../engine/ports.ts";

/** One timer; it is its own handle (no closure per timer: a flood keeps 200,000 of them). */
class Timer implements TimerHandle {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
    private readonly clock: VirtualClock,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.clock.cancelled();
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private live = 0;
  private readonly heap: Timer[] = [];

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer = new Timer(this.t + Math.max(0, ms), this.seq++, fn, this);
    this.push(timer);
    this.live++;
    return timer;
  }

  /** Called by a timer cancelled before it ran. */
  cancelled(): void {
    this.live--;
    this.compactIfSparse();
  }

  /** Time of the next live timer, or undefined. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Lets ms pass, running every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    this.advanceTo(this.t + Math.max(0, ms));
  }

  /** Runs due timers up to `target`, stopping early once stop() holds; returns stop()'s value. */
  advanceTo(target: number, stop?: () => boolean): boolean {
    for (;;) {
      if (stop?.()) return true;
      this.dropCancelled();
      const next = this.heap[0];
      if (!next || next.at > target) break;
      this.pop();
      next.cancelled = true;
      this.live--;
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = Math.max(this.t, target);
    return stop?.() ?? false;
  }

  pendingTimers(): number {
    return this.live;
  }

  /** Cancelled timers wait in the heap until they surface; rebuild when they are most of it. */
  private compactIfSparse(): void {
    if (this.heap.length < 1024 || this.live * 2 > this.heap.length) return;
    const keep = this.heap.filter((x) => !x.cancelled);
    this.heap.length = 0;
    for (const x of keep) this.push(x);
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

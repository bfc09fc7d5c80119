// Timeline events recorded by targets and the runner: the raw material of every report.
// Times are milliseconds since the scenario started, on the target's clock (virtual or real).

export type TraceKind =
  | "step" // the runner began a scenario step
  | "out" // a persona sent a stanza (or a nonza) to the server
  | "in" // a persona received a stanza from the server
  | "push" // the app server received a push (an iq set with a pubsub publish)
  | "app-reply" // the app server answered a push
  | "server" // something happened inside the server (hibernation, offline store, …)
  | "check" // an expectation was evaluated
  | "note"; // anything else worth showing

export interface TraceEvent {
  t: number;
  kind: TraceKind;
  actor: string; // persona name, app server name, "server" or "runner"
  text?: string; // one-line summary
  xml?: string; // the stanza as sent/received
  ok?: boolean; // for "check"
  deviation?: boolean; // for "check": held only as declared for this target
}

/** Events kept from the start and from the end of a scenario; the middle is counted, not kept. */
export const TRACE_HEAD_EVENTS = 400;
export const TRACE_TAIL_EVENTS = 400;
/** A stanza longer than this is cut in the timeline (the scenario's checks see it whole). */
export const TRACE_MAX_XML = 16 * 1024;

/**
 * The timeline of one scenario, bounded while it is recorded: a `count: 100000` scenario keeps
 * its first and last events and the number (per kind) of those in between, so neither the
 * harness's memory nor the reports grow with the scenario.
 */
export class Trace {
  private readonly head: TraceEvent[] = [];
  private readonly tail: PendingEvent[] = []; // ring buffer once full; xml serialized when read
  private tailStart = 0;
  private elided = 0;
  private readonly elidedKinds = new Map<TraceKind, number>();
  private firstElidedT = 0;
  private lastElidedT = 0;

  constructor(
    private readonly now: () => number,
    private readonly limits: { head: number; tail: number } = { head: TRACE_HEAD_EVENTS, tail: TRACE_TAIL_EVENTS },
  ) {}

  /**
   * xml may be given as a function: it is called only for events that are kept (a flood would
   * otherwise serialize 100,000 stanzas just to drop them, and the garbage alone grows the heap).
   */
  add(kind: TraceKind, actor: string, fields: { text?: string; xml?: string | (() => string); ok?: boolean; deviation?: boolean } = {}): void {
    const event: PendingEvent = { t: this.now(), kind, actor, ...fields };
    if (this.head.length < this.limits.head) {
      this.head.push(settle(event));
      return;
    }
    if (this.tail.length < this.limits.tail) {
      this.tail.push(event);
      return;
    }
    // The tail is full: its oldest event moves into the elided middle.
    const dropped = this.tail[this.tailStart]!;
    this.tail[this.tailStart] = event;
    this.tailStart = (this.tailStart + 1) % this.tail.length;
    if (this.elided === 0) this.firstElidedT = dropped.t;
    this.lastElidedT = dropped.t;
    this.elided++;
    this.elidedKinds.set(dropped.kind, (this.elidedKinds.get(dropped.kind) ?? 0) + 1);
  }

  /** Events recorded so far, oldest first; a "note" stands for the elided middle, with its counts. */
  get events(): TraceEvent[] {
    for (let i = 0; i < this.tail.length; i++) this.tail[i] = settle(this.tail[i]!);
    const tail = [...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart)] as TraceEvent[];
    if (this.elided === 0) return [...this.head, ...tail];
    const kinds = [...this.elidedKinds].map(([k, n]) => `${n} ${k}`).join(", ");
    const gap: TraceEvent = {
      t: this.firstElidedT,
      kind: "note",
      actor: "runner",
      text: `… ${this.elided} events between ${this.firstElidedT} ms and ${this.lastElidedT} ms not kept (${kinds}) …`,
    };
    return [...this.head, gap, ...tail];
  }

  /** How many events were recorded in all, kept or not. */
  get total(): number {
    return this.head.length + this.tail.length + this.elided;
  }
}

type PendingEvent = Omit<TraceEvent, "xml"> & { xml?: string | (() => string) };

/** The event with its xml as a (length-capped) string. */
function settle(e: PendingEvent): TraceEvent {
  if (e.xml === undefined) return e as TraceEvent;
  const xml = typeof e.xml === "function" ? e.xml() : e.xml;
  return { ...e, xml: xml.length > TRACE_MAX_XML ? clip(xml, TRACE_MAX_XML) : xml };
}

function clip(s: string, max: number): string {
  // A copy, not a slice: V8's slices keep the whole original string alive.
  const kept = Buffer.from(s.slice(0, max), "utf8").toString("utf8");
  return `${kept}… (${s.length - max} more characters)`;
}

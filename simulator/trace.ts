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

export class Trace {
  readonly events: TraceEvent[] = [];
  constructor(private readonly now: () => number) {}
  add(kind: TraceKind, actor: string, fields: { text?: string; xml?: string; ok?: boolean; deviation?: boolean } = {}): void {
    this.events.push({ t: this.now(), kind, actor, ...fields });
  }
}

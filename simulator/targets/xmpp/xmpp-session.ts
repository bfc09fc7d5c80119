// One scenario on the xmpp target: a WireSession, with personas that (1) skip the scenario when
// the server offers no stream management, instead of failing it (carbons and CSI are features in
// the target's capabilities, so the runner skips scenarios needing them before their first step),
// and (2) note every JID a push registration names, so a pooled account can be reset afterwards.
import type { Element } from "@xmpp/xml";
import { Unsupported } from "../../scenario/errors.ts";
import type { AppServerHandle, ConnectOptions, IqOutcome, PersonaHandle, Support, TargetSession } from "../../target.ts";
import type { WireSession } from "../../wire/wire-session.ts";

const NS_PUSH = "urn:xmpp:push:0";

export interface SessionFeatures {
  sm: Support; // XEP-0198: not a capability the runner knows; nearly every scenario connects with it
}

/** JIDs named in <enable/> and <disable/> requests (the account reset disables them all). */
export class PushJidRecorder {
  private readonly jids = new Set<string>();
  note(iq: Element): void {
    for (const c of iq.getChildElements()) {
      if ((c.name === "enable" || c.name === "disable") && c.getNS() === NS_PUSH && c.attrs.jid !== undefined) this.jids.add(c.attrs.jid);
    }
  }
  get all(): string[] {
    return [...this.jids];
  }
}

function need(s: Support, what: string): void {
  if (!s.ok) throw new Unsupported(`scenario needs ${what}: ${s.reason}`);
}

class GuardedPersona implements PersonaHandle {
  constructor(
    private readonly inner: PersonaHandle,
    private readonly features: SessionFeatures,
    private readonly recorder: PushJidRecorder,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get bareJid(): string {
    return this.inner.bareJid;
  }
  get fullJid(): string {
    return this.inner.fullJid;
  }
  get connected(): boolean {
    return this.inner.connected;
  }
  get received(): Element[] {
    return this.inner.received;
  }
  get serverClosed(): { streamError?: string } | undefined {
    return this.inner.serverClosed;
  }
  connect(opts: ConnectOptions): Promise<void> {
    if (opts.sm) need(this.features.sm, "stream management (XEP-0198)");
    return this.inner.connect(opts);
  }
  iq(el: Element, timeoutMs: number): Promise<IqOutcome> {
    this.recorder.note(el);
    return this.inner.iq(el, timeoutMs);
  }
  send(el: Element): Promise<void> {
    return this.inner.send(el);
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  drop(): Promise<void> {
    return this.inner.drop();
  }
  resume(): Promise<boolean> {
    return this.inner.resume();
  }
  setAcking(on: boolean): Promise<void> {
    return this.inner.setAcking(on);
  }
  csi(state: "active" | "inactive"): Promise<void> {
    return this.inner.csi(state);
  }
}

export class XmppSession implements TargetSession {
  private readonly personas = new Map<string, GuardedPersona>();

  constructor(
    private readonly wire: WireSession,
    private readonly features: SessionFeatures,
    private readonly recorder: PushJidRecorder,
  ) {}

  get domain(): string {
    return this.wire.domain;
  }
  get trace() {
    return this.wire.trace;
  }
  get controls() {
    return this.wire.controls;
  }
  persona(name: string): PersonaHandle {
    let p = this.personas.get(name);
    if (!p) this.personas.set(name, (p = new GuardedPersona(this.wire.persona(name), this.features, this.recorder)));
    return p;
  }
  app(name: string): AppServerHandle {
    return this.wire.app(name);
  }
  now(): number {
    return this.wire.now();
  }
  sleep(ms: number): Promise<void> {
    return this.wire.sleep(ms);
  }
  waitFor(pred: () => boolean, ms: number): Promise<boolean> {
    return this.wire.waitFor(pred, ms);
  }
  close(): Promise<void> {
    return this.wire.close();
  }
}

// A scripted client of the simulated server: what a phone or desktop app would do, in process.
import type { Element } from "@xmpp/xml";
import { xml } from "@xmpp/xml";
import type { VirtualClock } from "../../clock.ts";
import type { SimServer } from "../../server/sim-server.ts";
import type { SimSession } from "../../server/sim-session.ts";
import { iqErrorOutcome } from "../../protocol/stanza-kit.ts";
import type { ConnectOptions, IqOutcome, PersonaHandle, PersonaSpec } from "../../target.ts";
import type { Trace } from "../../trace.ts";

export class SimPersona implements PersonaHandle {
  readonly received: Element[] = [];
  private session: SimSession | null = null;
  private iqSeq = 0;
  private closedByServer: { streamError?: string } | undefined;
  private readonly replies = new Map<string, Element>();

  constructor(
    private readonly spec: PersonaSpec,
    private readonly server: () => SimServer,
    private readonly clock: VirtualClock,
    private readonly trace: Trace,
  ) {}

  get name(): string {
    return this.spec.name;
  }
  get bareJid(): string {
    return `${this.spec.account}@${this.server().domain}`;
  }
  get fullJid(): string {
    return `${this.bareJid}/${this.spec.resource}`;
  }
  get connected(): boolean {
    return this.session?.state === "live";
  }

  get serverClosed(): { streamError?: string } | undefined {
    return this.closedByServer;
  }

  private live(action: string): SimSession {
    if (!this.session || this.session.state !== "live") throw new Error(`${this.name} cannot ${action}: not connected`);
    return this.session;
  }

  private readonly deliver = (el: Element): void => {
    this.received.push(el);
    this.trace.add("in", this.name, { xml: el.toString() });
    if (el.name === "iq" && (el.attrs.type === "result" || el.attrs.type === "error") && el.attrs.id)
      this.replies.set(el.attrs.id, el);
  };

  async connect(opts: ConnectOptions): Promise<void> {
    if (this.connected) throw new Error(`${this.name} is already connected`);
    const s = this.server().bind(this.spec.account, this.spec.resource, this.deliver);
    this.closedByServer = undefined;
    s.onServerClose = (streamError) => {
      this.closedByServer = streamError ? { streamError } : {};
      this.trace.add("note", this.name, { text: `the server closed the stream${streamError ? ` (stream error ${streamError})` : ""}` });
    };
    s.sm = opts.sm;
    s.carbons = opts.carbons;
    this.session = s;
    this.trace.add("note", this.name, { text: `connected (sm ${opts.sm ? "on" : "off"}, carbons ${opts.carbons ? "on" : "off"})` });
    if (opts.presence) await this.send(xml("presence"));
  }

  async iq(el: Element, timeoutMs: number): Promise<IqOutcome> {
    const s = this.live("send an iq");
    const id = (el.attrs.id ??= `${this.name}-iq${++this.iqSeq}`);
    this.trace.add("out", this.name, { xml: () => el.toString() });
    this.server().fromClient(s, el);
    this.clock.advanceTo(this.clock.now() + timeoutMs, () => this.replies.has(id));
    const reply = this.replies.get(id);
    this.replies.delete(id);
    if (!reply) return { type: "timeout" };
    if (reply.attrs.type === "result") return { type: "result", xml: reply.toString() };
    return { type: "error", ...iqErrorOutcome(reply), xml: reply.toString() };
  }

  async send(el: Element): Promise<void> {
    const s = this.live("send");
    this.trace.add("out", this.name, { xml: () => el.toString() });
    this.server().fromClient(s, el);
  }

  async disconnect(): Promise<void> {
    const s = this.live("disconnect");
    this.trace.add("note", this.name, { text: "closes the stream cleanly" });
    this.server().close(s);
  }

  async drop(): Promise<void> {
    const s = this.live("drop");
    this.trace.add("note", this.name, { text: "vanishes without closing the stream" });
    this.server().drop(s);
  }

  async resume(): Promise<boolean> {
    if (!this.session) throw new Error(`${this.name} cannot resume: never connected`);
    this.trace.add("note", this.name, { text: "reconnects and asks to resume" });
    const ok = this.server().resume(this.session, this.deliver);
    if (!ok) this.trace.add("note", this.name, { text: "resumption failed (session gone)" });
    return ok;
  }

  async setAcking(on: boolean): Promise<void> {
    const s = this.live(on ? "start acking" : "stop acking");
    this.trace.add("note", this.name, { text: on ? "answers ack requests again" : "stops answering ack requests" });
    this.server().setAcking(s, on);
  }

  async csi(state: "active" | "inactive"): Promise<void> {
    const s = this.live("send a CSI state");
    this.trace.add("out", this.name, { xml: `<${state} xmlns="urn:xmpp:csi:0"/>` });
    this.server().csi(s, state);
  }
}

// One client session inside the simulated server: XEP-0198 queue, acks, hibernation, CSI buffer.
import type { Element } from "@xmpp/xml";
import type { KeyedStanza, SessionView, TimerHandle } from "../../engine/ports.ts";

export type SessionState = "live" | "hibernated" | "closed";

export class SimSession {
  state: SessionState = "live";
  available = false; // sent initial presence
  carbons = false;
  sm = false;
  acking = true; // the client answers ack requests
  inactive = false; // CSI
  /** XEP-0198 unacknowledged outbound stanzas. */
  unacked: KeyedStanza[] = [];
  /** Stanzas held back while the client is inactive (never in the queue: R-HIB-* ignore them). */
  csiBuffer: KeyedStanza[] = [];
  awaitingAck = false;
  ackTimer?: TimerHandle;
  hibernationTimer?: TimerHandle;

  constructor(
    readonly id: string,
    readonly user: string,
    readonly resource: string,
    readonly fullJid: string,
    /** Where stanzas reach the client (the persona), while the link is up. */
    public deliverToClient: ((el: Element) => void) | null,
  ) {}

  /** Told when the server ends the stream (not the client): the stream error, if any. */
  onServerClose: ((streamError?: string) => void) | null = null;

  view(): SessionView {
    return { id: this.id, user: this.user, resource: this.resource, state: this.state === "hibernated" ? "hibernated" : "live" };
  }
}

// Sends iqs to the receiver and matches the answers by id, each wait bounded. An iq that is never
// answered becomes a "timeout" outcome (RFC 6120 §8.2.3: an iq set or get MUST be answered).
import { randomBytes } from "node:crypto";
import type { Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import type { ReceiverChannel } from "./channel.ts";

export interface StanzaErrorInfo {
  type: string; // auth | cancel | continue | modify | wait (RFC 6120 §8.3.2)
  condition: string; // e.g. item-not-found
  text?: string;
}

export type IqOutcome =
  | { kind: "result"; el: Element; ms: number }
  | { kind: "error"; el: Element; ms: number; error: StanzaErrorInfo }
  | { kind: "timeout"; ms: number }
  | { kind: "lost"; ms: number; reason: string }
  | { kind: "not-sent"; ms: number; reason: string };

/** The type and condition of an iq error reply. */
export function stanzaErrorOf(el: Element): StanzaErrorInfo {
  const err = el.getChild("error");
  const cond = err?.getChildElements().find((c) => c.attrs.xmlns === XMPP_NS.stanzaErrors && c.name !== "text");
  const text = err?.getChildText("text", XMPP_NS.stanzaErrors) ?? undefined;
  return { type: err?.attrs.type ?? "(none)", condition: cond?.name ?? "(none)", ...(text ? { text } : {}) };
}

export function describeOutcome(o: IqOutcome): string {
  switch (o.kind) {
    case "result":
      return "result";
    case "error":
      return `error ${o.error.type}/${o.error.condition}${o.error.text ? ` (${o.error.text})` : ""}`;
    case "timeout":
      return `no answer within ${o.ms} ms`;
    case "not-sent":
      return `not sent: ${o.reason}`;
    case "lost":
      return `no answer: ${o.reason}`;
  }
}

interface Pending {
  resolve(o: IqOutcome): void;
  start: number;
  timer: NodeJS.Timeout;
}

export class IqTracker {
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private readonly prefix = randomBytes(4).toString("hex");
  /** Answers whose id we no longer wait for (late, or answered twice). */
  late = 0;
  /** Ids answered, so a second answer to the same iq is counted as a duplicate. */
  private readonly answered = new Set<string>();
  duplicates = 0;

  constructor(private readonly channel: ReceiverChannel) {
    channel.onStanza((el) => this.onStanza(el));
    channel.onDown((why) => this.dropAll(why));
  }

  nextId(tag = "iq"): string {
    return `${tag}-${this.prefix}-${++this.seq}`;
  }

  /** Sends el (an iq with an id) and resolves with its outcome, within ms. */
  request(el: Element, ms: number): Promise<IqOutcome> {
    const id = el.attrs.id ?? this.nextId();
    el.attrs.id = id;
    const start = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ kind: "timeout", ms });
      }, ms);
      this.pending.set(id, { resolve, start, timer });
      try {
        this.channel.send(el);
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({ kind: "not-sent", ms: 0, reason: (e as Error).message });
      }
    });
  }

  private onStanza(el: Element): void {
    if (el.name !== "iq" || (el.attrs.type !== "result" && el.attrs.type !== "error")) return;
    const id = el.attrs.id ?? "";
    const p = this.pending.get(id);
    if (!p) {
      if (this.answered.has(id)) this.duplicates++;
      else this.late++;
      return;
    }
    this.pending.delete(id);
    this.answered.add(id);
    clearTimeout(p.timer);
    const ms = performance.now() - p.start;
    p.resolve(el.attrs.type === "result" ? { kind: "result", el, ms } : { kind: "error", el, ms, error: stanzaErrorOf(el) });
  }

  /** The link dropped: nothing still waiting will be answered. */
  private dropAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve({ kind: "lost", ms: performance.now() - p.start, reason });
    }
  }

  /** Gives up on everything still waiting (at the end of a run). */
  cancelAll(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ kind: "timeout", ms: performance.now() - p.start });
      this.pending.delete(id);
    }
  }
}

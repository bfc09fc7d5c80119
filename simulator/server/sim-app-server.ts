// The fake pubsub app server, in process: records every push with its virtual arrival time and
// answers as the scenario says (result by default, an error, silence, or a spoofed sender).
import { xml, type Element } from "@xmpp/xml";
import type { Clock } from "../../engine/ports.ts";
import type { AppBehaviour, AppServerHandle, PushRecord } from "../target.ts";
import { XMPP_NS } from "../protocol/ns.ts";
import type { Trace } from "../trace.ts";

export const APP_REPLY_LATENCY_MS = 2;

/** Which behaviour rule answers push number n (1-based) to node? Newest matching rule wins. */
export function pickBehaviour(rules: AppBehaviour[], n: number, node: string | undefined): AppBehaviour | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i]!;
    if (r.node !== undefined && r.node !== node) continue;
    if (r.pushes && (n < r.pushes[0] || n > r.pushes[1])) continue;
    return r;
  }
  return undefined;
}

/** The reply stanza for a push under a behaviour, or null for silence. */
export function replyFor(push: Element, rule: AppBehaviour | undefined, selfJid: string): Element | null {
  const reply = rule?.reply ?? "result";
  if (reply === "silence") return null;
  const from = rule?.from === "spoofed" ? `spoofed.${selfJid}` : selfJid;
  const attrs = { from, to: push.attrs.from, id: push.attrs.id };
  if (reply === "result") return xml("iq", { ...attrs, type: "result" });
  return xml(
    "iq",
    { ...attrs, type: "error" },
    xml("error", { type: reply.error.type }, xml(reply.error.condition, { xmlns: XMPP_NS.stanzaErrors })),
  );
}

export function pushNode(push: Element): string | undefined {
  return push.getChild("pubsub", XMPP_NS.pubsub)?.getChild("publish")?.attrs.node;
}

export class SimAppServer implements AppServerHandle {
  readonly pushes: PushRecord[] = [];
  private readonly rules: AppBehaviour[] = [];

  constructor(
    readonly name: string,
    readonly jid: string,
    private readonly clock: Clock,
    private readonly trace: Trace,
    private readonly answer: (el: Element) => void,
  ) {}

  behave(rule: AppBehaviour): void {
    this.rules.push(rule);
  }

  /** A stanza from the server. */
  receive(el: Element): void {
    const node = pushNode(el);
    const xmlText = el.toString();
    this.pushes.push({ t: this.clock.now(), id: el.attrs.id ?? "", from: el.attrs.from ?? "", to: el.attrs.to ?? "", node, xml: xmlText, el });
    this.trace.add("push", this.name, { text: `push #${this.pushes.length} to node ${node ?? "(none)"}`, xml: xmlText });
    const reply = replyFor(el, pickBehaviour(this.rules, this.pushes.length, node), this.jid);
    if (!reply) {
      this.trace.add("app-reply", this.name, { text: "no answer (silence)" });
      return;
    }
    this.clock.setTimer(APP_REPLY_LATENCY_MS, () => {
      this.trace.add("app-reply", this.name, { text: `answered ${reply.attrs.type}`, xml: reply.toString() });
      this.answer(reply);
    });
  }
}

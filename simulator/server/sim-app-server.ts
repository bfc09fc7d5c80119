// The fake pubsub app server, in process: records every push with its virtual arrival time and
// answers as the scenario says (result by default, an error, silence, or a spoofed sender).
// It stands with the checks, apart from the engine it judges: it reads pushes with the harness's
// own protocol module and imports nothing from engine/.
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { pushNode } from "../protocol/push-form.ts";
import type { AppBehaviour, AppServerHandle, PushRecord } from "../target.ts";
import type { Trace } from "../trace.ts";
import { storedPush } from "../push-record.ts";

/** The little of a clock the app server needs (the virtual clock provides it). */
export interface AppClock {
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
}

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
export function replyFor(push: Pick<Element, "attrs">, rule: AppBehaviour | undefined, selfJid: string): Element | null {
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

export class SimAppServer implements AppServerHandle {
  readonly pushes: PushRecord[] = [];
  private readonly rules: AppBehaviour[] = [];

  constructor(
    readonly name: string,
    readonly jid: string,
    private readonly clock: AppClock,
    private readonly trace: Trace,
    private readonly answer: (el: Element) => void,
  ) {}

  behave(rule: AppBehaviour): void {
    this.rules.push(rule);
  }

  /** A stanza from the server. */
  receive(el: Element): void {
    const node = pushNode(el);
    const record = storedPush(this.clock.now(), el, node);
    const xmlText = record.xml;
    this.pushes.push(record);
    this.trace.add("push", this.name, { text: `push #${this.pushes.length} to node ${node ?? "(none)"}`, xml: xmlText });
    const rule = pickBehaviour(this.rules, this.pushes.length, node);
    if ((rule?.reply ?? "result") === "silence") {
      this.trace.add("app-reply", this.name, { text: "no answer (silence)" });
      return;
    }
    // The reply is built when it is due: a flood keeps 100,000 of these timers at once, and each
    // should hold two strings, not a stanza.
    const { id, from } = el.attrs;
    this.clock.setTimer(APP_REPLY_LATENCY_MS + (rule?.delayMs ?? 0), () => {
      const reply = replyFor({ attrs: { id, from } }, rule, this.jid)!;
      this.trace.add("app-reply", this.name, { text: `answered ${reply.attrs.type}`, xml: () => reply.toString() });
      this.answer(reply);
    });
  }
}

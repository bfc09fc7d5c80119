// The fake app server of a load run: one component connection (ComponentLink) that answers
// every push with a result at once and records when it came, for which node and which message
// (the load host sends message bodies, and every body carries its message's number).
import { xml, type Element } from "@xmpp/xml";
import { ComponentLink } from "../wire/component-link.ts";

const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const BODY_PREFIX = "pushlab-load #";

export interface PushSeen {
  t: number; // performance.now() at arrival
  node: string;
  /** The message number from the push's body; undefined when there was no body of ours. */
  seq?: number;
  /** Send time (epoch ms) written by a sender that stamps its bodies (Tsung). */
  stampMs?: number;
  epochMs: number;
}

/** Message number and optional send stamp out of a body "pushlab-load #<seq>[@<epoch ms>]". */
export function parseBody(body: string | undefined): { seq?: number; stampMs?: number } {
  if (!body) return {};
  const at = body.indexOf(BODY_PREFIX);
  if (at < 0) return {};
  const m = /^(\d+)(?:@(\d+))?/.exec(body.slice(at + BODY_PREFIX.length));
  if (!m) return {};
  return { seq: Number(m[1]), ...(m[2] && { stampMs: Number(m[2]) }) };
}

function bodyOf(publish: Element): string | undefined {
  const form = publish.getChild("item")?.getChild("notification", "urn:xmpp:push:0")?.getChild("x", "jabber:x:data");
  const f = form?.getChildren("field").find((c) => c.attrs.var === "last-message-body");
  return f?.getChildText("value") ?? undefined;
}

export class AppRecorder {
  readonly pushes: PushSeen[] = [];
  /** Error stanzas the server sent to the component (e.g. a bounced reply). */
  errors = 0;
  private readonly link: ComponentLink;

  constructor(domain: string, secret: string, port: number, host = "127.0.0.1") {
    this.link = new ComponentLink(domain, secret, port, (el) => this.onStanza(el), host);
  }

  start(): Promise<void> {
    return this.link.start();
  }

  stop(): Promise<void> {
    return this.link.stop();
  }

  private onStanza(el: Element): void {
    const t = performance.now();
    if (el.attrs.type === "error") {
      this.errors++;
      return;
    }
    const publish = el.name === "iq" && el.attrs.type === "set" ? el.getChild("pubsub", NS_PUBSUB)?.getChild("publish") : undefined;
    if (!publish) return;
    this.pushes.push({ t, node: publish.attrs.node ?? "", ...parseBody(bodyOf(publish)), epochMs: Date.now() });
    this.link.send(xml("iq", { type: "result", id: el.attrs.id, to: el.attrs.from, from: el.attrs.to })).catch(() => {});
  }
}

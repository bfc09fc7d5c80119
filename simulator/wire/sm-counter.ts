// Our own XEP-0198 inbound counter ('h'). @xmpp/client 0.14.0 counts inbound stanzas in a
// middleware that runs after its iqCaller, and the iqCaller swallows the replies it awaits,
// so its 'h' misses those replies and the server keeps them unacked (→ extra pushes).
// We count every inbound stanza ourselves and put our 'h' into every <a/> and <resume/>.
import type { Element } from "@xmpp/xml";

export const NS_SM = "urn:xmpp:sm:3";
const STANZAS = new Set(["message", "presence", "iq"]);

export class SmCounter {
  /** Stanzas received since <enabled/> (kept across resumption, as the XEP says). */
  h = 0;
  /** True while a stream with stream management is up (after <enabled/> or <resumed/>). */
  active = false;
  /** Set once the server has enabled SM on some stream (resumption is possible). */
  everEnabled = false;
  /** The server's last 'h' (in <a/> or <resumed/>): how many of OUR stanzas it handled. */
  serverH: number | undefined;

  /** Feed every element received on the stream, in order, before anything else sees it. */
  inbound(el: Element): void {
    if (el.getNS() === NS_SM || el.attrs.xmlns === NS_SM) {
      if (el.name === "enabled") {
        this.h = 0;
        this.active = true;
        this.everEnabled = true;
      } else if (el.name === "resumed") {
        this.active = true;
        this.serverH = Number(el.attrs.h);
      } else if (el.name === "a") {
        this.serverH = Number(el.attrs.h);
      } else if (el.name === "failed") {
        this.active = false;
      }
      return;
    }
    if (this.active && STANZAS.has(el.name)) this.h += 1;
  }

  /** The link is gone; the count is kept for a later <resume h=…/>. */
  linkLost(): void {
    this.active = false;
  }

  /** Rewrites an outgoing <a/> or <resume/> so it carries our count. */
  outbound(el: Element): void {
    if (el.attrs.xmlns !== NS_SM) return;
    if (el.name === "a" || el.name === "resume") el.attrs.h = String(this.h);
  }
}

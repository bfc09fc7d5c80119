// Deliberately broken receivers: the reference receiver with one decision made wrong, and the
// receiver checks (rule ids) each of them must fail — no more, no fewer.
import type { ParsedPublish } from "../../simulator/receiver/reference/parse-publish.ts";
import type { ReceiverBehaviour } from "../../simulator/receiver/reference/receiver.ts";

export interface BrokenReceiver {
  name: string;
  behaviour: () => Partial<ReceiverBehaviour>;
  fails: string[];
}

/** Drops every publish beyond `max` within one second (a receiver that sheds load silently). */
function dropsAbove(max: number): () => boolean {
  const seen: number[] = [];
  return () => {
    const now = performance.now();
    while (seen.length && now - seen[0]! > 1_000) seen.shift();
    seen.push(now);
    return seen.length <= max;
  };
}

/** Shows a "preview": the last body it saw, even on publishes that carried none. */
function stalePreview(): (p: ParsedPublish) => string {
  let last: string | undefined;
  return (p) => {
    if (p.body) last = p.body.slice(0, 100);
    return last ?? "New message";
  };
}

export const BROKEN_RECEIVERS: BrokenReceiver[] = [
  { name: "ignores the secret", behaviour: () => ({ credentialsOk: () => true }), fails: ["R-RCV-SECRET"] },
  { name: "crashes on malformed input", behaviour: () => ({ onMalformed: () => "crash" }), fails: ["R-RCV-HOSTILE"] },
  { name: "drops bursts", behaviour: () => ({ admit: dropsAbove(200) }), fails: ["R-RCV-BURST"] },
  {
    name: "answers cancel when rate-limited",
    behaviour: () => ({ rateLimited: { type: "cancel", condition: "resource-constraint", text: "slow down" } }),
    fails: ["R-RCV-ERR-CONSEQUENCES"],
  },
  { name: "forwards body text it was not given", behaviour: () => ({ alert: stalePreview() }), fails: ["R-RCV-GW-NO-TEXT"] },
  // Beyond the five: the other checks that can be broken by one decision.
  { name: "calls itself pubsub/service in disco", behaviour: () => ({ identity: { category: "pubsub", type: "service" } }), fails: ["R-RCV-DISCO"] },
  {
    name: "makes every push important (high priority, 'New message' shown)",
    behaviour: () => ({ important: () => true, alert: () => "New message" }),
    fails: ["R-RCV-GW-NO-TEXT", "R-RCV-GW-PRIORITY"],
  },
  { name: "keeps forwarding to a device the push service unregistered", behaviour: () => ({ refuseUnregistered: false }), fails: ["R-RCV-GW-UNREGISTERED"] },
];

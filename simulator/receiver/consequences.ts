// What real servers do with a registration after the receiver's answer (measured on Prosody 0.12.3
// and ejabberd 23.01, ../shared/notes/receivers.md), and whether that fits the situation the
// publish was in. A receiver's error type is judged by this consequence, not by its name.
import type { IqOutcome } from "./iq-tracker.ts";

/** Prosody's mod_cloud_notify default for push_max_errors. */
export const PROSODY_MAX_ERRORS = 16;

/**
 * The situation a publish was in, from the receiver's point of view:
 * valid: nothing wrong with it (any error is about the receiver's own state, so it is transient);
 * transient: pushlab made the gateway fail for a moment (503) — retrying later can work;
 * permanent: the registration cannot work any more (wrong secret, unknown node, unregistered token,
 * malformed publish from that server) — the server should stop pushing to it.
 */
export type Situation = "valid" | "transient" | "permanent";

export interface Consequence {
  prosody: string;
  ejabberd: string;
}

export function consequenceOf(o: IqOutcome): Consequence {
  if (o.kind === "result") {
    return { prosody: "resets the registration's error count to 0", ejabberd: "nothing changes" };
  }
  if (o.kind !== "error") {
    return { prosody: "the push is lost and nothing is counted", ejabberd: "the push is lost and nothing is counted" };
  }
  if (o.error.type === "wait") {
    return { prosody: "keeps the registration (wait errors are not counted)", ejabberd: "keeps the registration (wait errors are only logged)" };
  }
  return {
    prosody: `counts 1 error; removes the registration at ${PROSODY_MAX_ERRORS} in a row without a result`,
    ejabberd: "disables this device at once (removes the registration)",
  };
}

/** Why an answer does not fit its situation, or undefined when it does. */
export function misjudged(o: IqOutcome, situation: Situation): string | undefined {
  if (o.kind !== "error") return undefined;
  const what = `${o.error.type}/${o.error.condition}`;
  if (situation !== "permanent" && o.error.type !== "wait") {
    const why = situation === "transient" ? "a transient gateway failure" : "a valid publish (any problem is the receiver's own, so transient)";
    return `'${what}' on ${why}: ejabberd disables this device at once; Prosody removes it after ${PROSODY_MAX_ERRORS} such answers. Use type 'wait' (e.g. wait/resource-constraint, wait/recipient-unavailable).`;
  }
  if (situation === "permanent" && o.error.type === "wait") {
    return `'${what}' on a publish that can never succeed: neither Prosody nor ejabberd ever removes the registration, so they push to a dead device forever. Use 'cancel' or 'auth' (e.g. cancel/item-not-found, auth/forbidden).`;
  }
  return undefined;
}

// Shared bits for the Prosody tests: availability, stanza builders, small waits.
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll } from "vitest";
import { createProsodyTarget, prosodyInstalled, type ProsodyTarget } from "../../simulator/targets/prosody/index.ts";
import { describeWithServer } from "../support/require-server.ts";
import type { PersonaSpec, WorldSpec, ScenarioOptions } from "../../simulator/target.ts";

export const PROSODY = prosodyInstalled();
export const PROSODY_HINT = "install prosody prosody-modules";

let seq = 0;
export function world(id: string, personas: string[], options: ScenarioOptions = {}, apps = ["push"]): WorldSpec {
  const specs: PersonaSpec[] = personas.map((name) => ({ name, account: name, resource: `${name}-res` }));
  return { scenarioId: `${id}-${++seq}`, options, personas: specs, apps: apps.map((name) => ({ name })), archive: true };
}

export function chat(to: string, body: string): Element {
  return xml("message", { to, type: "chat" }, xml("body", {}, body));
}

export function enableIq(jid: string, node: string, secret?: string): Element {
  const form = secret
    ? xml("x", { xmlns: "jabber:x:data", type: "submit" },
        xml("field", { var: "FORM_TYPE" }, xml("value", {}, "http://jabber.org/protocol/pubsub#publish-options")),
        xml("field", { var: "secret" }, xml("value", {}, secret)))
    : undefined;
  return xml("iq", { type: "set" }, xml("enable", { xmlns: "urn:xmpp:push:0", jid, node }, form));
}

/** Field values of a push's summary form, by var (the harness's one reader). */
export { summaryFields as formFields } from "../../simulator/protocol/push-form.ts";

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A suite with one harness-run Prosody, started before its tests and stopped after them. */
export function describeProsody(name: string, fn: (ctx: { target: ProsodyTarget }) => void): void {
  describeWithServer(name, PROSODY, PROSODY_HINT, () => {
    const ctx = {} as { target: ProsodyTarget };
    beforeAll(async () => {
      ctx.target = createProsodyTarget();
      await ctx.target.start();
    });
    afterAll(async () => {
      await ctx.target?.stop();
    });
    fn(ctx);
  });
}

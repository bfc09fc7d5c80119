// XEP-0050 ad-hoc commands of the reference receiver, p2 style: register-push-{fcm,apns,webpush}
// with fields token and device-id (one stage: a submitted form; or two: execute, then the form),
// answering a result form with jid, node, secret; unregister-push with device-id.
import { randomBytes } from "node:crypto";
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../../protocol/ns.ts";
import type { GatewayName } from "../gateways/recorder.ts";
import type { ErrorAnswer } from "./parse-publish.ts";
import type { Registry } from "./registry.ts";

export const REGISTER_COMMANDS: Record<string, GatewayName> = {
  "register-push-fcm": "fcm",
  "register-push-apns": "apns",
  "register-push-webpush": "webpush",
};
export const UNREGISTER_COMMAND = "unregister-push";

const field = (name: string, value?: string, attrs: Record<string, string> = {}) =>
  xml("field", { var: name, ...attrs }, ...(value === undefined ? [] : [xml("value", {}, value)]));

function submitted(cmd: Element): Map<string, string> | undefined {
  const x = cmd.getChild("x", XMPP_NS.dataForms);
  if (!x || (x.attrs.type !== "submit" && x.attrs.type !== undefined)) return undefined;
  return new Map(x.getChildren("field").map((f) => [f.attrs.var ?? "", f.getChildText("value") ?? ""]));
}

/** The commands as disco#items of node http://jabber.org/protocol/commands. */
export function commandItems(jid: string): Element[] {
  return [...Object.keys(REGISTER_COMMANDS), UNREGISTER_COMMAND].map((node) =>
    xml("item", { jid, node, name: node === UNREGISTER_COMMAND ? "Unregister a device" : `Register a ${REGISTER_COMMANDS[node]} device` }),
  );
}

export class AdhocCommands {
  private readonly sessions = new Map<string, string>(); // sessionid → command node (two-stage)

  constructor(
    private readonly registry: Registry,
    private readonly jid: string,
  ) {}

  /** The <command/> answer to an iq set, or an error. */
  handle(cmd: Element, from: string): Element | ErrorAnswer {
    const node = cmd.attrs.node ?? "";
    const owner = from.split("/")[0]!.toLowerCase();
    if (!(node in REGISTER_COMMANDS) && node !== UNREGISTER_COMMAND) return { type: "cancel", condition: "item-not-found", text: `no command '${node}'` };
    const action = cmd.attrs.action ?? "execute";
    const sessionid = cmd.attrs.sessionid ?? randomBytes(8).toString("hex");
    if (action === "cancel") {
      this.sessions.delete(sessionid);
      return xml("command", { xmlns: XMPP_NS.commands, node, sessionid, status: "canceled" });
    }
    const values = submitted(cmd);
    if (!values) {
      // Stage one: hand out the form to fill in.
      if (this.sessions.size > 10_000) this.sessions.clear(); // bound abandoned sessions
      this.sessions.set(sessionid, node);
      const fields = node === UNREGISTER_COMMAND ? [field("device-id", undefined, { type: "text-single" })] : [field("token", undefined, { type: "text-single" }), field("device-id", undefined, { type: "text-single" })];
      return xml(
        "command",
        { xmlns: XMPP_NS.commands, node, sessionid, status: "executing" },
        xml("actions", { execute: "complete" }, xml("complete")),
        xml("x", { xmlns: XMPP_NS.dataForms, type: "form" }, field("FORM_TYPE", XMPP_NS.commands, { type: "hidden" }), ...fields),
      );
    }
    this.sessions.delete(sessionid);
    const deviceId = values.get("device-id") ?? "";
    if (!deviceId) return { type: "modify", condition: "bad-request", text: "device-id is required" };
    if (node === UNREGISTER_COMMAND) {
      const n = this.registry.unregister(owner, deviceId);
      return xml("command", { xmlns: XMPP_NS.commands, node, sessionid, status: "completed" }, xml("note", { type: "info" }, `${n} device(s) removed`));
    }
    const token = values.get("token") ?? "";
    if (!token) return { type: "modify", condition: "bad-request", text: "token is required" };
    const d = this.registry.register(owner, deviceId, REGISTER_COMMANDS[node]!, token);
    return xml(
      "command",
      { xmlns: XMPP_NS.commands, node, sessionid, status: "completed" },
      xml("x", { xmlns: XMPP_NS.dataForms, type: "result" }, field("jid", this.jid), field("node", d.node), field("secret", d.secret)),
    );
  }
}

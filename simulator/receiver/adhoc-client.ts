// Registers a device with a receiver the way an app does, through its XEP-0050 ad-hoc command
// (p2 style: execute with a submitted form holding token and device-id; a receiver that answers
// 'executing' with a form gets the same fields submitted in a second stage). The completed
// command's form carries jid, node and secret.
import { xml, type Element } from "@xmpp/xml";
import { XMPP_NS } from "../protocol/ns.ts";
import { describeOutcome, type IqTracker } from "./iq-tracker.ts";

export interface RegistrationCommand {
  /** Command node; "{gateway}" is replaced, e.g. register-push-{gateway}. */
  node: string;
  /** Fields to submit; values may use {token}, {device} and {gateway}. */
  fields: Record<string, string>;
}

export const P2_STYLE: RegistrationCommand = { node: "register-push-{gateway}", fields: { token: "{token}", "device-id": "{device}" } };

export interface Registered {
  jid: string;
  node: string;
  secret: string;
}

export interface RegistrationStep {
  sent: string;
  answer: string;
}

const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

function form(fields: Record<string, string>): Element {
  return xml(
    "x",
    { xmlns: XMPP_NS.dataForms, type: "submit" },
    ...Object.entries(fields).map(([k, v]) => xml("field", { var: k }, xml("value", {}, v))),
  );
}

function resultFields(cmd: Element): Map<string, string> {
  const x = cmd.getChild("x", XMPP_NS.dataForms);
  return new Map((x?.getChildren("field") ?? []).map((f) => [f.attrs.var ?? "", f.getChildText("value") ?? ""]));
}

/** Runs the command; resolves with the registration or rejects with what went wrong. */
export async function registerByCommand(
  iq: IqTracker,
  from: string,
  to: string,
  cmd: RegistrationCommand,
  vars: Record<string, string>,
  timeoutMs: number,
  steps: RegistrationStep[] = [],
): Promise<Registered> {
  const node = fill(cmd.node, vars);
  const fields = Object.fromEntries(Object.entries(cmd.fields).map(([k, v]) => [k, fill(v, vars)]));
  let request = xml("iq", { type: "set", from, to, id: iq.nextId("adhoc") }, xml("command", { xmlns: XMPP_NS.commands, node, action: "execute" }, form(fields)));
  for (let stage = 1; stage <= 2; stage++) {
    const o = await iq.request(request, timeoutMs);
    steps.push({ sent: request.toString(), answer: o.kind === "result" || o.kind === "error" ? o.el.toString() : describeOutcome(o) });
    if (o.kind !== "result") throw new Error(`ad-hoc command '${node}': ${describeOutcome(o)}`);
    const answer = o.el.getChild("command", XMPP_NS.commands);
    if (!answer) throw new Error(`ad-hoc command '${node}': the result holds no <command/>`);
    const status = answer.attrs.status;
    if (status === "completed") {
      const f = resultFields(answer);
      const got = { jid: f.get("jid") || to, node: f.get("node") ?? "", secret: f.get("secret") ?? "" };
      if (!got.node) throw new Error(`ad-hoc command '${node}' completed without a node field`);
      return got;
    }
    if (status !== "executing" || stage === 2) throw new Error(`ad-hoc command '${node}': status '${status ?? "(none)"}' after stage ${stage}`);
    const sessionid = answer.attrs.sessionid;
    request = xml(
      "iq",
      { type: "set", from, to, id: iq.nextId("adhoc") },
      xml("command", { xmlns: XMPP_NS.commands, node, action: "complete", ...(sessionid && { sessionid }) }, form(fields)),
    );
  }
  throw new Error("unreachable");
}

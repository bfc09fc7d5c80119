// The scenario format as a JSON Schema, written once here: the loader validates with it, and
// scenarios/scenario.schema.json (for editors) is generated from it (`npm run schema`; a test
// keeps the file current). Options come from the option vocabulary, not a copy of it.
import { OPTION_NAMES, OPTIONS, type OptionDef } from "../options.ts";

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const str = (description?: string): Schema => ({ type: "string", ...(description && { description }) });
const bool = (description?: string): Schema => ({ type: "boolean", ...(description && { description }) });
const obj = (properties: Record<string, Schema>, required: string[] = [], description?: string): Schema => ({
  type: "object",
  additionalProperties: false,
  properties,
  ...(required.length > 0 && { required }),
  ...(description && { description }),
});
/** A step whose only argument may be a persona name: `drop: alice` or `drop: { persona: alice }`. */
const personaStep = (description: string, more: Record<string, Schema> = {}, required: string[] = []): Schema => ({
  description,
  anyOf: [{ type: "string", description: "persona name" }, obj({ persona: ref("persona"), ...more }, ["persona", ...required])],
});

function optionSchema(def: OptionDef): Schema {
  const description = `${def.doc} (default ${JSON.stringify(def.default)}; ${def.origin})`;
  switch (def.kind) {
    case "boolean":
      return { type: "boolean", description };
    case "string":
      return { type: "string", description };
    case "count":
      return { type: "integer", minimum: 1, description };
    case "seconds":
      return { type: "number", minimum: 0, description };
  }
}

const ERROR_TYPES = ["modify", "cancel", "wait", "auth", "continue"];

const definitions: Record<string, Schema> = {
  persona: str("A persona name from `personas`"),
  duration: {
    description: "A duration: '500ms', '5s', '2m', '72h', or a number of seconds",
    oneOf: [{ type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$" }, { type: "number", minimum: 0 }],
  },
  offset: {
    description: "A duration, or with a leading '-' one before the step began ('-400ms': a push the step before brought, which this check counts too)",
    oneOf: [{ type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?(ms|s|m|h)$" }, { type: "number", minimum: 0 }],
  },
  /** A text, or a generated one: { repeat: "ab", length: 300000 } (no megabyte YAML files). */
  text: {
    description: "A text, or a generated one: { repeat: TEXT, length: CHARACTERS }",
    oneOf: [{ type: "string" }, obj({ repeat: { type: "string", minLength: 1 }, length: { type: "integer", minimum: 0, maximum: 10_485_760 } }, ["repeat", "length"])],
  },
  fieldValue: { description: "A value, or 'absent' (no field or an empty one) / 'present' (non-empty)", type: ["string", "number"] },
  iqExpect: {
    description: "Expected iq reply: 'result', 'timeout', 'any', or { error: { type, condition, text } }",
    oneOf: [
      { enum: ["result", "timeout", "any"] },
      obj({ error: obj({ type: { enum: ERROR_TYPES }, condition: { type: "string", minLength: 1 }, text: str("the error's <text/>, exactly") }) }, ["error"]),
    ],
  },
  form: obj(
    {
      type: { enum: ["submit", "form", "result", "cancel"], description: "the form's type attribute (default submit)" },
      fields: {
        type: "object",
        description: "field var → value (or several values); FORM_TYPE is just a field here, so it may be missing or wrong",
        additionalProperties: { oneOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
      },
    },
    [],
    "A data form (XEP-0004) written out in full",
  ),
  pushMatch: obj(
    {
      to: str(),
      from: str(),
      node: str("the publish node; 'absent' for a publish without a node attribute"),
      notification: { enum: ["present", "absent"], description: "the item payload <notification xmlns='urn:xmpp:push:0'/> (XEP-0357 §7)" },
      "form-type": str(),
      "form-type-if-any": str("every data form inside the notification has this FORM_TYPE; a notification without a form is fine"),
      "form-kind": { enum: ["submit", "form"] },
      "message-count": ref("fieldValue"),
      sender: ref("fieldValue"),
      body: ref("fieldValue"),
      "publish-options": { oneOf: [{ const: "absent" }, { type: "object", additionalProperties: { type: "string" } }] },
      fields: { type: "object", additionalProperties: ref("fieldValue") },
    },
    [],
    "What a push must look like (subset match)",
  ),
  appReply: {
    oneOf: [{ enum: ["result", "silence"] }, obj({ error: obj({ type: { enum: ERROR_TYPES }, condition: { type: "string", minLength: 1 } }, ["type", "condition"]) }, ["error"])],
  },
};

const jidTarget = str("persona name (its account's bare JID), an app name, a JID or ${var}; ${domain} is the server");

const steps: Record<string, Schema> = {
  connect: personaStep("Connect a persona (presence, stream management on by default; carbons off)", { presence: bool(), sm: bool(), carbons: bool() }),
  enable: personaStep("Send <enable/> (XEP-0357)", {
    app: str(),
    node: str(),
    jid: str(),
    "omit-jid": bool(),
    "publish-options": { type: "object", additionalProperties: { type: "string" }, description: "fields of a publish-options form (FORM_TYPE added)" },
    "publish-options-form": ref("form"),
    expect: ref("iqExpect"),
  }),
  disable: personaStep("Send <disable/>", { app: str(), node: str(), jid: str(), "omit-jid": bool(), expect: ref("iqExpect") }),
  disco: personaStep("disco#info query (XEP-0030), by default on the account's bare JID", {
    to: jidTarget,
    "omit-to": bool("send the query without a 'to' (it goes to the server, RFC 6120 §10.3.3)"),
    "expect-features": { type: "array", items: { type: "string" } },
    "expect-no-features": { type: "array", items: { type: "string" } },
    "expect-identities": { type: "array", items: obj({ category: str(), type: str() }, ["category", "type"]) },
    expect: ref("iqExpect"),
  }),
  send: obj(
    {
      from: ref("persona"),
      to: str("persona name (bare JID of its account) or a JID / ${var}"),
      type: { enum: ["chat", "normal", "groupchat", "headline", "error"] },
      body: ref("text"),
      "no-body": bool("a message without any <body/> element"),
      subject: ref("text"),
      encrypted: { enum: ["omemo", "omemo-legacy", "pgp", "openpgp"] },
      "fallback-body": { oneOf: [ref("text"), { const: false }], description: "the encrypted message's body text, or false for no <body/> at all" },
      call: bool(),
      hint: { enum: ["store", "no-store", "no-permanent-store", "no-copy", "none"], description: "XEP-0334 hint (default: store for calls and encrypted messages)" },
      "chat-state": { enum: ["active", "composing", "paused", "inactive", "gone"] },
      receipt: bool(),
      marker: bool(),
      "store-hint": bool(),
      private: bool(),
      payload: str("raw XML children"),
      count: { type: "integer", minimum: 1, maximum: 100000 },
      every: ref("duration"),
    },
    ["from", "to"],
    "Send a message",
  ),
  stanza: obj({ persona: ref("persona"), xml: str(), expect: ref("iqExpect") }, ["persona", "xml"], "Send a raw stanza (iq replies can be checked)"),
  disconnect: personaStep("Close the stream cleanly"),
  drop: personaStep("Vanish without closing the stream (hibernation)"),
  resume: personaStep("Reconnect and resume", { expect: { enum: ["resumed", "failed"] } }),
  "stop-acking": personaStep("Stop answering XEP-0198 ack requests"),
  "start-acking": personaStep("Answer XEP-0198 ack requests again"),
  csi: obj({ persona: ref("persona"), state: { enum: ["active", "inactive"] } }, ["persona", "state"], "Client state indication"),
  wait: ref("duration"),
  app: obj(
    {
      name: str(),
      reply: ref("appReply"),
      delay: { ...ref("duration"), description: "answer this long after the push arrives" },
      node: str(),
      pushes: { type: "array", items: { type: "integer", minimum: 1 }, minItems: 2, maxItems: 2 },
      from: { enum: ["self", "spoofed"] },
    },
    ["reply"],
    "Tell the app server how to answer",
  ),
  "app-offline": { ...str("app server name"), description: "The app server's component disconnects from the server" },
  "app-online": { ...str("app server name"), description: "The app server's component connects again" },
  "remove-account": personaStep("The persona removes its own account (XEP-0077 <remove/>)", { expect: ref("iqExpect") }),
  restart: { const: true, description: "Restart the server (storage kept)" },
  store: obj({ "fail-writes": bool() }, ["fail-writes"], "Make registration storage fail"),
  ping: personaStep("Fire cloud-notify-ping for the persona's account", {
    registrations: { type: "array", items: obj({ app: str(), node: str() }) },
  }),
  "expect-pushes": obj(
    {
      app: str(),
      count: { type: "integer", minimum: 0, description: "exactly this many within the window (waits the whole window)" },
      "at-least": { type: "integer", minimum: 1, description: "at least this many (returns as soon as they arrived, unless an upper bound is given)" },
      "at-most": { type: "integer", minimum: 0 },
      within: ref("duration"),
      "not-before": ref("offset"),
      match: ref("pushMatch"),
      pushes: { type: "array", items: ref("pushMatch") },
      nodes: { type: "array", items: { type: "string" }, description: "the nodes of the pushes received in the window, in any order (a multiset): exactly these" },
    },
    [],
    "Check the pushes an app server received since its previous check",
  ),
  "expect-received": obj(
    { persona: ref("persona"), count: { type: "integer", minimum: 0 }, "at-least": { type: "integer", minimum: 0 }, contains: str() },
    ["persona"],
    "Check stanzas the persona received since its previous check",
  ),
  "expect-disconnect": personaStep(
    "Check that the server closed the persona's stream (within the window), with this stream error if given",
    { within: ref("duration"), "stream-error": str("the RFC 6120 §4.9.3 condition, e.g. policy-violation; 'none' for a close without one") },
  ),
};

definitions.step = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: { ...steps, note: str("Why this step is here (shown in the report)") },
};

export const SCENARIO_SCHEMA: Schema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://pushlab.invalid/scenario.schema.json",
  title: "pushlab scenario",
  description: "One XEP-0357 scenario: personas, steps and expectations, run against every target. Generated from simulator/scenario/schema.ts.",
  type: "object",
  additionalProperties: false,
  required: ["name", "rules", "personas", "steps"],
  properties: {
    name: { type: "string", minLength: 3 },
    rules: { type: "array", minItems: 1, items: { type: "string", pattern: "^R-[A-Z0-9-]+$" }, description: "rule ids from scenarios/rules.yaml, of one level" },
    description: str(),
    options: { type: "object", additionalProperties: false, properties: Object.fromEntries(OPTION_NAMES.map((n) => [n, optionSchema(OPTIONS[n])])) },
    archive: bool("Message archive (MAM) on; default true"),
    personas: {
      type: "object",
      minProperties: 1,
      additionalProperties: obj({ account: { type: "string", pattern: "^[a-z0-9._-]+$" }, resource: { type: "string", minLength: 1 } }),
    },
    apps: { type: "array", items: { type: "string", pattern: "^[a-z0-9-]+$" }, description: "App server names (default: [push])" },
    hooks: obj({
      "veto-registration": { type: "array", items: obj({ node: str(), error: obj({ type: { enum: ERROR_TYPES }, condition: { type: "string", minLength: 1 } }, ["type", "condition"]) }, ["error"]) },
      "veto-push": { type: "array", items: obj({ node: str(), reason: str() }, ["reason"]) },
    }),
    steps: { type: "array", minItems: 1, items: ref("step") },
  },
  definitions,
};

/** The step names, in the schema's order. */
export const STEP_NAMES = Object.keys(steps);

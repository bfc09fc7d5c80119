// The option vocabulary scenarios use: mod_cloud_notify's options (names and defaults from the
// seed), mod_smacks' two timers and our own two. The harness states it on its own (the engine
// under test has its own copy; test/options/vocabulary.test.ts keeps the two equal), and every
// target maps it in its capabilities. One default per option, the same on every target.
import type { OptionName, ScenarioOptions } from "./target.ts";

export type OptionKind = "boolean" | "string" | "count" | "seconds";
export type OptionOrigin = "mod_cloud_notify" | "mod_smacks" | "pushlab";

export interface OptionDef {
  kind: OptionKind;
  default: boolean | string | number;
  origin: OptionOrigin;
  doc: string;
}

export const OPTIONS: Record<OptionName, OptionDef> = {
  push_notification_with_body: { kind: "boolean", default: false, origin: "mod_cloud_notify", doc: "send the message body" },
  push_notification_with_sender: { kind: "boolean", default: false, origin: "mod_cloud_notify", doc: "send the sender JID" },
  push_max_errors: { kind: "count", default: 16, origin: "mod_cloud_notify", doc: "persistent (non-`wait`) errors before a registration is removed" },
  push_notification_important_body: { kind: "string", default: "New Message!", origin: "mod_cloud_notify", doc: "placeholder body for important stanzas; empty = none" },
  push_max_devices: { kind: "count", default: 5, origin: "mod_cloud_notify", doc: "registrations per user; the least recently enabled is evicted" },
  push_max_hibernation_timeout: { kind: "seconds", default: 259200, origin: "mod_cloud_notify", doc: "hibernation extension while push is on, until the first push that counts" },
  push_reply_timeout: { kind: "seconds", default: 120, origin: "pushlab", doc: "seconds before an unanswered push is forgotten (memory stays bounded)" },
  push_dedup_memory: { kind: "count", default: 4096, origin: "pushlab", doc: "stanza keys remembered per registration for de-duplication" },
  smacks_hibernation_time: { kind: "seconds", default: 600, origin: "mod_smacks", doc: "seconds a vanished XEP-0198 session is kept" },
  smacks_max_ack_delay: { kind: "seconds", default: 30, origin: "mod_smacks", doc: "seconds before an unanswered ack request counts as delayed" },
};

export const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/** A bad option value or name; `option` is the key to point the error at. */
export class ScenarioOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`option ${option}: ${message}`);
    this.name = "ScenarioOptionError";
  }
}

function show(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return Array.isArray(v) ? "a list" : "a mapping";
  return `${typeof v} ${String(v)}`;
}

/** Checks one value against the vocabulary; throws a ScenarioOptionError naming the option. */
export function checkOptionValue(name: string, value: unknown): boolean | string | number {
  const def = (OPTIONS as Record<string, OptionDef>)[name];
  if (!def) throw new ScenarioOptionError(name, `unknown option; known: ${OPTION_NAMES.join(", ")}`);
  switch (def.kind) {
    case "boolean":
      if (typeof value !== "boolean") throw new ScenarioOptionError(name, `expected true or false, got ${show(value)}`);
      return value;
    case "string":
      if (typeof value !== "string") throw new ScenarioOptionError(name, `expected a string, got ${show(value)}`);
      return value;
    case "count":
    case "seconds":
      if (typeof value !== "number" || !Number.isFinite(value)) throw new ScenarioOptionError(name, `expected a number, got ${show(value)}`);
      if (value < 0) throw new ScenarioOptionError(name, `must not be negative, got ${value}`);
      if (def.kind === "count" && (!Number.isInteger(value) || value < 1)) throw new ScenarioOptionError(name, `expected a whole number ≥ 1, got ${value}`);
      return value;
  }
}

/** Every option with the scenario's value or the default: what each target must configure. */
export function effectiveOptions(o: ScenarioOptions): Required<ScenarioOptions> {
  const out: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) out[name] = o[name] !== undefined ? checkOptionValue(name, o[name]) : OPTIONS[name].default;
  for (const name of Object.keys(o)) checkOptionValue(name, (o as Record<string, unknown>)[name]);
  return out as Required<ScenarioOptions>;
}

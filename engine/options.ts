// Every option of the seed (names and defaults as in mod_cloud_notify), plus our own two that fix
// the anchor's unbounded memory. Validation names the option in every error.

export interface PushOptions {
  /** Send the message body to the app server. */
  push_notification_with_body: boolean;
  /** Send the sender's JID to the app server. */
  push_notification_with_sender: boolean;
  /** Persistent (non-wait) errors tolerated before a registration is removed. */
  push_max_errors: number;
  /** Placeholder body for important stanzas; empty = none. */
  push_notification_important_body: string;
  /** Registrations per user; the least recently enabled is evicted. */
  push_max_devices: number;
  /** Seconds a push-enabled hibernated session is kept until the first push that counts. */
  push_max_hibernation_timeout: number;
  /** Ours: seconds to wait for the app server's reply before forgetting the push. */
  push_reply_timeout: number;
  /** Ours: stanza keys remembered per registration for de-duplication. */
  push_dedup_memory: number;
}

type Kind = "boolean" | "string" | "count" | "seconds";

export interface OptionSpec {
  kind: Kind;
  default: boolean | string | number;
}

// What each option means is said once, on PushOptions above (and in the README's table).
export const PUSH_OPTION_SPECS: Record<keyof PushOptions, OptionSpec> = {
  push_notification_with_body: { kind: "boolean", default: false },
  push_notification_with_sender: { kind: "boolean", default: false },
  push_max_errors: { kind: "count", default: 16 },
  push_notification_important_body: { kind: "string", default: "New Message!" },
  push_max_devices: { kind: "count", default: 5 },
  push_max_hibernation_timeout: { kind: "seconds", default: 72 * 3600 },
  push_reply_timeout: { kind: "seconds", default: 120 },
  push_dedup_memory: { kind: "count", default: 4096 },
};

export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`option ${option}: ${message}`);
    this.name = "OptionError";
  }
}

/** Checks one value against its spec; returns it or throws an OptionError naming the option. */
export function checkOption(name: string, spec: OptionSpec, value: unknown): boolean | string | number {
  switch (spec.kind) {
    case "boolean":
      if (typeof value !== "boolean") throw new OptionError(name, `expected true or false, got ${show(value)}`);
      return value;
    case "string":
      if (typeof value !== "string") throw new OptionError(name, `expected a string, got ${show(value)}`);
      return value;
    case "count":
    case "seconds": {
      if (!Number.isFinite(value)) throw new OptionError(name, `expected a number, got ${show(value)}`);
      const n = value as number;
      if (n < 0) throw new OptionError(name, `must not be negative, got ${n}`);
      if (spec.kind === "count" && (!Number.isInteger(n) || n < 1))
        throw new OptionError(name, `expected a whole number ≥ 1, got ${n}`);
      return n;
    }
  }
}

function show(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "object") return Array.isArray(v) ? "a list" : "a mapping";
  return `${typeof v} ${String(v)}`;
}

/** Fills defaults and validates. Unknown names are an error (a typo must not pass silently). */
export function resolvePushOptions(input: Record<string, unknown> = {}): PushOptions {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(PUSH_OPTION_SPECS)) {
    out[name] = input[name] === undefined ? spec.default : checkOption(name, spec, input[name]);
  }
  for (const name of Object.keys(input)) {
    if (!(name in PUSH_OPTION_SPECS)) throw new OptionError(name, "unknown option");
  }
  return out as unknown as PushOptions;
}

// `pushlab load` options: parsed, validated and bounded. Every loop of a load run is bounded in
// count and time by these caps; a value outside them is an error naming the option.
export const LOAD_MIXES = ["offline", "hibernated", "ack-delay"] as const;
export type LoadMix = (typeof LOAD_MIXES)[number];
export const LOAD_DRIVERS = ["native", "tsung"] as const;
export const LOAD_TARGET_NAMES = ["prosody", "ejabberd", "xmpp"] as const;
export const LOAD_STORAGE_NAMES = ["file", "sql"] as const;
export type LoadDriver = (typeof LOAD_DRIVERS)[number];

export const LIMITS = {
  users: { min: 1, max: 2_000 },
  rate: { min: 0.1, max: 5_000 }, // messages per second, all senders together
  duration: { min: 1, max: 600 }, // seconds of sending
  totalMessages: 200_000, // users × … never matters: rate × duration is what is sent
  senders: { min: 1, max: 50 },
  drain: { min: 0, max: 300 }, // seconds to wait for late pushes after the last message
} as const;

export interface LoadOptions {
  target: string;
  users: number;
  rate: number;
  duration: number;
  mix: LoadMix[];
  driver: LoadDriver;
  senders: number;
  drain: number;
  archive: boolean;
  /** Prosody only: files (default) or SQLite. */
  storage: (typeof LOAD_STORAGE_NAMES)[number];
  /** The server process to sample (--target xmpp; found by its listening port otherwise). */
  serverPid?: number;
  reportDir: string;
}

export class LoadOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`--${option}: ${message}`);
    this.name = "LoadOptionError";
  }
}

function number(name: string, raw: string | undefined, fallback: number, lim: { min: number; max: number }, integer: boolean): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v)) throw new LoadOptionError(name, `expected a number, got '${raw}'`);
  if (integer && !Number.isInteger(v)) throw new LoadOptionError(name, `expected a whole number, got ${raw}`);
  if (v < lim.min || v > lim.max) throw new LoadOptionError(name, `must be between ${lim.min} and ${lim.max}, got ${raw}`);
  return v;
}

export interface RawLoadOptions {
  target?: string;
  users?: string;
  rate?: string;
  duration?: string;
  mix?: string;
  driver?: string;
  senders?: string;
  drain?: string;
  archive?: string;
  storage?: string;
  "server-pid"?: string;
  "report-dir"?: string;
}

export function parseLoadOptions(raw: RawLoadOptions): LoadOptions {
  const target = raw.target ?? "prosody";
  if (!(LOAD_TARGET_NAMES as readonly string[]).includes(target)) throw new LoadOptionError("target", `unknown '${target}' (known: ${LOAD_TARGET_NAMES.join(", ")})`);
  const users = number("users", raw.users, 100, LIMITS.users, true);
  const rate = number("rate", raw.rate, 100, LIMITS.rate, false);
  const duration = number("duration", raw.duration, 10, LIMITS.duration, false);
  if (rate * duration > LIMITS.totalMessages) {
    throw new LoadOptionError("rate", `rate × duration = ${Math.round(rate * duration)} messages, more than the cap of ${LIMITS.totalMessages}`);
  }
  const mix = (raw.mix ?? "offline").split(",").map((s) => s.trim()).filter(Boolean);
  if (mix.length === 0) throw new LoadOptionError("mix", "name at least one of " + LOAD_MIXES.join(", "));
  for (const m of mix) if (!LOAD_MIXES.includes(m as LoadMix)) throw new LoadOptionError("mix", `unknown '${m}' (known: ${LOAD_MIXES.join(", ")})`);
  if (new Set(mix).size !== mix.length) throw new LoadOptionError("mix", "a kind is named twice");
  if (mix.length > users) throw new LoadOptionError("users", `${users} user(s) cannot cover ${mix.length} kinds of recipient`);
  const driver = raw.driver ?? "native";
  if (!LOAD_DRIVERS.includes(driver as LoadDriver)) throw new LoadOptionError("driver", `unknown '${driver}' (known: ${LOAD_DRIVERS.join(", ")})`);
  if (driver === "tsung" && mix.some((m) => m !== "offline")) {
    throw new LoadOptionError("mix", "the tsung driver sends to offline recipients only (Tsung's clients cannot hold a hibernated session or withhold acks)");
  }
  const senders = number("senders", raw.senders, Math.min(10, users), LIMITS.senders, true);
  // Long enough for a saturated server to work through its backlog; ends early when all came.
  const drain = number("drain", raw.drain, 60, LIMITS.drain, false);
  const storage = raw.storage ?? "file";
  if (!(LOAD_STORAGE_NAMES as readonly string[]).includes(storage)) throw new LoadOptionError("storage", `unknown '${storage}' (known: ${LOAD_STORAGE_NAMES.join(", ")})`);
  if (storage !== "file" && target !== "prosody") throw new LoadOptionError("storage", `only --target prosody has a storage choice (${target} keeps its own)`);
  let serverPid: number | undefined;
  if (raw["server-pid"] !== undefined) {
    if (target !== "xmpp") throw new LoadOptionError("server-pid", "only for --target xmpp (pushlab knows the servers it starts)");
    serverPid = number("server-pid", raw["server-pid"], 0, { min: 1, max: 2 ** 22 }, true);
  }
  const archive = raw.archive === undefined ? true : raw.archive === "on" ? true : raw.archive === "off" ? false : undefined;
  if (archive === undefined) throw new LoadOptionError("archive", `expected on or off, got '${raw.archive}'`);
  return {
    target,
    users,
    rate,
    duration,
    mix: mix as LoadMix[],
    driver: driver as LoadDriver,
    senders,
    drain,
    archive,
    storage: storage as LoadOptions["storage"],
    ...(serverPid !== undefined && { serverPid }),
    reportDir: raw["report-dir"] ?? "reports/out",
  };
}

/** Which kind of recipient user i is: the mix is dealt out in turn. */
export function mixOf(i: number, mix: LoadMix[]): LoadMix {
  return mix[i % mix.length]!;
}

// What the targets of harness-started servers (Prosody, ejabberd) share around their sessions:
// how many scenarios at once, account passwords and session tags, the servers of single
// sessions (worlds that restart or break the server) and a session that cleans up after a
// failed setup. The servers themselves differ too much to share more.
import { randomBytes } from "node:crypto";
import type { WorldSpec } from "../target.ts";
import { slug, type WireSession } from "./wire-session.ts";

/** Scenarios at once: the option, else a positive whole number in the environment variable, else the default. */
export function parallelismOf(given: number | undefined, envVar: string, fallback: number): number {
  if (given !== undefined) return given;
  const fromEnv = Number(process.env[envVar]);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** One password for every account of a target run, and a unique tag per session. */
export class SessionNaming {
  readonly password = randomBytes(9).toString("base64url");
  private seq = 0;

  /** Unique within the run, readable in logs: "12-R-OFFLINE-ki". */
  tag(world: WorldSpec): string {
    return `${++this.seq}-${slug(world.scenarioId, 12)}`;
  }
}

/** Servers of single sessions: each session stops its own on close; stopAll() catches any left over. */
export class DedicatedServers<D extends { readonly stopped: boolean; stop(): Promise<void> }> {
  private readonly all = new Set<D>();

  add(d: D): void {
    for (const old of this.all) if (old.stopped) this.all.delete(old);
    this.all.add(d);
  }

  /** Those still running (tests check their PIDs). */
  running(): D[] {
    return [...this.all].filter((d) => !d.stopped);
  }

  async stopAll(): Promise<void> {
    const left = [...this.all];
    this.all.clear();
    await Promise.allSettled(left.map((d) => d.stop()));
  }
}

/** Sets the session up; when that fails, closes it (accounts, links, its own server) and rethrows. */
export async function setUpOrClose(session: WireSession): Promise<WireSession> {
  try {
    await session.setup();
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

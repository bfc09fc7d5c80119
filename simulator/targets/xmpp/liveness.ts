// Does the server still answer? A process we did not start has no PID to watch, so we ask it:
// an XMPP ping (XEP-0199) from our component to the domain every second, bounded; when the
// component link is down, a TCP connect to the client port tells "gone" from "link lost".
// A frozen server still accepts TCP connections (the kernel does that), but answers no ping.
import { connect } from "node:net";
import { xml } from "@xmpp/client";
import type { AppGateway } from "../../wire/wire-app-server.ts";
import { wireLog } from "../../wire/log.ts";

const log = wireLog("xmpp-liveness");

export interface LivenessOptions {
  intervalMs: number;
  pingTimeoutMs: number;
  /** Consecutive failed probes before the server counts as not answering. */
  misses: number;
}

export const DEFAULT_LIVENESS: LivenessOptions = { intervalMs: 1_000, pingTimeoutMs: 5_000, misses: 2 };

/** Whether something accepts TCP connections on host:port within ms. */
export function tcpOpen(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

export class Liveness {
  private missed = 0;
  private lastProblem = "";
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly gateway: AppGateway,
    private readonly domain: string,
    private readonly c2s: { host: string; port: number },
    private readonly opts: LivenessOptions = DEFAULT_LIVENESS,
  ) {}

  get alive(): boolean {
    return this.missed < this.opts.misses;
  }

  /** Why the server counts as not answering (the last probe's problem). */
  get problem(): string {
    return this.lastProblem;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe().finally(() => this.schedule()), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One probe; exposed for tests. Resolves to whether the server answered. */
  async probe(): Promise<boolean> {
    const problem = await this.check();
    if (problem === undefined) {
      if (this.missed >= this.opts.misses) log.info({ domain: this.domain }, "server answers again");
      this.missed = 0;
      return true;
    }
    this.missed++;
    this.lastProblem = problem;
    if (this.missed === this.opts.misses) log.warn({ domain: this.domain, problem }, "server not answering");
    return false;
  }

  private async check(): Promise<string | undefined> {
    const { host, port } = this.c2s;
    if (!this.gateway.online) {
      const open = await tcpOpen(host, port, this.opts.pingTimeoutMs);
      return open
        ? `the component link of ${this.gateway.domain} is down (the client port ${host}:${port} still accepts connections)`
        : `nothing accepts connections on ${host}:${port} any more, and the component link is down`;
    }
    try {
      await this.gateway.request(xml("iq", { type: "get", to: this.domain, from: this.gateway.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), this.opts.pingTimeoutMs);
      return undefined; // a result or an error: either way the server answered
    } catch (e) {
      return `${this.domain} did not answer a ping within ${this.opts.pingTimeoutMs} ms (${(e as Error).message})`;
    }
  }
}

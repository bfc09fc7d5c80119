// Is the server still answering? A stopped (SIGSTOP) or frozen server keeps its ports open — the
// kernel still accepts connections — so only an application-level round trip tells. One ping
// per second; silence for SILENT_AFTER_MS makes the server "not answering", and every scenario
// waiting on it then fails at once with that reason instead of each running into its own timeouts.
import { wireLog } from "./log.ts";

const log = wireLog("liveness");

export const PING_EVERY_MS = 1_000;
export const SILENT_AFTER_MS = 10_000;

export interface LivenessOptions {
  everyMs?: number;
  silentAfterMs?: number;
}

export class Liveness {
  private lastAnswer = Date.now();
  private timer?: NodeJS.Timeout;
  private inFlight = false;
  private readonly everyMs: number;
  readonly silentAfterMs: number;

  /** ping resolves when the server answered (any answer counts), rejects or hangs otherwise. */
  constructor(
    private readonly label: string,
    private readonly ping: (timeoutMs: number) => Promise<void>,
    opts: LivenessOptions = {},
  ) {
    this.everyMs = opts.everyMs ?? PING_EVERY_MS;
    this.silentAfterMs = opts.silentAfterMs ?? SILENT_AFTER_MS;
  }

  start(): void {
    if (this.timer) return;
    this.lastAnswer = Date.now();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref(); // never what keeps the harness alive
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** ms since the last answer. */
  get silentForMs(): number {
    return Date.now() - this.lastAnswer;
  }

  /** False once the server has not answered for silentAfterMs. */
  get answering(): boolean {
    return !this.timer || this.silentForMs < this.silentAfterMs;
  }

  /** "not answering for 10 s", for error messages. */
  silenceNote(): string {
    return `not answering for ${Math.floor(this.silentForMs / 1000)} s (stopped or frozen?)`;
  }

  private tick(): void {
    if (this.inFlight) return; // the previous ping is still waiting: silence keeps growing
    this.inFlight = true;
    const wasAnswering = this.answering;
    this.ping(this.silentAfterMs).then(
      () => {
        this.lastAnswer = Date.now();
        if (!wasAnswering) log.warn({ server: this.label }, "server answers again");
      },
      (e: Error) => log.debug({ server: this.label, err: e.message }, "ping failed"),
    ).finally(() => {
      this.inFlight = false;
      if (wasAnswering && !this.answering) log.warn({ server: this.label, silentMs: this.silentForMs }, "server not answering");
    });
  }
}

// Runs `prosody -F --config FILE` as our child: waits (bounded) for its ports, reloads it by
// SIGHUP, and stops it by PID on stop(), on failure, on SIGINT/SIGTERM/SIGHUP and at process
// exit — and, through the watchdog process, even when the harness is killed by SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { canConnect } from "../../wire/ports.ts";
import { delay, pollUntil } from "../../wire/bounded.ts";
import { wireLog } from "../../wire/log.ts";
import { watchdog } from "../../wire/watchdog.ts";
import { SIGNAL_EXIT } from "../../exit-codes.ts";

const log = wireLog("prosody-process");

export const START_TIMEOUT_MS = 10_000;
export const STOP_TIMEOUT_MS = 5_000;
/** How long to wait for Prosody's log to confirm its ports (below info level it never does). */
const BIND_LOG_GRACE_MS = 1_000;

/** Children still alive, so exit/signal handlers can stop them by PID. */
const live = new Set<number>();
let handlersInstalled = false;

function killAll(signal: NodeJS.Signals): void {
  for (const pid of live) {
    try {
      process.kill(pid, signal);
    } catch {
      live.delete(pid); // already gone
    }
  }
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => killAll("SIGKILL"));
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      killAll("SIGKILL");
      // Keep the default behaviour (exit) unless someone else also handles the signal.
      if (process.listenerCount(sig) === 1) process.exit(SIGNAL_EXIT[sig]);
    };
    process.on(sig, onSignal);
  }
}

/** Prosody could not bind a port we chose for it (someone took it after our probe). */
export class PortTakenError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`Prosody could not listen on ${address}: address already in use (EADDRINUSE; Prosody says: ${reason})`);
    this.name = "PortTakenError";
  }
}

export class ProsodyProcess {
  private exited = false;
  private exitInfo = "";
  private output: string[] = [];
  private exitWaiters: (() => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString("utf8"));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    // Errors after the spawn (a pipe torn down, a failed kill) are logged, never fatal to Node.
    child.on("error", (e) => log.warn({ pid: child.pid, err: e.message }, "prosody process error"));
    child.stdout?.on("error", () => {});
    child.stderr?.on("error", () => {});
    child.on("exit", (code, signal) => {
      this.exited = true;
      this.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (child.pid) {
        live.delete(child.pid);
        watchdog().unwatch(child.pid);
      }
      log.debug({ pid: child.pid, code, signal }, "prosody exited");
      for (const w of this.exitWaiters.splice(0)) w();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Starts Prosody and resolves once all ports accept connections (bounded). */
  /** watchDirs: removed (with the process stopped) by the watchdog if the harness dies first. */
  static async start(configFile: string, logFile: string, ports: number[], timeoutMs = START_TIMEOUT_MS, watchDirs: string[] = []): Promise<ProsodyProcess> {
    installExitHandlers();
    const child = spawn("prosody", ["-F", "--config", configFile], { stdio: ["ignore", "pipe", "pipe"] });
    const proc = new ProsodyProcess(child, logFile);
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
    if (child.pid) {
      live.add(child.pid);
      watchdog().watch(child.pid, watchDirs);
    }
    log.debug({ pid: child.pid, configFile }, "prosody spawned");
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exited) throw new Error(`prosody exited during startup (${proc.exitInfo}): ${proc.tail()}`);
      const up = await Promise.all(ports.map(canConnect));
      if (up.every(Boolean)) {
        // Another program may have taken a port between our probe and Prosody's bind: then the
        // port answers, but not Prosody. Its log says so (a moment after the ports answer): fail
        // with the address and the reason.
        await pollUntil(() => !!proc.bindFailure() || proc.activated(ports), BIND_LOG_GRACE_MS);
        const failed = proc.bindFailure();
        if (failed) {
          await proc.stop();
          throw new PortTakenError(failed.address, failed.reason);
        }
        return proc;
      }
      if (Date.now() > end) {
        await proc.stop();
        throw new Error(`prosody did not open ports ${ports.join(", ")} within ${timeoutMs} ms: ${proc.tail()}`);
      }
      await delay(20);
    }
  }

  /** Asks Prosody to reread its config (SIGHUP). */
  reload(): void {
    if (this.exited) throw new Error(`prosody is not running (${this.exitInfo})`);
    process.kill(this.pid, "SIGHUP");
  }

  /** Resolves when the process has exited, or false after ms. */
  waitExit(ms: number): Promise<boolean> {
    if (this.exited) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(this.exited), ms);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** SIGTERM, then SIGKILL if it lingers; resolves once the PID is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      process.kill(this.pid, "SIGTERM");
      process.kill(this.pid, "SIGCONT"); // a stopped (SIGSTOP) server handles the SIGTERM only once continued
    } catch {
      /* already gone */
    }
    if (await this.waitExit(STOP_TIMEOUT_MS)) return;
    log.warn({ pid: this.pid }, "prosody ignored SIGTERM; killing");
    try {
      process.kill(this.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
    await this.waitExit(STOP_TIMEOUT_MS);
  }

  /** Whether Prosody's log says it listens on every one of ports (info level logs it). */
  activated(ports: number[]): boolean {
    const log = this.tail(200);
    return ports.every((p) => new RegExp(`Activated service '[^']+' on \\[[^\\]]+\\]:${p}\\b`).test(log));
  }

  /** A port Prosody could not listen on (from its log), if any. */
  bindFailure(): { address: string; reason: string } | undefined {
    const m = /Failed to open server port (\d+) on (\S+), (.*)/.exec(this.tail(200));
    return m ? { address: `${m[2]}:${m[1]}`, reason: m[3]!.trim() } : undefined;
  }

  /** Last lines of Prosody's console output and log file, for error messages. */
  tail(lines = 15): string {
    let text = this.output.join("");
    if (existsSync(this.logFile)) text += readFileSync(this.logFile, "utf8");
    return text.trim().split("\n").slice(-lines).join("\n");
  }
}

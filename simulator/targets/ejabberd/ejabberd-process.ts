// Runs `ejabberdctl --config-dir … --spool … --logs … foreground` as our child, as user ejabberd
// when we are root (ejabberdctl refuses other users), in a process group of its own. Waits
// (bounded) for the ports, stops the beam by its PID (SIGTERM: a clean Mnesia shutdown, so a
// restart finds its data), then the group by its id if anything lingers. Exit and signal handlers
// kill every group still alive. With ERL_DIST_PORT (see ejabberd-config.ts) no epmd is started.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { canConnect } from "../../wire/ports.ts";
import { delay } from "../../wire/bounded.ts";
import { wireLog } from "../../wire/log.ts";
import type { EjabberdLayout } from "./ejabberd-config.ts";
import { ejabberdctlPath, runAsUser } from "./install.ts";

const log = wireLog("ejabberd-process");

export const START_TIMEOUT_MS = 30_000; // ~1.3 s when the machine is idle; Erlang starts slowly under load
export const STOP_TIMEOUT_MS = 10_000;

/** Process groups still alive (their leader's PID), so exit/signal handlers can end them by id. */
const liveGroups = new Set<number>();
let handlersInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/** PIDs of the group's processes that are not zombies (a zombie waits for its parent, not us). */
export function liveMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function killAll(): void {
  for (const pgid of liveGroups) if (!killGroup(pgid, "SIGKILL")) liveGroups.delete(pgid);
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      killAll();
      // Keep the default behaviour (exit) unless someone else also handles the signal.
      if (process.listenerCount(sig) === 1) process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}

export class EjabberdProcess {
  private exited = false;
  private exitInfo = "";
  private readonly output: string[] = [];
  private partial = "";
  private readonly exitWaiters: (() => void)[] = [];
  private beam = -1;

  private constructor(
    private readonly child: ChildProcess,
    private readonly layout: EjabberdLayout,
    onLine: (line: string) => void,
  ) {
    // ejabberd in the foreground writes its log to stdout too: one line per event, at once.
    const keep = (chunk: Buffer) => {
      const text = this.partial + chunk.toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) {
        this.output.push(line);
        onLine(line);
      }
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", (code, signal) => {
      this.exited = true;
      this.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
      log.debug({ pid: child.pid, code, signal }, "ejabberdctl exited");
      for (const w of this.exitWaiters.splice(0)) w();
    });
  }

  /** PID of ejabberdctl (our child, leader of the process group). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** PID of the Erlang VM, from the pid file ejabberd writes at start (-1 before that). */
  get beamPid(): number {
    if (this.beam > 0) return this.beam;
    try {
      const n = Number(readFileSync(this.layout.pidFile, "utf8").trim());
      if (Number.isInteger(n) && n > 0) this.beam = n; // kept: the file goes with the temp dir
    } catch {
      /* not written yet */
    }
    return this.beam;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Starts ejabberd and resolves once every port accepts connections (bounded). */
  static async start(layout: EjabberdLayout, ports: number[], onLine: (line: string) => void, timeoutMs = START_TIMEOUT_MS): Promise<EjabberdProcess> {
    installExitHandlers();
    const user = runAsUser();
    const args = ["--config-dir", layout.configDir, "--spool", layout.spoolDir, "--logs", layout.logsDir, "foreground"];
    const child = spawn(ejabberdctlPath(), args, {
      cwd: layout.spoolDir,
      // HOME: Erlang keeps its cookie there; our spool, not the ejabberd user's home.
      env: { ...process.env, HOME: layout.spoolDir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // a process group of its own: a terminal's Ctrl-C does not reach it, we stop it
      ...(user && { uid: user.uid, gid: user.gid }),
    });
    const proc = new EjabberdProcess(child, layout, onLine);
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", reject);
    });
    if (child.pid) liveGroups.add(child.pid);
    log.debug({ pid: child.pid, dir: layout.dir }, "ejabberdctl spawned");
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exited) throw new Error(`ejabberd exited during startup (${proc.exitInfo}): ${proc.tail()}`);
      const up = await Promise.all(ports.map(canConnect));
      if (up.every(Boolean) && proc.beamPid > 0) return proc;
      if (Date.now() > end) {
        await proc.stop();
        throw new Error(`ejabberd did not open ports ${ports.join(", ")} within ${timeoutMs} ms: ${proc.tail()}`);
      }
      await delay(50);
    }
  }

  /** Resolves when ejabberdctl has exited (the beam with it), or false after ms. */
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

  /**
   * SIGTERM to the beam (Erlang stops cleanly, ~1 s), then SIGKILL to the whole group if it
   * lingers; resolves once no process of the group is left.
   */
  async stop(): Promise<void> {
    const pgid = this.pid;
    if (!this.exited) {
      const beam = this.beamPid;
      try {
        process.kill(beam > 0 ? beam : -pgid, "SIGTERM");
      } catch {
        /* already gone */
      }
      if (!(await this.waitExit(STOP_TIMEOUT_MS))) log.warn({ pid: beam }, "ejabberd ignored SIGTERM; killing its group");
    }
    // Anything left in the group (a beam whose ejabberdctl died first, port helpers): end it.
    if (killGroup(pgid, "SIGKILL")) await this.waitGroupGone(pgid);
    liveGroups.delete(pgid);
    // The group is gone; the child's exit event may still be on its way (seen under load in CI:
    // a restart found the old VM "running" right after it was killed). Let it arrive, bounded.
    if (!this.exited) await this.waitExit(STOP_TIMEOUT_MS);
  }

  private async waitGroupGone(pgid: number): Promise<void> {
    const end = Date.now() + STOP_TIMEOUT_MS;
    while (Date.now() < end && liveMembers(pgid).length > 0) await delay(20);
  }

  /** For tests: kill the VM hard, as if it crashed. */
  crash(): void {
    const beam = this.beamPid;
    if (beam > 0) process.kill(beam, "SIGKILL");
  }

  /** Last lines of ejabberd's console output (or its log file), for error messages. */
  tail(lines = 15): string {
    let text = this.output.join("\n");
    if (!text && existsSync(this.layout.logFile)) text = readFileSync(this.layout.logFile, "utf8");
    return text.trim().split("\n").slice(-lines).join("\n");
  }
}

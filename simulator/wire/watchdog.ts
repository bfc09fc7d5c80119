// Servers the harness starts die with the harness, even when the harness is killed by SIGKILL
// (no exit handler runs then). A small separate process holds one end of a pipe from us; when
// the pipe closes it stops every server PID we told it about and removes their temp dirs.
// Generic: any target registers its server processes (Prosody: prosody; ejabberd: beam.smp and
// epmd) with watch(pid, dirs) after spawning and unwatch(pid) after stopping them.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { wireLog } from "./log.ts";

const log = wireLog("watchdog");
const SCRIPT = fileURLToPath(new URL("./watchdog-process.mjs", import.meta.url));

export class Watchdog {
  private child?: ChildProcess;
  private failed = false;

  /** The watchdog process's PID (tests check it exits with us). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private ensure(): ChildProcess | undefined {
    if (this.child || this.failed) return this.child;
    if (process.env.PUSHLAB_WATCHDOG === "0") {
      this.failed = true;
      return undefined;
    }
    try {
      // detached: its own process group, so a Ctrl-C in the terminal reaches only the harness.
      const child = spawn(process.execPath, [SCRIPT], { stdio: ["pipe", "ignore", "inherit"], detached: true });
      child.on("error", (e) => {
        this.failed = true;
        log.warn({ err: e.message }, "watchdog process failed; servers will not be stopped if the harness is killed");
      });
      child.stdin!.on("error", () => {}); // the watchdog is gone: nothing to tell it any more
      child.unref(); // neither the process nor its pipe keeps the harness alive
      (child.stdin as unknown as { unref?: () => void }).unref?.();
      this.child = child;
    } catch (e) {
      this.failed = true;
      log.warn({ err: (e as Error).message }, "cannot start the watchdog process");
    }
    return this.child;
  }

  /** Stop pid (and remove dirs) if the harness dies before unwatch(pid). */
  watch(pid: number, dirs: string[] = []): void {
    this.ensure()?.stdin?.write(`watch ${pid} ${dirs.map((d) => encodeURIComponent(d)).join(" ")}\n`);
  }

  unwatch(pid: number): void {
    if (this.child) this.child.stdin?.write(`unwatch ${pid}\n`);
  }
}

let shared: Watchdog | undefined;

/** The harness's one watchdog (started on first use). */
export function watchdog(): Watchdog {
  return (shared ??= new Watchdog());
}

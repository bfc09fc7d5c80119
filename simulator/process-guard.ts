// How a harness run ends when something outside the scenarios ends it: SIGINT, SIGTERM and
// SIGHUP all stop the targets (bounded) and exit 128+signal; a vanished parent (the `npx` or
// shell that started us was killed) counts as SIGHUP; a crash of the harness itself writes
// what it can and exits 3. A closed stdout (`pushlab run | head`) is not a crash.
import { EXIT, SIGNAL_EXIT } from "./exit-codes.ts";
import { log } from "./log.ts";

export const STOP_TIMEOUT_MS = 5_000;
export const PARENT_CHECK_MS = 1_000;

export interface ProcessGuardOptions {
  /** Stops targets and closes files; bounded by STOP_TIMEOUT_MS. */
  stop: (why: string) => Promise<void>;
  /** After a crash: write what can be written (reports from the results log). Bounded likewise. */
  salvage: (err: Error) => Promise<void>;
  /** For tests: instead of process.exit. */
  exit?: (code: number) => void;
  /** How often to check that the parent is still there. */
  parentCheckMs?: number;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function bounded(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    p.then(
      () => (clearTimeout(t), resolve()),
      (e: Error) => {
        log().error({ err: e.message }, "cleanup failed");
        clearTimeout(t);
        resolve();
      },
    );
  });
}

export interface ProcessGuard {
  /** Removes the handlers (the run ended normally). */
  remove(): void;
  /** Set once a signal or a crash is ending the run: the caller must not exit on its own. */
  readonly ending: Promise<void> | undefined;
}

/** Installs the handlers. */
export function installProcessGuard(opts: ProcessGuardOptions): ProcessGuard {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let ending: Promise<void> | undefined;

  const endWith = (code: number, why: string, work: () => Promise<void>) => {
    if (ending) {
      // A second signal while stopping: go now (exit handlers still kill servers by PID).
      process.stderr.write(`pushlab: ${why} again; exiting now\n`);
      return exit(code);
    }
    process.stderr.write(`\npushlab: ${why}; stopping\n`);
    ending = bounded(work(), STOP_TIMEOUT_MS).then(() => exit(code));
  };

  const onSignal = (sig: (typeof SIGNALS)[number]) => () => endWith(SIGNAL_EXIT[sig], `${sig} received`, () => opts.stop(sig));
  const handlers = SIGNALS.map((sig) => [sig, onSignal(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);

  // Our parent may die without passing its signal on (npx does not): we are then re-parented.
  // PUSHLAB_PARENT_WATCH=0 keeps a deliberately detached run (nohup … &) going.
  const parent = process.ppid;
  const parentTimer = setInterval(() => {
    if (process.ppid !== parent) endWith(SIGNAL_EXIT.SIGHUP, `parent process ${parent} is gone`, () => opts.stop("parent gone"));
  }, opts.parentCheckMs ?? PARENT_CHECK_MS);
  parentTimer.unref();
  if (process.env.PUSHLAB_PARENT_WATCH === "0") clearInterval(parentTimer);

  const onCrash = (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`pushlab: the harness itself failed (reports incomplete): ${err.stack ?? err.message}\n`);
    endWith(EXIT.harnessFailed, "harness failure", async () => {
      await opts.stop("crash"); // first: nothing of the run still going may write over the salvage
      await opts.salvage(err);
    });
  };
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);

  // EPIPE on stdout/stderr (the reader went away): stop writing there, keep running.
  const onStreamError = (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") onCrash(e);
  };
  process.stdout.on("error", onStreamError);
  process.stderr.on("error", onStreamError);

  return {
    get ending() {
      return ending;
    },
    remove() {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
      clearInterval(parentTimer);
      process.removeListener("uncaughtException", onCrash);
      process.removeListener("unhandledRejection", onCrash);
      process.stdout.removeListener("error", onStreamError);
      process.stderr.removeListener("error", onStreamError);
    },
  };
}

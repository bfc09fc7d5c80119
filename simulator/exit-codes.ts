// The harness's exit codes, in one place (documented in docs/exit-codes.md). A script or CI job
// can tell "the server failed scenarios" (1) from "you called it wrong" (2) and from "the harness
// itself broke, the reports are incomplete" (3).
export const EXIT = {
  /** Every scenario passed (or showed its declared deviation, or was skipped). */
  ok: 0,
  /** At least one scenario failed or is broken; reports are complete. */
  scenariosFailed: 1,
  /** Usage or configuration error (bad arguments, unusable report dir, target not installed). */
  usage: 2,
  /** The harness itself failed (crash, a report that could not be written): reports incomplete. */
  harnessFailed: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Conventional 128 + signal number for a run stopped by a signal (Ctrl-C gives 130). */
export const SIGNAL_EXIT: Record<"SIGINT" | "SIGTERM" | "SIGHUP", number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** A usage or configuration error: the CLI prints the message and exits 2, before any run. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

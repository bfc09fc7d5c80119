// What counts as a crash rather than an assertion, shared by the setup file that tags failures
// and the script that reads Stryker's report.

/** Prefix given to the message of a test failure that was not an assertion. */
export const CRASH_TAG = "[crash";

/** Errors that come from expect(): a test saw a wrong value. Anything else is a crash. */
export function isAssertionName(name: string | undefined): boolean {
  return name === "AssertionError";
}

/** Does a Stryker statusReason (the killing test's first failure message) describe a crash? */
export function isCrashReason(reason: string | undefined): boolean {
  return typeof reason === "string" && reason.startsWith(CRASH_TAG);
}

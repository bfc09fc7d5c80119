// Vitest setup file (vitest.mutation.config.ts): when a test fails with an error that is not an
// assertion (a TypeError in test code, a harness error), its message gets a "[crash Name]" prefix.
// Stryker copies the first failure message into the report's statusReason, so
// scripts/mutation-crash-kills.ts can list the mutants that were "killed" only by a crash.
import { beforeEach } from "vitest";
import { CRASH_TAG, isAssertionName } from "./crash-rules.ts";

beforeEach(({ onTestFailed }) => {
  onTestFailed(({ task }) => {
    for (const e of task.result?.errors ?? []) {
      if (isAssertionName(e.name) || e.message?.startsWith(CRASH_TAG)) continue;
      e.message = `${CRASH_TAG} ${e.name ?? "Error"}] ${e.message ?? ""}`;
    }
  });
});

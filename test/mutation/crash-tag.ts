// Vitest setup file of the mutation run (vitest.mutation.config.ts). A test that fails with an
// error thrown outside an assertion (a TypeError in test code, a harness error) has crashed: it
// saw that something differs, not that a behaviour is wrong. So:
// - while Stryker runs a mutant (it provides mode = "mutant"), a crash does not count as a
//   failure: the test is marked passed, and the mutant is killed only if some test *asserts* a
//   wrong behaviour (otherwise it survives, and the test that crashed needs an assertion);
// - in every other run (Stryker's dry run, a plain vitest run), the crash fails the test with
//   its message tagged "[crash Name]", which scripts reading the report can recognise.
import { afterEach, inject } from "vitest";
import { CRASH_TAG, isAssertionName } from "./crash-rules.ts";

const mutantRun = inject("mode" as never) === "mutant";

afterEach(({ task }) => {
  const result = task.result;
  if (result?.state !== "fail" || !result.errors?.length) return;
  const crashes = result.errors.filter((e) => !isAssertionName(e.name));
  if (crashes.length < result.errors.length) return; // an assertion failed: a real verdict
  if (mutantRun) {
    result.state = "pass";
    result.errors = undefined;
    return;
  }
  for (const e of crashes) if (!e.message?.startsWith(CRASH_TAG)) e.message = `${CRASH_TAG} ${e.name ?? "Error"}] ${e.message ?? ""}`;
});

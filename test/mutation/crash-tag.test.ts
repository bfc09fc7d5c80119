// The mutation run's rule "no crash counts as a kill", run for real on a fixture: under a mutant a
// crashing test is not a failure (only the assertion fails); in any other run the crash fails,
// tagged so a report reader can tell it from an assertion.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function runFixture(mode: "mutant" | "dry-run"): Record<string, { state: string; message?: string }> {
  const out = spawnSync(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "-c", "test/mutation/fixtures/vitest.crash.config.ts", "--reporter=./test/mutation/fixtures/results.reporter.ts"],
    { encoding: "utf8", env: { ...process.env, PUSHLAB_FIXTURE_MODE: mode }, timeout: 60_000 },
  );
  const lines = out.stdout.split("\n").filter((l) => l.startsWith("RESULT "));
  return Object.fromEntries(lines.map((l) => JSON.parse(l.slice(7))).map((r) => [r.name, { state: r.state, message: r.message }]));
}

describe("crash-tag.ts (setup file of the mutation run)", () => {
  it("under a mutant, a crash is not a failure; an assertion is", () => {
    expect(runFixture("mutant")).toEqual({
      crashes: { state: "passed" },
      asserts: { state: "failed", message: "expected [ 'p1' ] to have a length of 2 but got 1" },
      passes: { state: "passed" },
    });
  });

  it("in any other run, a crash fails with its message tagged", () => {
    expect(runFixture("dry-run")).toEqual({
      crashes: { state: "failed", message: "[crash TypeError] Cannot read properties of undefined (reading 'attrs')" },
      asserts: { state: "failed", message: "expected [ 'p1' ] to have a length of 2 but got 1" },
      passes: { state: "passed" },
    });
  });
});

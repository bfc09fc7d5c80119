// The scenario suite alone on the engine target, for `npm run mutation:scenarios`: how many engine
// mutants the conformance suite catches by itself (what a new target is checked with), next to
// the full run's score with the unit tests.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/scenario/suite.test.ts"],
    setupFiles: ["test/mutation/crash-tag.ts"],
    testTimeout: 20_000,
  },
});

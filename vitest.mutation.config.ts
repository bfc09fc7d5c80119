// The tests StrykerJS runs against each engine mutant: the engine unit tests and the scenario
// suite on the engine target. Real servers, the browser, the property fuzzer and the option
// vocabulary check are left out: they are slow or check the harness, not engine behaviour. The
// 100k-push memory test is left out too: it is a load test (the same release rules are checked
// with a few pushes in timers.test.ts and registration-identity.test.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts", "test/scenario/suite.test.ts"],
    exclude: ["test/engine/pending-memory.test.ts"],
    // Marks a failure thrown outside an assertion, so a crash is never mistaken for a kill.
    setupFiles: ["test/mutation/crash-tag.ts"],
    testTimeout: 20_000,
  },
});

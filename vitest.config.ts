import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/support/slow-first.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most long files wait on real servers' timers, not on the CPU: on 2 cores vitest's default
    // (one worker) leaves the machine idle. Four files at a time, the long ones first
    // (test/support/slow-first.ts). `--maxWorkers N` overrides.
    maxWorkers: 4,
    sequence: { sequencer: SlowFirstSequencer },
  },
});

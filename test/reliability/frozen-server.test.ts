// Issue 10, point 1: a frozen server (SIGSTOP) loses nothing. Every scenario still waiting on it
// fails, bounded, with "not answering for 10 s"; the run ends with its reports written and exit 1;
// the server is stopped by PID at the end. (Was: at 55 s node died on an unhandled 'error'
// event — read ECONNRESET — with only a stack trace, exit 1, and no report at all.)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { cli, pidAlive, prosodyChildren, readJsonl, tempDir, until } from "./support.ts";

describeWithServer("a frozen Prosody", PROSODY, PROSODY_HINT, () => {
  it("gives bounded failures, ends the run with its reports, exit 1, and leaves nothing", async () => {
    const out = join(tempDir("frozen"), "out");
    // Hibernation scenarios wait on server timers for seconds: many are in flight at the freeze.
    const r = cli(["run", "scenarios/hibernation", "scenarios/offline", "--target", "prosody", "--report-dir", out]);
    let shared: { pid: number; dir: string } | undefined;
    expect(
      await until(() => {
        shared = prosodyChildren(r.child.pid!)[0];
        return !!shared && readJsonl(join(out, "results.jsonl")).some((l) => l.type === "result");
      }, 40_000),
    ).toBe(true);
    const frozen = shared!;
    process.kill(frozen.pid, "SIGSTOP");
    const t0 = Date.now();
    try {
      const end = await r.done;
      const ms = Date.now() - t0;
      expect(end.code).toBe(1);
      expect(ms).toBeLessThan(40_000); // 10 s of silence, then every waiting scenario fails at once
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
      const silent = report.scenarios.filter((s: { findings: { message: string }[] }) =>
        s.findings.some((f) => new RegExp(`Prosody \\(PID ${frozen.pid}\\) not answering for 1\\d s`).test(f.message)),
      );
      expect(silent.length).toBeGreaterThan(0);
      for (const s of report.scenarios) {
        expect(["passed", "deviation", "failed"]).toContain(s.verdict);
        for (const f of s.findings) expect(f.message).not.toMatch(/:\s*$/); // every failure says why
      }
      for (const f of ["junit.xml", "index.html"]) expect(existsSync(join(out, f))).toBe(true);
      expect(readJsonl(join(out, "results.jsonl")).at(-1)!.type).toBe("end");
      expect(r.out()).not.toMatch(/Unhandled 'error' event|ECONNRESET/);
      // Stopped by PID at the end, even though it was stopped (SIGSTOP) — and its dir removed.
      expect(await until(() => !pidAlive(frozen.pid) && !existsSync(frozen.dir), 5_000)).toBe(true);
    } finally {
      try {
        process.kill(frozen.pid, "SIGCONT");
        process.kill(frozen.pid, "SIGKILL");
      } catch {
        /* gone, as it should be */
      }
    }
  }, 60_000);
});

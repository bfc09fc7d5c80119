// Issue 10, point 4: how a Prosody run ends when it is stopped from outside. SIGINT, SIGTERM and
// SIGHUP: exit 130/143/129 at once, servers and temp dirs gone. The parent killed (npx does not
// pass SIGTERM on): the harness notices and stops. The harness SIGKILLed: the watchdog stops its
// servers and removes their dirs.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { BIN, cli, pidAlive, prosodyChildren, readJsonl, ROOT, tempDir, until } from "./support.ts";

const SCENARIOS = "scenarios/hibernation";

describeWithServer("stopping a Prosody run from outside", PROSODY, PROSODY_HINT, () => {
  const dir = tempDir("signals");

  /** Until the run has a server up and a first verdict printed; returns its servers. */
  async function midRun(pid: number, output: () => string) {
    const ok = await until(() => prosodyChildren(pid).length > 0 && /Running \d+ scenario runs? on prosody\n[.FdB-]/.test(output()), 40_000);
    expect(ok).toBe(true);
    return prosodyChildren(pid);
  }

  const gone = (servers: { pid: number; dir: string }[]) => () => servers.every((s) => !pidAlive(s.pid) && !existsSync(s.dir));

  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    it(`${sig}: exit ${code} at once, servers and their dirs gone`, async () => {
      const out = join(dir, sig);
      const r = cli(["run", SCENARIOS, "--target", "prosody", "--report-dir", out]);
      const servers = await midRun(r.child.pid!, r.out);
      const t0 = Date.now();
      r.child.kill(sig);
      const end = await r.done;
      expect(end.code).toBe(code);
      expect(Date.now() - t0).toBeLessThan(1_500);
      expect(await until(gone(servers), 3_000)).toBe(true);
      expect(readJsonl(join(out, "results.jsonl")).some((l) => l.type === "result")).toBe(true); // what was measured stays
    });
  }

  it("the parent killed by SIGTERM (npx): the harness notices, stops its servers and exits (was: ran on ~35 s)", async () => {
    const out = join(dir, "orphan");
    const parent = spawn(process.execPath, [join(ROOT, "test/reliability/fixtures/parent.mjs"), BIN, "run", SCENARIOS, "--target", "prosody", "--report-dir", out], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    parent.stdout!.on("data", (d: Buffer) => (text += d.toString()));
    expect(await until(() => text.includes("\n"), 15_000)).toBe(true);
    const harness = Number(text.split("\n")[0]); // then the harness's own output, on the same pipe
    try {
      const servers = await midRun(harness, () => text);
      const t0 = Date.now();
      parent.kill("SIGTERM");
      expect(await until(() => !pidAlive(harness), 5_000)).toBe(true);
      expect(await until(gone(servers), 5_000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(8_000);
    } finally {
      parent.kill("SIGKILL");
      try {
        process.kill(harness, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });

  it("the harness SIGKILLed: its servers stop and their dirs go (was: Prosody left listening with its temp dir)", async () => {
    const out = join(dir, "killed");
    const r = cli(["run", SCENARIOS, "--target", "prosody", "--report-dir", out]);
    const servers = await midRun(r.child.pid!, r.out);
    const t0 = Date.now();
    r.child.kill("SIGKILL");
    await r.done;
    expect(await until(gone(servers), 8_000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(readJsonl(join(out, "results.jsonl")).some((l) => l.type === "result")).toBe(true);
  });
});

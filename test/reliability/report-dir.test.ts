// Issue 10, point 2: report output is checked before the run; a reporter that fails makes the
// run exit 3 naming the file; the console lists only files that exist.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createReporters } from "../../reports/index.ts";
import type { Reporter } from "../../simulator/reporter.ts";
import { run } from "../../simulator/runner.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { CaptureStream } from "../support/capture-stream.ts";
import { cli, GOOD_SCENARIO, tempDir, until, writeScenario } from "./support.ts";

const dir = tempDir("report-dir");
const good = writeScenario(dir, "good.yaml", GOOD_SCENARIO);
const aFile = join(dir, "a-file");
writeFileSync(aFile, "not a directory\n");

describe("report dir checked before the run (exit 2, nothing run)", () => {
  const cases: [string, string, RegExp][] = [
    ["a file", aFile, /a-file: is a file, not a directory/],
    ["a path under a file", join(aFile, "sub"), /a-file is a file, so no directory can be made under it/],
    ["under /proc (Node's recursive mkdir never returns there)", "/proc/x", /under \/proc/],
    ["under /sys", "/sys/pushlab-x", /under \/sys/],
    ["a scenario file", good, /is a file, not a directory \(a scenario file\?/],
  ];
  for (const [what, reportDir, message] of cases) {
    it(`refuses ${what}`, async () => {
      const r = cli(["run", good, "--report-dir", reportDir]);
      const { code, ms } = await r.done;
      expect(r.out()).toMatch(message);
      expect(code).toBe(2);
      expect(r.out()).not.toMatch(/Running \d+ scenario/); // refused before anything ran
      expect(ms).toBeLessThan(15_000); // bounded (the /proc case used to hang forever)
    });
  }

  it("takes `run --report-dir good.yaml` for what it is, not for the default suite", async () => {
    const r = cli(["run", "--report-dir", good]);
    expect((await r.done).code).toBe(2);
    expect(r.out()).toMatch(/scenarios go before the options: pushlab run/);
  });

  it("refuses a dir its user cannot write (run as nobody)", async () => {
    if (process.getuid?.() !== 0) return; // needs root to switch user; CI runs as root
    const locked = join(dir, "root-only");
    mkdirSync(locked, { mode: 0o755 });
    chmodSync(dir, 0o755); // nobody may read the scenario, not write the report dir
    const r = cli(["run", good, "--report-dir", join(locked, "out")], { uid: 65534, gid: 65534, env: { HOME: dir } });
    expect((await r.done).code).toBe(2);
    expect(r.out()).toMatch(/cannot create .*root-only\/out: EACCES/);
  });
});

describe("a reporter that fails after the check", () => {
  it("names the file, and the console lists only the files written", async () => {
    const out = join(dir, "vanishing");
    mkdirSync(out);
    const errors: string[] = [];
    const console = new CaptureStream();
    // A reporter that runs before the file reporters' onEnd and turns the dir into a file.
    const saboteur: Reporter = { onEnd: () => void (rmSync(out, { recursive: true }), writeFileSync(out, "x")) };
    const reporters = [saboteur, ...createReporters({ reportDir: out, stream: console, progress: "none" })];
    await run({ paths: [good], targets: [createEngineTarget()], reporters, onReporterError: (e) => errors.push(e.message) });
    expect(errors).toHaveLength(3);
    for (const f of ["report.json", "junit.xml", "index.html"]) expect(errors.some((e) => e.startsWith(`${join(out, f)} not written:`))).toBe(true);
    expect(console.text).not.toMatch(/Reports:/); // nothing to list
  });

  it("makes the CLI exit 3 when the report dir becomes unwritable mid-run (run as nobody)", async () => {
    if (process.getuid?.() !== 0) return;
    const out = join(dir, "revoked");
    mkdirSync(out);
    chownSync(out, 65534, 65534);
    const flood = writeScenario(dir, "flood.yaml", GOOD_SCENARIO.replace('body: "hi" }', 'body: "hi", count: 20000 }').replace("count: 1, within: 2s", "at-least: 1, within: 2s"));
    chownSync(dir, 65534, 65534);
    const r = cli(["run", flood, "--report-dir", out], { uid: 65534, gid: 65534, env: { HOME: dir } });
    // results.jsonl is opened at the start (preflight passed); then the dir is taken away.
    expect(await until(() => existsSync(join(out, "results.jsonl")), 20_000, 5)).toBe(true);
    chownSync(out, 0, 0);
    chmodSync(out, 0o755);
    const { code } = await r.done;
    chownSync(dir, 0, 0);
    expect(r.out()).toMatch(/report .*report\.json not written: EACCES/);
    expect(r.out()).toMatch(/exit 3: reports incomplete/);
    expect(r.out()).not.toMatch(/Reports:\n/);
    expect(code).toBe(3);
    // What was measured is still there.
    expect(readFileSync(join(out, "results.jsonl"), "utf8")).toMatch(/"type":"result"/);
  });
});

// Issue 10, "Build": results are flushed as scenarios finish (results.jsonl), the reports can be
// rebuilt from it, and a crash of the harness itself still leaves what was measured (exit 3).
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rebuildReport } from "../../simulator/results-log.ts";
import { installProcessGuard } from "../../simulator/process-guard.ts";
import { cli, GOOD_SCENARIO, readJsonl, ROOT, tempDir, writeScenario } from "./support.ts";

const dir = tempDir("results");

describe("results.jsonl", () => {
  it("has one line per scenario run, and rebuilds the very report the run wrote", async () => {
    const out = join(dir, "suite");
    const r = cli(["run", "scenarios/offline", "scenarios/content", "--report-dir", out]);
    expect((await r.done).code).toBe(0);
    const lines = readJsonl(join(out, "results.jsonl"));
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(lines[0]!.type).toBe("begin");
    expect(lines.filter((l) => l.type === "result")).toHaveLength(report.scenarios.length);
    expect(lines.at(-1)!.type).toBe("end");
    const { report: rebuilt, complete } = rebuildReport(join(out, "results.jsonl"));
    expect(complete).toBe(true);
    expect(rebuilt.scenarios).toEqual(report.scenarios);
    expect(rebuilt.stats).toEqual(report.stats);
    expect(rebuilt.targets.map((t) => [t.name, t.stats])).toEqual(report.targets.map((t: { name: string; stats: unknown }) => [t.name, t.stats]));
    expect(rebuilt.durationMs).toBe(report.durationMs);
  });

  it("a log cut short (no end line, a half-written last line) gives what it holds, marked incomplete; `pushlab report` exits 3", async () => {
    const src = join(dir, "suite", "results.jsonl");
    const lines = readFileSync(src, "utf8").split("\n").filter(Boolean);
    const cut = join(dir, "cut.jsonl");
    writeFileSync(cut, [...lines.slice(0, 4), lines[4]!.slice(0, 40)].join("\n"));
    const { report, complete } = rebuildReport(cut);
    expect(complete).toBe(false);
    expect(report.scenarios).toHaveLength(2); // begin, target, 2 results, then half a line
    expect(String(report.options.incomplete)).toMatch(/^the harness stopped before the run ended: 2 of \d+ scenario runs recorded/);
    const r = cli(["report", cut, "--report-dir", join(dir, "rebuilt")]);
    expect((await r.done).code).toBe(3);
    expect(r.out()).toMatch(/reports \(incomplete\) written from/);
    expect(JSON.parse(readFileSync(join(dir, "rebuilt", "report.json"), "utf8")).options.incomplete).toBeTruthy();
    copyFileSync(src, join(dir, "whole.jsonl"));
    const whole = cli(["report", join(dir, "whole.jsonl")]);
    expect((await whole.done).code).toBe(0);
  });

  it("a crash of the harness mid-run writes the reports from the log and exits 3 (was: a stack trace, exit 1, no report)", async () => {
    const flood = (n: number) => writeScenario(dir, `flood${n}.yaml`, GOOD_SCENARIO.replace("good offline push", `flood ${n}`).replace('body: "hi" }', 'body: "hi", count: 5000 }').replace("count: 1, within: 2s", "at-least: 1, within: 2s"));
    const files = [1, 2, 3, 4].map(flood);
    const out = join(dir, "crash");
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/reliability/fixtures/crash-mid-run.ts"), out, ...files], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.stderr.on("data", (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(text).toMatch(/pushlab: the harness itself failed \(reports incomplete\): Error: injected harness failure/);
    expect(code).toBe(3);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.scenarios.length).toBeGreaterThanOrEqual(1);
    expect(report.options.incomplete).toMatch(/the harness stopped before the run ended/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toMatch(/<\/html>/);
  });
});

describe("process guard", () => {
  it("an uncaught error runs salvage, then exits 3", async () => {
    const calls: string[] = [];
    let exited: number | undefined;
    const guard = installProcessGuard({ stop: async () => void calls.push("stop"), salvage: async (e) => void calls.push(`salvage ${e.message}`), exit: (c) => void (exited = c) });
    try {
      process.emit("uncaughtException", new Error("boom"));
      await new Promise((r) => setTimeout(r, 50));
      expect(calls).toEqual(["stop", "salvage boom"]);
      expect(exited).toBe(3);
    } finally {
      guard.remove();
    }
  });

  it("a closed stdout (pushlab run | head) is not a crash", async () => {
    const r = spawn("sh", ["-c", `node ${join(ROOT, "bin/pushlab.js")} run scenarios --report-dir ${join(dir, "epipe")} | head -c 10 > /dev/null; echo "exit \${PIPESTATUS:-$?}"`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    r.stdout.on("data", (d: Buffer) => (text += d.toString()));
    r.stderr.on("data", (d: Buffer) => (text += d.toString()));
    await new Promise((resolve) => r.once("exit", resolve));
    expect(text).not.toMatch(/Unhandled 'error' event|EPIPE/);
    expect(JSON.parse(readFileSync(join(dir, "epipe", "report.json"), "utf8")).scenarios.length).toBeGreaterThan(50);
  });
});

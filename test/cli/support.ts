// Helpers of the CLI tests: a small suite whose outcome on the engine is known — one scenario that
// passes, one that fails, one declared deviation and one stale declaration — with the engine
// expectation file that makes them so; and reading a run's report.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunReport } from "../../simulator/results.ts";

const scenario = (name: string, count: number) => `name: ${name}
rules: [R-OFFLINE]
personas:
  alice: { resource: phone }
  bob: {}
steps:
  - connect: alice
  - enable: { persona: alice, node: n1 }
  - disconnect: alice
  - connect: bob
  - send: { from: bob, to: alice, body: "hi" }
  - expect-pushes: { count: ${count}, within: 2s }
`;

/** The engine pushes once for one offline message: count 1 holds, count 2 does not. */
export const FIXTURE_SCENARIOS: Record<string, string> = {
  "pass.yaml": scenario("cli-pass one offline message is pushed once", 1),
  "fail.yaml": scenario("cli-fail expects two pushes where one is sent", 2),
  "deviation.yaml": scenario("cli-deviation expects two pushes, one declared for the engine", 2),
  "stale.yaml": scenario("cli-stale expects one push, two declared for the engine", 1),
};

export const FIXTURE_EXPECTATIONS = `target: engine
observed-on: ["pushlab engine (CLI test fixture)"]
scenarios:
  cli/deviation:
    steps:
      6:
        reason: "declared for the CLI tests: one push instead of two"
        instead: { count: 1 }
  cli/stale:
    steps:
      6:
        reason: "declared for the CLI tests: two pushes, which the engine does not send"
        instead: { count: 2 }
`;

/** Writes DIR/scenarios/cli/*.yaml and DIR/engine-expectations.yaml; returns their paths. */
export function writeFixtureSuite(dir: string, which: string[] = Object.keys(FIXTURE_SCENARIOS)): { scenarios: string; expectations: string } {
  const folder = join(dir, "scenarios", "cli");
  mkdirSync(folder, { recursive: true });
  for (const f of which) writeFileSync(join(folder, f), FIXTURE_SCENARIOS[f]!);
  const expectations = join(dir, "engine-expectations.yaml");
  writeFileSync(expectations, FIXTURE_EXPECTATIONS);
  return { scenarios: folder, expectations };
}

export function readReport(file: string): RunReport {
  return JSON.parse(readFileSync(file, "utf8")) as RunReport;
}

/** target › id → verdict, for comparing runs. */
export function verdicts(r: RunReport): Record<string, string> {
  return Object.fromEntries(r.scenarios.map((s) => [`${s.target} › ${s.key ?? s.id}`, s.verdict]));
}

export const BIN = fileURLToPath(new URL("../../bin/pushlab.js", import.meta.url));
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `pushlab ARGS` as a child process (cwd: the project root unless given), stdout and stderr apart. */
export function pushlab(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`pushlab ${args.join(" ")}: no exit within ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temp dir, removed when the process exits. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pushlab-cli-${name}-`));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Shared helpers for the reliability suite: the CLI as a child process (a black box, as a user
// or CI runs it), process and directory checks, small scenario files.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The CLI under test; PUSHLAB_RELIABILITY_BIN points the suite at another checkout (e.g. the code before the fixes). */
export const BIN = process.env.PUSHLAB_RELIABILITY_BIN ?? join(ROOT, "bin/pushlab.js");

export interface CliRun {
  child: ChildProcess;
  out: () => string; // stdout + stderr so far
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Starts `pushlab ARGS` (cwd: the project root unless given); the run is killed if the test ends first. */
export function cli(args: string[], opts: SpawnOptions & { env?: NodeJS.ProcessEnv } = {}): CliRun {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], ...opts, env: { ...process.env, ...opts.env } });
  let text = "";
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, ms: Date.now() - t0 })),
  );
  live.add(child);
  void done.then(() => live.delete(child));
  return { child, out: () => text, done };
}

const live = new Set<ChildProcess>();
afterAll(() => {
  for (const c of live) c.kill("SIGKILL");
});

/** Alive and not a zombie (a dead child not yet reaped still answers kill(pid, 0)). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Children of pid with their command lines (from /proc). */
export function childrenOf(pid: number): { pid: number; args: string }[] {
  const out: { pid: number; args: string }[] = [];
  for (const entry of safeReaddir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push({ pid: Number(entry), args: readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim() });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Prosody processes started by the harness pid, with their temp dirs. */
export function prosodyChildren(pid: number): { pid: number; dir: string }[] {
  return childrenOf(pid)
    .filter((c) => /prosody -F --config/.test(c.args))
    .map((c) => ({ pid: c.pid, dir: /--config (\S+)\/prosody\.cfg\.lua/.exec(c.args)?.[1] ?? "" }));
}

export async function until(pred: () => boolean, ms: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return pred();
}

const dirs = new Set<string>();
const removeDirs = () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
};
afterAll(removeDirs);
process.on("exit", removeDirs); // also when the suite's tests were filtered out

/** A temp dir removed after the file's tests (call it anywhere, inside a test too). */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pushlab-rel-${tag}-`));
  dirs.add(dir);
  return dir;
}

export function writeScenario(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

/** A small scenario that passes on every target. */
export const GOOD_SCENARIO = `name: good offline push
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
  - expect-pushes: { count: 1, within: 2s }
`;

export function readJsonl(path: string): { type: string; [k: string]: unknown }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
}

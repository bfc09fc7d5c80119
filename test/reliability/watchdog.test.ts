// Issue 10, point 4 (generic part): a server process the harness started dies with the harness
// even when the harness is killed by SIGKILL, and its temp dir goes with it.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pidAlive, ROOT, until } from "./support.ts";

const FIXTURE = join(ROOT, "test/reliability/fixtures/watch-and-wait.ts");
const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

async function startFixture(mode?: string) {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, ...(mode ? [mode] : [])], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  expect(await until(() => out.includes("\n"), 15_000)).toBe(true);
  const [server, dog, ...dirParts] = out.trim().split(" ");
  const dir = dirParts.join(" ");
  cleanup.push(() => {
    child.kill("SIGKILL");
    for (const p of [server, dog]) {
      try {
        process.kill(Number(p), "SIGKILL");
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return { child, server: Number(server), dog: Number(dog), dir };
}

describe("watchdog", () => {
  it("stops the watched server and removes its dir when the harness is SIGKILLed", async () => {
    const f = await startFixture();
    expect(pidAlive(f.server) && pidAlive(f.dog) && existsSync(f.dir)).toBe(true);
    const t0 = Date.now();
    f.child.kill("SIGKILL"); // no exit handler can run
    expect(await until(() => !pidAlive(f.server) && !existsSync(f.dir) && !pidAlive(f.dog), 8_000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(8_000);
  });

  it("leaves alone what was unwatched, and exits with the harness", async () => {
    const f = await startFixture("unwatch");
    const exited = await new Promise<number | null>((resolve) => f.child.once("exit", resolve));
    expect(exited).toBe(0);
    expect(await until(() => !pidAlive(f.dog), 5_000)).toBe(true);
    expect(existsSync(f.dir)).toBe(true); // not ours to remove any more
    rmSync(f.dir, { recursive: true, force: true });
  });
});

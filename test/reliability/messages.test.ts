// Issue 10, point 6: socket errors carry the address and the code; a port taken between our
// probe and Prosody's bind is named as such; every command (the fuzz CLI too) says what is
// wrong with its arguments and exits 2.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ComponentLink } from "../../simulator/wire/component-link.ts";
import { describeSocketError } from "../../simulator/wire/socket-errors.ts";
import { freePorts } from "../../simulator/wire/ports.ts";
import { layoutIn, writeConfig } from "../../simulator/targets/prosody/prosody-config.ts";
import { PortTakenError, ProsodyProcess } from "../../simulator/targets/prosody/prosody-process.ts";
import { hostFor } from "../../simulator/targets/prosody/option-hosts.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { cli, GOOD_SCENARIO, ROOT, tempDir, writeScenario } from "./support.ts";

const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

/** A program on a loopback port that accepts and hangs up at once (not an XMPP server). */
async function squatter(): Promise<number> {
  const srv = createServer((s) => s.destroy());
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return (srv.address() as { port: number }).port;
}

describe("socket error messages", () => {
  it("a refused connection names address and code", async () => {
    const [port] = await freePorts(1);
    const link = new ComponentLink("push.localhost", "secret", port!, () => {});
    await expect(link.start()).rejects.toThrow(`component push.localhost could not connect: 127.0.0.1:${port}: refused the connection (ECONNREFUSED)`);
  });

  it("a port held by another program is not an empty reason (was: 'could not connect: ')", async () => {
    const port = await squatter();
    const link = new ComponentLink("push.localhost", "secret", port, () => {});
    await expect(link.start()).rejects.toThrow(`127.0.0.1:${port}: closed the connection before the stream opened (another program on this port?)`);
  });

  it("describes errors without a message or with a wrapped one", () => {
    expect(describeSocketError(Object.assign(new Error(""), { code: "EADDRINUSE" }), "127.0.0.1:5222")).toBe("127.0.0.1:5222: address already in use (EADDRINUSE)");
    const agg = new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })], "");
    expect(describeSocketError(agg, "127.0.0.1:1")).toBe("127.0.0.1:1: refused the connection (ECONNREFUSED)");
    expect(describeSocketError(new Error(""), "127.0.0.1:1")).toMatch(/^127\.0\.0\.1:1: connection closed by the other side without a reason/);
    expect(describeSocketError(Object.assign(new Error(""), { name: "TimeoutError" }), "127.0.0.1:1")).toBe("127.0.0.1:1: no answer in time (the server is slow, frozen or not an XMPP server)");
  });
});

describeWithServer("a port taken before Prosody binds it", PROSODY, PROSODY_HINT, () => {
  it("fails with the address and EADDRINUSE, not with a component that cannot connect", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pushlab-rel-port-"));
    try {
      const [c2s] = await freePorts(1);
      const comp = await squatter(); // someone took the component port after our probe
      const layout = layoutIn(dir);
      writeConfig({ layout, c2sPort: c2s!, componentPort: comp, hosts: [hostFor({ options: {}, archive: true })], components: [{ domain: "push.localhost", secret: "s" }], controller: "control.localhost", logLevel: "info" });
      const err = await ProsodyProcess.start(layout.configFile, layout.logFile, [c2s!, comp]).catch((e: Error) => e);
      expect(err).toBeInstanceOf(PortTakenError);
      expect((err as Error).message).toMatch(new RegExp(`^Prosody could not listen on 127\\.0\\.0\\.1:${comp}: address already in use \\(EADDRINUSE; Prosody says: this port is in use by another application\\)$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("argument errors, every command", () => {
  const dir = tempDir("args");
  const good = writeScenario(dir, "good.yaml", GOOD_SCENARIO);
  const cases: [string[], RegExp][] = [
    [["bogus"], /unknown command 'bogus'; commands: run, validate, list, report/],
    [["run", good, "--frob"], /unknown option --frob for 'pushlab run' \(pushlab run --help lists the options\)/], // was Node's raw parseArgs text
    [["run", good, "--target", ""], /--target needs a value/],
    [["run", good, "--target", ","], /--target: give at least one target/],
    [["run", good, "--target", "nope"], /unknown target 'nope'; known: engine, prosody/],
    [["run", good, "--format", "pdf"], /--format: unknown pdf; known: console, json, junit, html/],
    [["run", join(dir, "missing.yaml")], /no such file or directory: .*missing\.yaml/],
    [["run", good, "--report-dir", join(dir, "new.yaml")], /that is a scenario file name/],
    [["validate", good, "--target", "prosody"], /--target does not apply to 'validate'/],
    [["list", good, "--report-dir", dir], /--report-dir does not apply to 'list'/],
    [["report"], /report takes one results\.jsonl file/],
    [["report", good], /good\.yaml:1: not a JSON line/],
  ];
  for (const [args, message] of cases) {
    it(`pushlab ${args.map((a) => a.replace(dir, "…")).join(" ")} → exit 2`, async () => {
      const r = cli(args);
      const { code } = await r.done;
      expect(r.out()).toMatch(message);
      expect(r.out()).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(code).toBe(2);
    });
  }
});

describe("fuzz CLI arguments", () => {
  const fuzz = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/property/fuzz-cli.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      c.stdout.on("data", (d: Buffer) => (out += d.toString()));
      c.stderr.on("data", (d: Buffer) => (out += d.toString()));
      c.once("exit", (code) => resolve({ code, out }));
    });
  for (const [args, message] of [
    [["--runs", "-5"], /--runs.*(ambiguous|between 1 and)/], // was: an uncaught `null`
    [["--runs=-5"], /--runs -5: must be between 1 and 10000000/],
    [["--runs", "0"], /--runs 0: must be between 1 and 10000000/], // was: "ok: 0 schedules"
    [["--runs", "2.5"], /--runs "2\.5": not a whole number/],
    [["--seed", "x"], /--seed "x": not a whole number/],
    [["--frob"], /Unknown option '--frob'/],
  ] as [string[], RegExp][]) {
    it(`npm run fuzz -- ${args.join(" ")} → exit 2`, async () => {
      const { code, out } = await fuzz(args);
      expect(out).toMatch(message);
      expect(out).toMatch(/npm run fuzz -- \[--runs N\] \[--seed S\]/);
      expect(code).toBe(2);
    });
  }
});

// `pushlab receiver` as a user runs it: the real bin/pushlab.js started from another directory,
// the receiver connecting to the port it was told, reports written, exit code by verdict.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePorts } from "../../simulator/wire/ports.ts";
import { referenceReceiver } from "../../simulator/receiver/reference/demo.ts";
import type { ReferenceReceiver, ReceiverBehaviour } from "../../simulator/receiver/reference/receiver.ts";

const BIN = fileURLToPath(new URL("../../bin/pushlab.js", import.meta.url));
const JID = "push.cli.localhost";
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

interface Cli {
  code: number;
  out: string;
  dir: string;
}

/** Runs the CLI in a temp dir; starts the reference receiver once pushlab says it is waiting. */
function receiverFor(ports: number[], behaviour?: Partial<ReceiverBehaviour>): ReferenceReceiver {
  const [listen, http, apns] = ports;
  const receiver = referenceReceiver(
    { fcm: `http://127.0.0.1:${http}`, apns: `http://127.0.0.1:${apns}`, webpush: `http://127.0.0.1:${http}` },
    { service: `xmpp://127.0.0.1:${listen}`, domain: JID, secret: "cli-secret" },
    behaviour ? { behaviour } : {},
  );
  cleanup.push(() => receiver.stop());
  return receiver;
}

async function cli(args: string[], ports: number[], receiver: ReferenceReceiver): Promise<Cli> {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-cli-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const [listen, http, apns] = ports;
  const child = spawn(process.execPath, [BIN, "receiver", "--jid", JID, "--listen", String(listen), "--secret", "cli-secret", "--http-gateway-port", String(http), "--apns-port", String(apns), "--report-dir", join(dir, "out"), ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  cleanup.push(() => void child.kill("SIGKILL"));
  let out = "";
  let started = false;
  child.stderr.on("data", (d) => (out += d.toString()));
  child.stdout.on("data", (d) => {
    out += d.toString();
    if (!started && out.includes("Waiting up to")) {
      started = true;
      receiver.start().catch((e: Error) => (out += `receiver: ${e.message}`));
    }
  });
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
  return { code, out, dir };
}

describe("pushlab receiver (CLI)", () => {
  it("validates a receiver that connects to the embedded listener; exit 0, reports written", async () => {
    const ports = await freePorts(3);
    const r = await cli(["--grep", "R-RCV-PUBLISH"], ports, receiverFor(ports));
    expect(r.out).toContain("FCM HTTP v1");
    expect(r.out).toMatch(/PASS\s+R-RCV-PUBLISH/);
    expect(r.code, r.out).toBe(0);
    for (const f of ["report.json", "junit.xml", "index.html"]) expect(existsSync(join(r.dir, "out", f))).toBe(true);
    const report = JSON.parse(readFileSync(join(r.dir, "out", "report.json"), "utf8"));
    expect(report.targets[0].name).toBe("receiver");
  }, 60_000);

  it("exits 1 when a check fails (a receiver that ignores the secret)", async () => {
    const ports = await freePorts(3);
    const r = await cli(["--grep", "R-RCV-SECRET"], ports, receiverFor(ports, { credentialsOk: () => true }));
    expect(r.out).toMatch(/FAIL\s+R-RCV-SECRET/);
    expect(r.code, r.out).toBe(1);
  }, 60_000);

  it("with a given node and secret (no ad-hoc registration) learns the device's token and runs every check", async () => {
    const ports = await freePorts(3);
    const receiver = receiverFor(ports);
    const d = receiver.registry.register("someone@example.test", "phone-1", "fcm", "fcm-token-given");
    const r = await cli(["--node", d.node, "--push-secret", d.secret, "--gateways", "fcm"], ports, receiver);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("15 passed");
    const report = JSON.parse(readFileSync(join(r.dir, "out", "report.json"), "utf8"));
    // The push-service steps of apns/webpush devices were skipped, the fcm ones ran on the given node.
    const priority = report.scenarios.find((s: { rules: string[] }) => s.rules[0] === "R-RCV-GW-PRIORITY");
    expect(priority.timeline.some((e: { text?: string }) => /skipped, the receiver was not given apns/.test(e.text ?? ""))).toBe(true);
    expect(priority.timeline.some((e: { text?: string }) => /FCM fcm-token-gi… priority HIGH/.test(e.text ?? ""))).toBe(true);
  }, 240_000);

  it("says what is missing on a usage error (exit 2)", async () => {
    const r = await new Promise<Cli>((resolve) => {
      const child = spawn(process.execPath, [BIN, "receiver", "--jid", JID, "--listen", "5347"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stderr.on("data", (d) => (out += d.toString()));
      child.on("exit", (c) => resolve({ code: c ?? -1, out, dir: "" }));
    });
    expect(r.code).toBe(2);
    expect(r.out).toContain("--listen needs --secret");
  }, 30_000);
});

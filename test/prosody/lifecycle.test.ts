// The harness owns Prosody: starts it on free loopback ports, adds VirtualHosts at run time,
// stops it by PID (nothing left behind), and a server that dies gives clear errors, not hangs.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { xml } from "@xmpp/client";
import { createProsodyTarget } from "../../simulator/targets/prosody/index.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT, chat, pidAlive, world } from "./support.ts";
import { pollUntil } from "../../simulator/wire/bounded.ts";

describeWithServer("prosody target lifecycle", PROSODY, PROSODY_HINT, () => {
  it("starts on loopback, adds a host for a new option set, and stops by PID leaving nothing", async () => {
    const target = createProsodyTarget();
    const info = await target.start();
    const server = target.prosody!;
    const { pid } = server;
    const dir = server.layout.dir;
    try {
      expect(info.version).toMatch(/^Prosody 0\.12/);
      expect(pidAlive(pid)).toBe(true);
      const config = readFileSync(server.layout.configFile, "utf8");
      expect(config).toContain(`interfaces = { "127.0.0.1" }`);
      expect(config).not.toMatch(/\b(5222|5269|5347)\b/); // no fixed well-known ports

      // Two option sets → two VirtualHosts; the second one is added while Prosody runs.
      const a = await target.open(world("lc-default", ["alice"]));
      const b = await target.open(world("lc-body", ["bob"], { push_notification_with_body: true }));
      expect(a.domain).not.toBe(b.domain);
      await a.persona("alice").connect({ presence: true, sm: true, carbons: true });
      await b.persona("bob").connect({ presence: true, sm: true, carbons: false });
      expect(a.persona("alice").fullJid).toBe(`${a.persona("alice").bareJid}/alice-res`);
      expect(b.persona("bob").bareJid.endsWith(`@${b.domain}`)).toBe(true);
      await a.close();
      await b.close();
    } finally {
      await target.stop();
    }
    expect(pidAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false); // data wiped with the temp dir
  });

  it("gives clear, bounded errors when the server is killed mid-run", async () => {
    const target = createProsodyTarget();
    await target.start();
    const server = target.prosody!;
    try {
      const s = await target.open(world("lc-crash", ["alice", "bob"]));
      const alice = s.persona("alice");
      await alice.connect({ presence: true, sm: true, carbons: false });
      // An iq nobody answers (the app component ignores non-pushes), in flight during the crash.
      const pending = alice.iq(xml("iq", { type: "get", to: s.app("push").jid }, xml("query", { xmlns: "jabber:iq:version" })), 30_000);
      const t0 = Date.now();
      server.crash();
      await expect(pending).rejects.toThrow(/alice: connection lost: closed by the server.* while waiting for an iq reply/);
      await expect(s.waitFor(() => false, 5_000)).rejects.toThrow(/Prosody \(PID \d+\) is not running/);
      await expect(s.sleep(10)).rejects.toThrow(/not running/);
      await expect(alice.iq(xml("iq", { type: "get", to: s.domain }, xml("ping", { xmlns: "urn:xmpp:ping" })), 5_000)).rejects.toThrow(/alice is not connected/);
      await expect(alice.send(chat(alice.bareJid, "x"))).rejects.toThrow(/alice is not connected/);
      await expect(s.persona("bob").connect({ presence: true, sm: true, carbons: false })).rejects.toThrow(/bob could not connect/);
      await expect(target.open(world("lc-after", ["carol"]))).rejects.toThrow(/not running/);
      expect(Date.now() - t0).toBeLessThan(3_000); // errors come at once, not after timeouts
      await s.close();
    } finally {
      await target.stop();
    }
    expect(pidAlive(server.pid)).toBe(false);
  });

  it("refuses connections on the c2s port once stopped", async () => {
    const target = createProsodyTarget();
    await target.start();
    const port = target.prosody!.c2sPort;
    await target.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), resolve(false)));
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it("stops Prosody by PID and wipes its dir when the harness is interrupted (SIGINT)", async () => {
    const script = fileURLToPath(new URL("./fixtures/start-and-wait.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    try {
      expect(await pollUntil(() => out.includes("\n"), 15_000)).toBe(true);
      const [pid, dir] = out.trim().split(" ");
      expect(pidAlive(Number(pid))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(await pollUntil(() => !pidAlive(Number(pid)), 3_000)).toBe(true);
      expect(existsSync(dir!)).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

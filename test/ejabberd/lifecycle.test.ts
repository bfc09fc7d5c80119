// The harness owns ejabberd: starts it as user ejabberd on free loopback ports without epmd, adds
// vhosts at run time, stops it by PID (nothing of its process group left, temp dir gone, also
// when the harness is interrupted), and a server that dies gives clear errors, not hangs.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { xml } from "@xmpp/client";
import { createEjabberdTarget } from "../../simulator/targets/ejabberd/index.ts";
import { liveMembers } from "../../simulator/targets/ejabberd/ejabberd-process.ts";
import { describeWithServer } from "../support/require-server.ts";
import { pollUntil } from "../../simulator/wire/bounded.ts";
import { EJABBERD, EJABBERD_HINT, chat, pidAlive, world } from "./support.ts";

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

describeWithServer("ejabberd target lifecycle", EJABBERD, EJABBERD_HINT, () => {
  it("starts on loopback without epmd, adds a vhost for a new option set, and stops by PID leaving nothing", async () => {
    const target = createEjabberdTarget();
    const info = await target.start();
    const server = target.ejabberd!;
    const { beamPid, pid: pgid } = server;
    const dir = server.layout.dir;
    try {
      expect(info.version).toMatch(/^ejabberd 23\.01/);
      expect(pidAlive(beamPid)).toBe(true);
      const beam = commandOf(beamPid);
      expect(beam).toContain("-start_epmd false"); // ERL_DIST_PORT: no epmd daemon to outlive us
      expect(beam).toContain("inet_dist_use_interface {127,0,0,1}");
      expect(beam).toContain(server.node.split("@")[0]);
      // Everything it started runs in its own process group: no epmd among them.
      const members = liveMembers(pgid);
      expect(members).toContain(beamPid);
      expect(members.map(commandOf).some((c) => /\bepmd\b/.test(c.split(" ")[0]!))).toBe(false);
      if (process.getuid?.() === 0) expect(statSync(server.layout.spoolDir).uid).not.toBe(0); // owned by user ejabberd
      const config = readFileSync(server.layout.configFile, "utf8");
      expect(config).not.toMatch(/\b(5222|5269|5280|5347|5443|4369)\b/); // no fixed well-known ports
      expect(config.match(/ip: (\S+)/g)).toEqual(["ip: 127.0.0.1", "ip: 127.0.0.1", "ip: 127.0.0.1"]);

      // Two option sets → two vhosts; the second one is added while ejabberd runs.
      const a = await target.open(world("lc-default", ["alice"]));
      const b = await target.open(world("lc-body", ["bob"], { push_notification_with_body: true }));
      expect(a.domain).not.toBe(b.domain);
      expect(await server.api.vhosts()).toEqual(expect.arrayContaining([a.domain, b.domain]));
      await a.persona("alice").connect({ presence: true, sm: true, carbons: true });
      await b.persona("bob").connect({ presence: true, sm: true, carbons: false });
      expect(a.persona("alice").fullJid).toBe(`${a.persona("alice").bareJid}/alice-res`);
      expect(b.persona("bob").bareJid.endsWith(`@${b.domain}`)).toBe(true);
      await a.close();
      await b.close();
    } finally {
      await target.stop();
    }
    expect(pidAlive(beamPid)).toBe(false);
    expect(liveMembers(pgid)).toEqual([]);
    expect(existsSync(dir)).toBe(false); // spool wiped with the temp dir
  });

  it("gives clear, bounded errors when the server is killed mid-run", async () => {
    const target = createEjabberdTarget();
    await target.start();
    const server = target.ejabberd!;
    const pgid = server.pid;
    try {
      const s = await target.open(world("lc-crash", ["alice", "bob"]));
      const alice = s.persona("alice");
      await alice.connect({ presence: true, sm: true, carbons: false });
      // An iq nobody answers (the app component ignores non-pushes), in flight during the crash.
      const pending = alice.iq(xml("iq", { type: "get", to: s.app("push").jid }, xml("query", { xmlns: "jabber:iq:version" })), 30_000);
      const t0 = Date.now();
      server.crash();
      await expect(pending).rejects.toThrow(/alice: connection lost: closed by the server.* while waiting for an iq reply/);
      expect(await pollUntil(() => !server.running, 5_000)).toBe(true);
      await expect(s.waitFor(() => false, 5_000)).rejects.toThrow(/ejabberd \(PID -?\d+\) is not running/);
      await expect(s.sleep(10)).rejects.toThrow(/not running/);
      await expect(alice.send(chat(alice.bareJid, "x"))).rejects.toThrow(/alice is not connected/);
      await expect(s.persona("bob").connect({ presence: true, sm: true, carbons: false })).rejects.toThrow(/bob could not connect/);
      await expect(target.open(world("lc-after", ["carol"]))).rejects.toThrow(/not running/);
      expect(Date.now() - t0).toBeLessThan(6_000); // errors come at once, not after timeouts
      await s.close();
    } finally {
      await target.stop();
    }
    expect(liveMembers(pgid)).toEqual([]);
  });

  it("refuses connections on the c2s port once stopped", async () => {
    const target = createEjabberdTarget();
    await target.start();
    const port = target.ejabberd!.ports.c2s;
    await target.stop();
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect({ host: "127.0.0.1", port });
      s.once("connect", () => (s.destroy(), resolve(false)));
      s.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });

  it("stops ejabberd by PID and wipes its dir when the harness is interrupted (SIGINT)", async () => {
    const script = fileURLToPath(new URL("./fixtures/start-and-wait.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    try {
      expect(await pollUntil(() => out.includes("\n"), 40_000)).toBe(true);
      const [beam, pgid, dir] = out.trim().split(" ");
      expect(pidAlive(Number(beam))).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(await pollUntil(() => !pidAlive(Number(beam)), 5_000)).toBe(true);
      expect(await pollUntil(() => liveMembers(Number(pgid)).length === 0, 5_000)).toBe(true);
      expect(existsSync(dir!)).toBe(false);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});

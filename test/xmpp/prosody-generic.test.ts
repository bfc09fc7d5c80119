// The xmpp target against a harness-started Prosody reached only as any server would be: its
// client port, its component port and in-band registration or a file of accounts. Accounts
// come and go, the server's features are discovered, a dead or frozen server gives clear
// bounded errors, pooled accounts are reset, and the CLI runs it from a config file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import type { RunReport } from "../../simulator/results.ts";
import { main } from "../../simulator/cli.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import { openAccount } from "../../simulator/targets/xmpp/client-link.ts";
import { resetAccount } from "../../simulator/targets/xmpp/account-reset.ts";
import { AppGateway } from "../../simulator/wire/wire-app-server.ts";
import { Trace } from "../../simulator/trace.ts";
import { pollUntil } from "../../simulator/wire/bounded.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT, chat, enableIq, world } from "../prosody/support.ts";
import { DEFAULT_HOST, settingsFor, startProsody, tempDir } from "./support.ts";

const SM = { presence: true, sm: true, carbons: false };

describeWithServer("xmpp target on a harness-started Prosody (in-band registration)", PROSODY, PROSODY_HINT, () => {
  let srv: ProsodyServer;
  beforeAll(async () => {
    srv = await startProsody([DEFAULT_HOST]);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it("discovers the server, registers each session's accounts and removes them, and its own probe account", async () => {
    const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST));
    expect(await target.available()).toEqual({ ok: true });
    const info = await target.start();
    let locals: string[] = [];
    try {
      expect(info.details).toMatchObject({
        domain: DEFAULT_HOST.name,
        accounts: "in-band registration (XEP-0077)",
        "push (XEP-0357) advertised": "yes",
        "stream management (XEP-0198)": "yes",
        "carbons / CSI / MAM": "yes / yes / yes",
      });
      expect(target.capabilities().features).toEqual({ "archive-off": expect.objectContaining({ ok: false }), carbons: { ok: true }, csi: { ok: true } });
      const s = await target.open(world("ibr", ["alice", "bob"]));
      const alice = s.persona("alice");
      const bob = s.persona("bob");
      expect(alice.bareJid).toMatch(new RegExp(`^alice\\.[0-9a-f]{6}-1-ibr-\\d+@${DEFAULT_HOST.name.replace(/\./g, "\\.")}$`));
      await alice.connect(SM);
      await bob.connect(SM);
      await bob.send(chat(alice.bareJid, "hello over the generic path"));
      expect(await s.waitFor(() => alice.received.some((e) => e.name === "message"), 3_000)).toBe(true);
      locals = [alice.bareJid, bob.bareJid].map((j) => j.split("@")[0]!);
      await s.close();
    } finally {
      await target.stop();
    }
    // Removed by <remove/>: logging in again is refused.
    for (const local of [...locals, `pushlab-probe.${locals[0]!.split(".")[1]!.split("-")[0]}`]) {
      await expect(openAccount(target.link, local, "whatever-password")).rejects.toThrow(/not-authorized/);
    }
  });

  it("runs scenarios through the runner with a verdict per scenario and skips the rest with the reason", async () => {
    const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST));
    const { run } = await import("../../simulator/runner.ts");
    const report = await run({ paths: ["scenarios/offline/R-OFFLINE-each-message.yaml", "scenarios/errors/R-ERR-COUNT-small-max.yaml", "scenarios/dedup/R-DEDUP-restart.yaml"], targets: [target], reporters: [] });
    const byFile = new Map(report.scenarios.map((r) => [r.file.split("/").pop(), r]));
    expect(byFile.get("R-OFFLINE-each-message.yaml")!.verdict).toBe("passed");
    expect(byFile.get("R-ERR-COUNT-small-max.yaml")).toMatchObject({ verdict: "skipped", skipReason: expect.stringMatching(/^sets push_max_errors: 3 \(xmpp: 16\), which xmpp cannot give it/) });
    expect(byFile.get("R-DEDUP-restart.yaml")).toMatchObject({ verdict: "skipped", skipReason: expect.stringContaining("cannot restart it") });
  });

  it("a wrong declaration is caught by the scenario, not passed: with_body declared on, but off on the server", async () => {
    const { run } = await import("../../simulator/runner.ts");
    const lying = settingsFor(srv, DEFAULT_HOST, { "server-options": { push_notification_with_body: true } });
    const report = await run({ paths: ["scenarios/content/R-PRIVACY-with-body.yaml"], targets: [createXmppTarget(lying)], reporters: [] });
    expect(report.scenarios[0]).toMatchObject({ verdict: "failed", findings: [expect.objectContaining({ check: "push-content", message: expect.stringContaining("body") })] });
  });

  it("a killed server: clear errors within seconds, not hangs", async () => {
    const own = await startProsody([DEFAULT_HOST]);
    const target = createXmppTarget(settingsFor(own, DEFAULT_HOST), { liveness: { intervalMs: 200, pingTimeoutMs: 1_000, misses: 2 } });
    await target.start();
    try {
      const s = await target.open(world("dead", ["alice"]));
      await s.persona("alice").connect(SM);
      const t0 = Date.now();
      own.crash();
      await expect(s.waitFor(() => false, 20_000)).rejects.toThrow(new RegExp(`the XMPP server at 127\\.0\\.0\\.1:${own.c2sPort} is not answering: nothing accepts connections on 127\\.0\\.0\\.1:${own.c2sPort}`));
      expect(Date.now() - t0).toBeLessThan(5_000);
      await expect(s.sleep(10)).rejects.toThrow(/not answering/);
      await expect(target.open(world("dead-after", ["bob"]))).rejects.toThrow(/not answering/);
      await s.close();
    } finally {
      await target.stop();
      await own.stop();
    }
  });

  it("a frozen server (SIGSTOP) accepts TCP but answers no ping: not running until it answers again", async () => {
    const own = await startProsody([DEFAULT_HOST]);
    const target = createXmppTarget(settingsFor(own, DEFAULT_HOST), { liveness: { intervalMs: 200, pingTimeoutMs: 1_000, misses: 2 } });
    await target.start();
    try {
      expect(target.server!.running).toBe(true);
      process.kill(own.pid, "SIGSTOP");
      try {
        const t0 = Date.now();
        expect(await pollUntil(() => !target.server!.running, 6_000, 50)).toBe(true);
        expect(Date.now() - t0).toBeLessThan(6_000);
        expect(target.server!.deathNote()).toMatch(new RegExp(`${DEFAULT_HOST.name.replace(/\./g, "\\.")} did not answer a ping within 1000 ms`));
      } finally {
        process.kill(own.pid, "SIGCONT");
      }
      expect(await pollUntil(() => target.server!.running, 5_000, 50)).toBe(true);
    } finally {
      await target.stop();
      await own.stop();
    }
  });

  it("runs from the CLI with a config file and writes the report", async () => {
    const tmp = tempDir();
    try {
      const cfg = tmp.write(
        "xmpp.yaml",
        `host: 127.0.0.1\nport: ${srv.c2sPort}\ndomain: ${DEFAULT_HOST.name}\ntls: none\ncomponent:\n  port: ${srv.componentPort}\n  domain: ${srv.pushDomain}\n  secret: ${srv.pushSecret}\nregister: true\nserver-options:\n  smacks_hibernation_time: 600\n  smacks_max_ack_delay: 30\n`,
      );
      const out = join(tmp.dir, "out");
      const code = await main(["run", "scenarios/offline/R-OFFLINE-online-no-push.yaml", "scenarios/registration/R-VETO-REG.yaml", "--target", "xmpp", "--xmpp-config", cfg, "--report-dir", out, "--format", "json"]);
      const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as RunReport;
      expect(report.targets[0]).toMatchObject({ name: "xmpp", stats: { passed: 1, skipped: 1, failed: 0 } });
      expect(code).toBe(0);
    } finally {
      tmp.remove();
    }
  });
});

describeWithServer("xmpp target: resetting a pooled account", PROSODY, PROSODY_HINT, () => {
  it("removes the push registrations a session made, offline messages and subscription requests", async () => {
    const srv = await startProsody([DEFAULT_HOST], {}); // no in-band registration: accounts from the server
    const settings = settingsFor(srv, DEFAULT_HOST);
    const link = { service: `xmpp://127.0.0.1:${srv.c2sPort}`, domain: DEFAULT_HOST.name, tls: settings.tls };
    const gateway = new AppGateway(srv.pushDomain, srv.pushSecret, srv.componentPort);
    await gateway.start();
    try {
      for (const [u, p] of [["pa", "pw-a"], ["pb", "pw-b"]]) await srv.addAccount(DEFAULT_HOST.name, u!, p!);
      const app = gateway.add("push", "reset", new Trace(() => 0), () => 0);
      const a = `pa@${DEFAULT_HOST.name}`;
      const la = await openAccount(link, "pa", "pw-a");
      expect((await la.iq(enableIq(app.jid, "n1"))).attrs.type).toBe("result");
      const rosterSet = xml("iq", { type: "set" }, xml("query", { xmlns: "jabber:iq:roster" }, xml("item", { jid: `pc@${DEFAULT_HOST.name}` })));
      expect((await la.iq(rosterSet)).attrs.type).toBe("result");
      await la.close();
      const lb = await openAccount(link, "pb", "pw-b");
      await lb.xmpp.send(xml("presence", { to: a, type: "subscribe" }));
      await lb.xmpp.send(chat(a, "before the reset"));
      // Positive control: the registration is live, so "no push" below means something.
      expect(await pollUntil(() => app.pushes.length === 1, 3_000)).toBe(true);

      const report = await resetAccount(link, "pa", "pw-a", [app.jid, "never-enabled@example.org"]);
      // Prosody answers a disable for a JID without registrations with success too.
      expect(report).toEqual({ disabled: 2, rosterRemoved: 1, requestsDenied: 1, offlineDelivered: 1 });

      await lb.xmpp.send(chat(a, "after the reset"));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(app.pushes).toHaveLength(1); // no registration left
      await lb.close();
      const again = await openAccount(link, "pa", "pw-a");
      const got: Element[] = [];
      again.xmpp.on("stanza", (st: Element) => got.push(st));
      await again.xmpp.send(xml("presence"));
      await new Promise((r) => setTimeout(r, 500));
      await again.close();
      const bodies = got.filter((st) => st.name === "message").map((m) => m.getChildText("body"));
      expect(bodies).toEqual(["after the reset"]);
      expect(got.some((st) => st.name === "presence" && st.attrs.type === "subscribe")).toBe(false);
    } finally {
      await gateway.stop();
      await srv.stop();
    }
  });
});

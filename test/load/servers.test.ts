// The load mode's server plumbing with real numbers: Prosody's load config (SQLite, no
// per-message reports), the drain rule, arrival statistics, matching pushes without a body,
// /proc facts (listening PID, run-queue wait), the loopback rule, anchors, and CLI refusals.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { renderConfig, layoutIn } from "../../simulator/targets/prosody/prosody-config.ts";
import { hostFor } from "../../simulator/targets/prosody/option-hosts.ts";
import { LOAD_WITHOUT_MODULES } from "../../simulator/load/servers/prosody.ts";
import { connectXmppForLoad, isLoopback } from "../../simulator/load/servers/xmpp.ts";
import { drainDecision, IDLE_CPU_PCT, type DrainState } from "../../simulator/load/drain.ts";
import { arrivalStats } from "../../simulator/load/stats.ts";
import { matchPushes, type SentMessage } from "../../simulator/load/measure.ts";
import type { PushSeen } from "../../simulator/load/app-recorder.ts";
import { listeningInodes, parseSchedstatWaitS, pidListeningOn, processName, sampleRunqueueWaitS } from "../../simulator/load/proc.ts";
import { anchorsFor, ANCHORS } from "../../simulator/load/report.ts";
import { loadMain } from "../../simulator/load/cli.ts";
import { parseLoadOptions } from "../../simulator/load/options.ts";
import type { XmppSettings } from "../../simulator/targets/xmpp/settings.ts";

describe("Prosody as the load runs it", () => {
  const host = hostFor({ options: { push_notification_with_body: true }, archive: true });
  const base = { layout: layoutIn("/tmp/x"), c2sPort: 1, componentPort: 2, hosts: [host], components: [], controller: "control.localhost", logLevel: "warn" as const };

  it("SQLite storage names the driver and a database file; files otherwise", () => {
    const sql = renderConfig({ ...base, storage: "sql" });
    expect(sql).toContain('storage = "sql"');
    expect(sql).toContain('sql = { driver = "SQLite3", database = "prosody.sqlite" }');
    expect(sql).not.toContain('storage = "internal"');
    expect(renderConfig(base)).toContain('storage = "internal"');
  });

  it("leaves out pushlab_control, whose report of every offline message would be load on the server", () => {
    expect(LOAD_WITHOUT_MODULES).toEqual(["pushlab_control"]);
    const line = (c: string) => c.split("\n").find((l) => l.startsWith("modules_enabled"))!;
    expect(line(renderConfig(base))).toContain('"pushlab_control"');
    const load = line(renderConfig({ ...base, withoutModules: LOAD_WITHOUT_MODULES }));
    expect(load).not.toContain("pushlab_control");
    expect(load).toContain('"cloud_notify"');
    expect(load).toContain('"pushlab_hosts"'); // still needed: it says when the host is up
  });
});

describe("the drain after the last message", () => {
  const s = (over: Partial<DrainState>): DrainState => ({ nowMs: 10_000, endMs: 40_000, quietForMs: 0, quietMs: 4_000, serverDemandPct: 0, allPushed: false, stopped: false, ...over });

  it("ends when every push came, when stopped, or at its bound", () => {
    expect(drainDecision(s({ allPushed: true, serverDemandPct: 99 }))).toBe("all-pushed");
    expect(drainDecision(s({ stopped: true }))).toBe("stopped");
    expect(drainDecision(s({ nowMs: 40_000, serverDemandPct: 99 }))).toBe("bound");
  });

  it("silence ends it only while the server is idle: a busy server, or one starved of CPU (5 % CPU + 93 % waiting), is still working through its backlog", () => {
    expect(drainDecision(s({ quietForMs: 30_000, serverDemandPct: 5 + 93 }))).toBeUndefined();
    expect(drainDecision(s({ quietForMs: 3_999 }))).toBeUndefined();
    expect(drainDecision(s({ quietForMs: 4_000, serverDemandPct: IDLE_CPU_PCT - 0.1 }))).toBe("server-idle");
    expect(drainDecision(s({ quietForMs: 30_000, serverDemandPct: 97 }))).toBeUndefined();
    expect(drainDecision(s({ quietForMs: 30_000, serverDemandPct: IDLE_CPU_PCT }))).toBeUndefined();
    expect(drainDecision(s({ quietForMs: 4_000, serverDemandPct: NaN }))).toBe("quiet");
  });
});

describe("arrival pattern", () => {
  it("longest silence (from the first message), biggest 100 ms burst, last push", () => {
    // 3 pushes at once after 250 ms, a silence of 1.5 s, then 2 more.
    const st = arrivalStats(1000, [1250, 1251, 1299, 2799, 2850, 900]);
    expect(st).toEqual({ longestGapMs: 1500, maxPer100ms: 3, lastPushS: 1.85 });
    expect(arrivalStats(0, [])).toMatchObject({ maxPer100ms: 0 });
  });
});

describe("pushes without a message number (a server that sends no body)", () => {
  const msg = (seq: number, node: string, t: number): SentMessage => ({ seq, node, t, batched: false });
  const push = (t: number, node: string, seq?: number): PushSeen => ({ t, node, ...(seq !== undefined && { seq }), epochMs: 0 });

  it("are matched in order to their node's oldest message sent before them", () => {
    const sent = [msg(1, "a", 100), msg(2, "a", 150), msg(3, "b", 160), msg(4, "a", 900)];
    const pushes = [push(110, "a"), push(170, "b"), push(171, "a"), push(500, "z")];
    const m = matchPushes(sent, pushes, 2000);
    expect(m).toMatchObject({ pushed: 3, byOrder: 3, lost: 1, foreign: 1, duplicates: 0 });
    expect(m.latenciesMs).toEqual([10, 21, 10]);
  });

  it("a push earlier than every message of its node matches none", () => {
    const m = matchPushes([msg(1, "a", 500)], [push(100, "a")], 2000);
    expect(m).toMatchObject({ pushed: 0, byOrder: 0, lost: 1, foreign: 1 });
  });
});

describe("/proc facts", () => {
  it("finds the process listening on a port: this one, on a port it opened", async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      expect(pidListeningOn(port)).toBe(process.pid);
      expect(processName(process.pid)).toMatch(/node/);
    } finally {
      await new Promise((r) => srv.close(r));
    }
    expect(pidListeningOn(port)).toBeUndefined();
  });

  it("reads listening sockets from /proc/net/tcp text (state 0A) and run-queue wait from schedstat", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0",
      "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 20 4 30 10 -1",
      "   2: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0",
    ].join("\n");
    expect(listeningInodes([table], 8080)).toEqual(["4242"]);
    expect(listeningInodes([table], 8081)).toEqual(["4444"]);
    expect(parseSchedstatWaitS("12000000000 2500000000 42\n")).toBe(2.5);
    expect(() => parseSchedstatWaitS("nonsense")).toThrow(/not a schedstat line/);
    expect(sampleRunqueueWaitS(process.pid)).toBeGreaterThanOrEqual(0);
    expect(sampleRunqueueWaitS(2 ** 22 + 7)).toBeUndefined();
  });
});

describe("the generic target under load", () => {
  it("loopback addresses only", () => {
    for (const h of ["127.0.0.1", "127.3.2.1", "localhost", "::1", "[::1]"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["10.0.0.1", "192.168.1.2", "example.org", "128.0.0.1", "::ffff:10.0.0.1"]) expect(isLoopback(h), h).toBe(false);
  });

  const settings = (over: Partial<XmppSettings>): XmppSettings => ({
    host: "127.0.0.1",
    port: 5222,
    domain: "example.test",
    tls: { mode: "none" },
    component: { host: "127.0.0.1", port: 5347, domain: "push.example.test", secret: "s" },
    accounts: { kind: "register" },
    serverOptions: {},
    parallelism: 8,
    ...over,
  });
  const base = { hibernationS: 100, ackDelayS: 1, archive: true, storage: "file" as const };

  it("refuses another machine, a file of accounts, and a storage choice, before connecting anywhere", async () => {
    await expect(connectXmppForLoad({ ...base, xmpp: settings({ host: "10.1.2.3" }) })).rejects.toThrow(/--xmpp-host 10\.1\.2\.3: pushlab load sends traffic to this machine only/);
    await expect(connectXmppForLoad({ ...base, xmpp: settings({ component: { host: "192.168.0.9", port: 5347, domain: "p.x", secret: "s" } }) })).rejects.toThrow(/--component-host 192\.168\.0\.9/);
    await expect(connectXmppForLoad({ ...base, xmpp: settings({ accounts: { kind: "file", file: "a.yaml", accounts: [] } }) })).rejects.toThrow(/use --register/);
    await expect(connectXmppForLoad({ ...base, storage: "sql", xmpp: settings({}) })).rejects.toThrow(/--storage is for --target prosody/);
    await expect(connectXmppForLoad(base)).rejects.toThrow(/give the server's settings/);
  });
});

describe("anchors and the command line", () => {
  it("each run is compared with the anchor of its own server, storage and archive", () => {
    const o = parseLoadOptions({});
    expect(anchorsFor(o)).toEqual({ pushesPerS: ANCHORS.prosodyFile, rss: ANCHORS.prosodyRss });
    expect(anchorsFor({ ...o, storage: "sql" }).pushesPerS).toBe(ANCHORS.prosodySql);
    expect(anchorsFor({ ...o, target: "ejabberd", archive: true }).pushesPerS).toBe(ANCHORS.ejabberdMam);
    expect(anchorsFor({ ...o, target: "ejabberd", archive: false }).pushesPerS).toBe(ANCHORS.ejabberdNoMam);
    expect(anchorsFor({ ...o, target: "xmpp" })).toEqual({});
  });

  it("refuses with exit code 2 and the reason: an xmpp flag for another target, xmpp without its settings", async () => {
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await loadMain(["--target", "prosody", "--domain", "x.test"])).toBe(2);
      expect(err.join("")).toContain("--domain: only with --target xmpp");
      err.length = 0;
      expect(await loadMain(["--target", "xmpp", "--xmpp-port", "5222"])).toBe(2);
      expect(err.join("")).toMatch(/domain is missing[\s\S]*no accounts: --register/);
      err.length = 0;
      expect(await loadMain(["--target", "ejabberd", "--storage", "sql"])).toBe(2);
      expect(err.join("")).toContain("--storage: only --target prosody");
    } finally {
      process.stderr.write = write;
    }
  });
});

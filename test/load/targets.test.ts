// Short real load runs on the new targets and storage (they check counts, never speed): Prosody
// on SQLite, ejabberd with and without MAM, and the generic target against a Prosody it did not
// start (found by its port for /proc sampling, accounts registered in band and removed again,
// pushes with and without a body). Skipped unless the server is installed.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseLoadOptions } from "../../simulator/load/options.ts";
import { runLoad } from "../../simulator/load/run-load.ts";
import { sqliteMissing } from "../../simulator/load/servers/prosody.ts";
import { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { SQLITE_FILE } from "../../simulator/targets/prosody/prosody-config.ts";
import { encodePathPart } from "../../simulator/targets/prosody/accounts.ts";
import { hostFor } from "../../simulator/targets/prosody/option-hosts.ts";
import { registerAccount } from "../../simulator/targets/xmpp/in-band-registration.ts";
import { openAccount } from "../../simulator/targets/xmpp/client-link.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { EJABBERD, EJABBERD_HINT } from "../ejabberd/support.ts";
import { DEFAULT_HOST, settingsFor, startProsody } from "../xmpp/support.ts";

const dir = mkdtempSync(join(tmpdir(), "pushlab-load-targets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = { users: "6", rate: "10", duration: "2", senders: "2", drain: "15", "report-dir": dir };

const SQLITE = PROSODY.ok ? (sqliteMissing() ? { ok: false as const, reason: sqliteMissing()! } : PROSODY) : PROSODY;

describeWithServer("load on Prosody with SQLite storage", SQLITE, "install prosody prosody-modules lua-dbi-sqlite3", () => {
  it("keeps accounts in the SQLite file, not in account files, and refuses to write account files", async () => {
    const host = hostFor({ options: {}, archive: true });
    const srv = await ProsodyServer.start({ hosts: [host], storage: "sql", extras: { registration: true }, withoutModules: ["pushlab_control"] });
    try {
      await srv.ensureHost(host);
      const link = { service: srv.service, domain: host.name, tls: { mode: "none" as const } };
      await registerAccount(link, "sqluser", "pw-1");
      await (await openAccount(link, "sqluser", "pw-1")).close();
      const db = join(srv.layout.dataDir, SQLITE_FILE);
      expect(existsSync(db) && statSync(db).size > 0).toBe(true);
      expect(existsSync(join(srv.layout.dataDir, encodePathPart(host.name), "accounts"))).toBe(false);
      await expect(srv.addAccount(host.name, "x", "y")).rejects.toThrow(/in-band registration/);
    } finally {
      await srv.stop();
    }
  }, 60_000);

  it("every message pushed once, on SQLite", async () => {
    const r = await runLoad(parseLoadOptions({ ...SMALL, storage: "sql" }));
    expect(r.server.details.storage).toBe("SQLite (mod_storage_sql)");
    expect(r.sent).toBe(20);
    expect(r.matched).toMatchObject({ pushed: 20, lost: 0, duplicates: 0, byOrder: 0 });
    expect(r.drainEnded).toBe("all-pushed");
    expect(r.pushesPerServerCpuS).toBeGreaterThan(0);
  }, 120_000);
});

describeWithServer("load on ejabberd", EJABBERD, EJABBERD_HINT, () => {
  for (const archive of ["on", "off"] as const) {
    it(`MAM ${archive}: every message pushed once, the Erlang VM sampled`, async () => {
      const r = await runLoad(parseLoadOptions({ ...SMALL, target: "ejabberd", archive }));
      expect(r.server.label).toMatch(/^ejabberd \d+\.\d+/);
      expect(r.server.details.archive).toBe(archive === "on" ? "mod_mam on Mnesia" : "no mod_mam");
      expect(r.sent).toBe(20);
      expect(r.matched).toMatchObject({ pushed: 20, lost: 0, duplicates: 0, byOrder: 0 });
      expect(r.usage.every((u) => u.serverRssMiB > 10)).toBe(true); // beam.smp, not the ejabberdctl shell
    }, 180_000);
  }

  it("hibernated recipients are pushed for (batched), none lost", async () => {
    const r = await runLoad(parseLoadOptions({ ...SMALL, target: "ejabberd", mix: "offline,hibernated", archive: "off" }));
    expect(r.sent).toBe(20);
    expect(r.matched.pushed + r.matched.covered).toBe(20);
    expect(r.matched.lost).toBe(0);
  }, 180_000);
});

describeWithServer("load on a server pushlab did not start (--target xmpp)", PROSODY, PROSODY_HINT, () => {
  const withBody = hostFor({ options: { push_notification_with_body: true }, archive: true });
  let srv: ProsodyServer;
  beforeAll(async () => {
    srv = await startProsody([DEFAULT_HOST, withBody]);
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const accountFiles = (host: string) => {
    const d = join(srv.layout.dataDir, encodePathPart(host), "accounts");
    return existsSync(d) ? readdirSync(d).length : 0;
  };

  it("samples the process on the client port, matches pushes by their body, and removes its accounts", async () => {
    const before = accountFiles(withBody.name);
    const r = await runLoad(parseLoadOptions({ ...SMALL, target: "xmpp" }), undefined, { xmpp: settingsFor(srv, withBody) });
    expect(r.server.pid).toBe(srv.pid);
    expect(r.server.details.sampled).toBe(`PID ${srv.pid} (listening on the client port)`);
    expect(r.sent).toBe(20);
    expect(r.matched).toMatchObject({ pushed: 20, lost: 0, duplicates: 0, byOrder: 0 });
    expect(r.server_cpu_mean_pct).toBeGreaterThanOrEqual(0);
    expect(accountFiles(withBody.name)).toBe(before);
  }, 120_000);

  it("a server that sends no body: pushes matched in order, none lost", async () => {
    const r = await runLoad(parseLoadOptions({ ...SMALL, target: "xmpp" }), undefined, { xmpp: settingsFor(srv, DEFAULT_HOST) });
    expect(r.sent).toBe(20);
    expect(r.matched).toMatchObject({ pushed: 20, lost: 0, byOrder: 20 });
  }, 120_000);
});

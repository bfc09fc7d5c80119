// The xmpp target against a harness-started ejabberd 23.01 reached only through the generic
// path (its c2s port, its component, a file of accounts or in-band registration), judged with
// the ejabberd target's own expectation file: exactly the ejabberd target's verdict per scenario
// (passed ↔ passed, deviation ↔ deviation), except what the generic path skips, with its reason.
//
// In-band registration needs, in ejabberd.yml (EjabberdServer's `inBandRegistration` option):
// `registration_timeout: infinity` (the default allows one registration per address every
// 600 s) and per vhost `mod_register: { ip_access: <a rule allowing 127.0.0.0/8>, access: all }`.
// mod_register's <remove/> (access_remove: all) removes the accounts again. Without the option
// every vhost still has mod_register, with `access: none`, for account removal alone.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import { loadAll, run } from "../../simulator/runner.ts";
import { EJABBERD_CAPABILITIES } from "../../simulator/targets/ejabberd/capabilities.ts";
import { EjabberdServer, type EjabberdServerOptions } from "../../simulator/targets/ejabberd/ejabberd-server.ts";
import { createEjabberdTarget, EJABBERD_EXPECTATIONS } from "../../simulator/targets/ejabberd/index.ts";
import { hostFor } from "../../simulator/targets/ejabberd/option-hosts.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import { openAccount } from "../../simulator/targets/xmpp/client-link.ts";
import { unregisterAccount } from "../../simulator/targets/xmpp/in-band-registration.ts";
import { resolveSettings, type XmppSettingsInput } from "../../simulator/targets/xmpp/settings.ts";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD, EJABBERD_HINT } from "../ejabberd/support.ts";
import { declaredFor, expectAgreement, explain, retargeted, tempDir } from "./support.ts";

// Deterministic on ejabberd (pushes at once, no batch window races): passes and deviations alike.
const SUBSET = [
  "offline/R-OFFLINE-each-message.yaml", // deviation: no message-count
  "offline/R-OFFLINE-online-no-push.yaml",
  "offline/R-OFFLINE-full-jid.yaml",
  "offline/R-OFFLINE-every-registration.yaml",
  "offline/R-DISABLE-push-stops.yaml",
  "registration/R-ENABLE.yaml",
  "registration/R-ENABLE-JID-bare.yaml", // deviation: the jid is not checked
  "registration/R-DISABLE-node.yaml", // deviation (XEP-0357 §6)
  "registration/R-DISCO.yaml",
  "content/R-PUBOPTS-verbatim.yaml",
  "content/R-SUMMARY-form-shape.yaml", // deviation: the form
  "important/R-IMPORTANT-body.yaml",
  "important/R-IMPORTANT-headline.yaml", // deviation: the placeholder for a headline
  "errors/R-ERR-WAIT.yaml", // push_max_errors 16: ejabberd has 1, skipped by both
  "archive/R-MAM-other-device-online.yaml",
  "errors/R-ERR-COUNT-small-max.yaml", // push_max_errors 3: ejabberd has 1, skipped by both
  "hibernation/R-HIB-QUEUE.yaml", // deviation: pushed at once, no one-second batch
  "hibernation/R-ACK-DELAY.yaml", // sets the ack delay to 3 s: the default vhost has 30 s
].map((f) => `scenarios/${f}`);

/** What the generic path skips on the default vhost and why. */
const SKIPS: Record<string, RegExp> = {
  "errors/R-ERR-COUNT-small-max": /^sets push_max_errors: 3 \(xmpp: 1\)/,
  "errors/R-ERR-WAIT": /^sets push_max_errors: 16 \(xmpp: 1\)/,
  "hibernation/R-ACK-DELAY": /^sets smacks_max_ack_delay: 3 \(xmpp: 30\)/,
};

const scenarios = new Map(loadAll(SUBSET).flatMap((l) => (l.ok ? [[l.scenario.id, l.scenario] as const] : [])));
const DEFAULT_HOST = hostFor({ options: {}, archive: true });

describeWithServer("xmpp target on a harness-started ejabberd: the ejabberd target's verdicts", EJABBERD, EJABBERD_HINT, () => {
  let onEjabberd: Map<string, ScenarioResult>;
  const tmp = tempDir();
  const asXmpp = retargeted(EJABBERD_EXPECTATIONS, tmp.dir);
  beforeAll(async () => {
    const report = await run({ paths: SUBSET, targets: [createEjabberdTarget()], reporters: [] });
    onEjabberd = new Map(report.scenarios.map((r) => [r.id, r]));
  }, 300_000);
  afterAll(() => tmp.remove());

  /** An ejabberd of the test's own with the default option set's vhost; the caller stops it. */
  async function startEjabberd(opts: Omit<EjabberdServerOptions, "hosts"> = {}): Promise<EjabberdServer> {
    const srv = await EjabberdServer.start({ ...opts, hosts: [DEFAULT_HOST] });
    try {
      await srv.ensureHost(DEFAULT_HOST);
    } catch (e) {
      await srv.stop();
      throw e;
    }
    return srv;
  }

  function settings(srv: EjabberdServer, over: Partial<XmppSettingsInput>) {
    // The vhost's values as a maintainer would declare them: those ejabberd sets, at the
    // vocabulary's defaults, and its fixed push_max_errors of 1.
    const input: XmppSettingsInput = {
      host: "127.0.0.1",
      port: srv.ports.c2s,
      domain: DEFAULT_HOST.name,
      tls: "none",
      component: { host: "127.0.0.1", port: srv.componentPort, domain: srv.pushDomain, secret: srv.pushSecret },
      "server-options": declaredFor(EJABBERD_CAPABILITIES, {}),
      parallelism: 4,
      ...over,
    };
    return resolveSettings(undefined, { input, where: (p) => `test:${p.join(".")}` });
  }

  it("the ejabberd target ran the subset: passes, declared deviations and skips; nothing failed", () => {
    for (const r of onEjabberd.values()) expect(["passed", "deviation", "skipped"], explain(r)).toContain(r.verdict);
    expect([...onEjabberd.values()].filter((r) => r.verdict === "skipped").map((r) => r.key).sort()).toEqual(["errors/R-ERR-COUNT-small-max", "errors/R-ERR-WAIT"]);
  });

  it("accounts from a file (created through ejabberd's API): the same verdicts", async () => {
    const srv = await startEjabberd();
    try {
      const accounts = Array.from({ length: 8 }, (_, i) => `pool${i}`);
      for (const a of accounts) await srv.addAccount(DEFAULT_HOST.name, a, `pw-${a}`);
      const file = tmp.write("accounts.yaml", `accounts:\n${accounts.map((a) => `  - { jid: ${a}@${DEFAULT_HOST.name}, password: pw-${a} }`).join("\n")}\n`);
      const target = createXmppTarget(settings(srv, { accounts: file }));
      const report = await run({ paths: SUBSET, targets: [target], reporters: [], expectations: { xmpp: asXmpp } });
      expectAgreement(onEjabberd, scenarios, target.capabilities(), report.scenarios, SKIPS);
      expect(target.accountPool!.setAside).toEqual([]);
    } finally {
      await srv.stop();
    }
  }, 300_000);

  it("accounts by in-band registration (mod_register for loopback): the same verdicts, every account removed", async () => {
    const srv = await startEjabberd({ inBandRegistration: true });
    try {
      const target = createXmppTarget(settings(srv, { register: true }));
      const report = await run({ paths: SUBSET, targets: [target], reporters: [], expectations: { xmpp: asXmpp } });
      expectAgreement(onEjabberd, scenarios, target.capabilities(), report.scenarios, SKIPS);
      expect(target.server!.registered).toEqual([]); // every account it registered was removed again
    } finally {
      await srv.stop();
    }
  }, 300_000);

  it("the control: without inBandRegistration ejabberd refuses registrations (mod_register is there for account removal only), and the xmpp target says so", async () => {
    const srv = await startEjabberd();
    try {
      const target = createXmppTarget(settings(srv, { register: true }));
      // Measured: the form is offered (not advertised in the stream features), the set is refused.
      await expect(target.start()).rejects.toThrow(/^registering pushlab-probe\.\w+@\S+ failed \(auth\/forbidden \(Access denied by service policy\)\): enable in-band registration/);
      await target.stop();
      // Removal still works for an account made another way (the API): what R-ACCOUNT-REMOVED needs.
      const link = target.link;
      await srv.addAccount(DEFAULT_HOST.name, "removable", "pw-removable");
      await (await openAccount(link, "removable", "pw-removable")).close();
      await unregisterAccount(link, "removable", "pw-removable");
      await expect(openAccount(link, "removable", "pw-removable")).rejects.toThrow();
    } finally {
      await srv.stop();
    }
  }, 60_000);
});

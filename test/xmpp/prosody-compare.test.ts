// The same scenarios on the Prosody target and on a Prosody reached only through the generic
// xmpp target (in-band registration, then a file of accounts), the xmpp target judged with
// Prosody's own expectation file: exactly the same verdict per scenario (passed ↔ passed,
// deviation ↔ deviation), except what the generic path cannot do, skipped with its reason.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import { loadAll, run } from "../../simulator/runner.ts";
import { createProsodyTarget, PROSODY_EXPECTATIONS } from "../../simulator/targets/prosody/index.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { DEFAULT_HOST, expectAgreement, explain, retargeted, settingsFor, startProsody, tempDir } from "./support.ts";

const SUBSET = [
  "offline/R-OFFLINE-each-message.yaml",
  "offline/R-OFFLINE-clean-close-unacked.yaml",
  "hibernation/R-HIB-QUEUE.yaml",
  "hibernation/R-ACK-DELAY.yaml", // sets the ack delay to 3 s: the default host has 30 s
  "important/R-IMPORTANT-chat-state.yaml",
  "archive/R-MAM-other-device-online.yaml",
  "errors/R-ERR-WAIT.yaml",
  "multi-device/hibernated-phone-online-tablet.yaml",
  "registration/R-ENABLE-JID-bare.yaml", // Prosody: declared deviation
  "dedup/R-DEDUP-call.yaml", // Prosody: declared deviation (a count)
  "content/R-SUMMARY-form-shape.yaml", // Prosody: declared deviation (the form)
  "content/R-PRIVACY-with-body.yaml", // sets with_body on: the default host says off
  "ping/R-PING-given.yaml", // needs cloud-notify-ping
].map((f) => `scenarios/${f}`);

/** What the generic path skips here and why (the default host's values declared; no ping from outside). */
const SKIPS: Record<string, RegExp> = {
  "hibernation/R-ACK-DELAY": /^sets smacks_max_ack_delay: 3 \(xmpp: 30\)/,
  "content/R-PRIVACY-with-body": /^sets push_notification_with_body: true \(xmpp: false\)/,
  "ping/R-PING-given": /^needs the ping control: /,
};

const scenarios = new Map(loadAll(SUBSET).flatMap((l) => (l.ok ? [[l.scenario.id, l.scenario] as const] : [])));

describeWithServer("the generic path agrees exactly with the Prosody target", PROSODY, PROSODY_HINT, () => {
  let srv: ProsodyServer;
  let onProsody: Map<string, ScenarioResult>;
  const tmp = tempDir();
  const asXmpp = retargeted(PROSODY_EXPECTATIONS, tmp.dir);
  beforeAll(async () => {
    const report = await run({ paths: SUBSET, targets: [createProsodyTarget()], reporters: [] });
    onProsody = new Map(report.scenarios.map((r) => [r.id, r]));
    srv = await startProsody([DEFAULT_HOST]);
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
    tmp.remove();
  });

  it("the Prosody target ran the subset: passes, declared deviations, the ping; nothing failed", () => {
    for (const r of onProsody.values()) expect(["passed", "deviation"], explain(r)).toContain(r.verdict);
    expect([...onProsody.values()].filter((r) => r.verdict === "deviation").map((r) => r.key).sort()).toEqual(["content/R-SUMMARY-form-shape", "dedup/R-DEDUP-call", "registration/R-ENABLE-JID-bare"]);
  });

  it("accounts by in-band registration: the same verdicts", async () => {
    const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST));
    const report = await run({ paths: SUBSET, targets: [target], reporters: [], expectations: { xmpp: asXmpp } });
    expect(report.targets[0]!.expectations).toMatch(/as-xmpp-prosody-expectations\.yaml$/);
    expectAgreement(onProsody, scenarios, target.capabilities(), report.scenarios, SKIPS);
    // The ping scenario never opened a session: skipped before its first step, nothing on its timeline.
    expect(report.scenarios.find((r) => r.key === "ping/R-PING-given")).toMatchObject({ verdict: "skipped", durationMs: 0, timeline: [] });
  }, 180_000);

  it("accounts from a file (fewer than the scenarios need at once): the same verdicts, every account back and clean", async () => {
    const accounts = ["pool-a", "pool-b", "pool-c", "pool-d"];
    for (const a of accounts) await srv.addAccount(DEFAULT_HOST.name, a, `pw-${a}`);
    const file = tmp.write("accounts.yaml", `accounts:\n${accounts.map((a) => `  - { jid: ${a}@${DEFAULT_HOST.name}, password: pw-${a} }`).join("\n")}\n`);
    const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST, { register: undefined, accounts: file, parallelism: 4 }));
    const report = await run({ paths: SUBSET, targets: [target], reporters: [], expectations: { xmpp: asXmpp } });
    expectAgreement(onProsody, scenarios, target.capabilities(), report.scenarios, SKIPS);
    expect(report.targets[0]!.details!.accounts).toBe(`4 from ${file}`);
    expect(target.accountPool!.setAside).toEqual([]);
    expect(target.accountPool!.available).toBe(4);
    // Pooled accounts are used as they are: nothing was registered.
    expect(target.server!.registered).toEqual([]);
  }, 180_000);

  it("without Prosody's expectation file the declared deviations are failures: the file is what makes them agree", async () => {
    const paths = ["scenarios/registration/R-ENABLE-JID-bare.yaml", "scenarios/offline/R-OFFLINE-each-message.yaml"];
    const report = await run({ paths, targets: [createXmppTarget(settingsFor(srv, DEFAULT_HOST))], reporters: [] });
    expect(report.scenarios.map((r) => `${r.key} ${r.verdict}`)).toEqual(["offline/R-OFFLINE-each-message passed", "registration/R-ENABLE-JID-bare failed"]);
  }, 60_000);
});

// The same scenarios on the Prosody target and on a Prosody reached only through the generic
// xmpp target (in-band registration, then a file of accounts): the verdicts agree — where
// Prosody passes, xmpp passes; where Prosody fails as declared, xmpp fails at that step — and
// what the generic target cannot do is skipped with the reason.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import { loadAll, run } from "../../simulator/runner.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { createProsodyTarget } from "../../simulator/targets/prosody/index.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { DEFAULT_HOST, expectAgreement, prosodyExpectation, settingsFor, startProsody, tempDir } from "./support.ts";

const SUBSET = [
  "offline/R-OFFLINE-each-message.yaml",
  "offline/R-OFFLINE-clean-close-unacked.yaml",
  "hibernation/R-HIB-QUEUE.yaml",
  "hibernation/R-ACK-DELAY.yaml",
  "important/R-IMPORTANT-chat-state.yaml",
  "archive/R-MAM-other-device-online.yaml",
  "errors/R-ERR-WAIT.yaml",
  "multi-device/hibernated-phone-online-tablet.yaml",
  "registration/R-ENABLE-JID-bare.yaml", // Prosody: declared deviation (whole scenario)
  "dedup/R-DEDUP-call.yaml", // Prosody: declared deviation (one step)
  "content/R-SUMMARY-form-shape.yaml", // Prosody: declared deviation
  "content/R-PRIVACY-with-body.yaml", // needs with_body on: skipped on the default host
  "ping/R-PING-given.yaml", // needs cloud-notify-ping: skipped
].map((f) => `scenarios/${f}`);
const SKIPPED_HERE = ["content/R-PRIVACY-with-body.yaml", "ping/R-PING-given.yaml"];

const scenarios = new Map(loadAll(SUBSET).flatMap((l) => (l.ok ? [[l.scenario.id, l.scenario] as const] : [])));

function compare(prosody: Map<string, ScenarioResult> | undefined, xmpp: ScenarioResult[]): void {
  expect(xmpp).toHaveLength(SUBSET.length);
  for (const r of xmpp) {
    const s: Scenario = scenarios.get(r.id)!;
    const p = prosody?.get(r.id);
    const onProsody = p ? (p.verdict as "passed" | "deviation" | "skipped") : prosodyExpectation(s);
    expectAgreement(s, onProsody, r);
    expect(r.verdict === "skipped", `${r.id}: ${r.verdict}`).toBe(SKIPPED_HERE.some((f) => r.file.endsWith(f)));
  }
}

describeWithServer("the generic path agrees with the Prosody target", PROSODY, PROSODY_HINT, () => {
  let srv: ProsodyServer;
  let onProsody: Map<string, ScenarioResult>;
  beforeAll(async () => {
    const report = await run({ paths: SUBSET, targets: [createProsodyTarget()], reporters: [] });
    onProsody = new Map(report.scenarios.map((r) => [r.id, r]));
    srv = await startProsody([DEFAULT_HOST], { registration: true });
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
  });

  it("the Prosody target ran the subset as its declarations say", () => {
    for (const [id, r] of onProsody) expect(r.verdict, `${id}: ${r.findings.map((f) => f.message).join("; ")}`).toBe(prosodyExpectation(scenarios.get(id)!));
  });

  it("accounts by in-band registration: the same verdicts", async () => {
    const report = await run({ paths: SUBSET, targets: [createXmppTarget(settingsFor(srv, DEFAULT_HOST))], reporters: [] });
    compare(onProsody, report.scenarios);
  }, 180_000);

  it("accounts from a file (fewer than the scenarios need at once): the same verdicts, every account back and clean", async () => {
    const tmp = tempDir();
    try {
      const accounts = ["pool-a", "pool-b", "pool-c", "pool-d"];
      for (const a of accounts) await srv.addAccount(DEFAULT_HOST.name, a, `pw-${a}`);
      const file = tmp.write("accounts.yaml", `accounts:\n${accounts.map((a) => `  - { jid: ${a}@${DEFAULT_HOST.name}, password: pw-${a} }`).join("\n")}\n`);
      const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST, { register: undefined, accounts: file, parallelism: 4 }));
      const report = await run({ paths: SUBSET, targets: [target], reporters: [] });
      compare(onProsody, report.scenarios);
      expect(report.targets[0]!.details!.accounts).toBe(`4 from ${file}`);
      expect(target.accountPool!.setAside).toEqual([]);
      expect(target.accountPool!.available).toBe(4);
      // Pooled accounts are used as they are: nothing was registered.
      expect(target.server!.registered).toEqual([]);
    } finally {
      tmp.remove();
    }
  }, 180_000);
});

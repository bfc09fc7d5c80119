// The xmpp target's capabilities and how the runner's one option rule (unmetNeed) reads them: a
// server pushlab does not run has no controls, the features it advertises, and for each option
// the value the user declared (else unknown). The rule's general semantics (fixed value, unknown
// = default, never for timers) are in test/scenario/options-contract.test.ts; here: what the
// xmpp target's declarations and discovered facts make of real scenarios, and that such a
// scenario is skipped before its first step.
import { describe, expect, it } from "vitest";
import { loadAll, run } from "../../simulator/runner.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import type { Target, TargetCapabilities } from "../../simulator/target.ts";
import { XMPP_CONTROLS, xmppCapabilities } from "../../simulator/targets/xmpp/capabilities.ts";
import type { ServerFacts } from "../../simulator/targets/xmpp/discover.ts";
import type { OptionValue } from "../../simulator/targets/xmpp/settings.ts";

const FACTS: ServerFacts = { registration: true, streamManagement: true, csi: true, carbons: true, push: true, mam: true };
const xmpp = (declared: Record<string, OptionValue> = {}, facts: Partial<ServerFacts> = {}) => xmppCapabilities({ ...FACTS, ...facts }, declared);
const DECIDES = "the server's own configuration decides it (declare its value under server-options or with --server-option)";

const bundled = new Map(loadAll(["scenarios"]).flatMap((l) => (l.ok ? [[l.scenario.key, l.scenario] as const] : [])));
function scenario(key: string): Scenario {
  const s = bundled.get(key);
  if (!s) throw new Error(`no bundled scenario ${key}`);
  return s;
}
function text(options: string, steps = "  - connect: alice\n"): Scenario {
  const [l] = loadScenarioText(`name: options\nrules: [R-OFFLINE]\noptions: { ${options} }\npersonas: { alice: {} }\nsteps:\n${steps}`, "t.yaml");
  if (!l!.ok) throw new Error(JSON.stringify(l!.broken.errors));
  return l!.scenario;
}

describe("xmpp capabilities", () => {
  it("no server control; archive-off never; carbons and CSI as the server advertises them", () => {
    const caps = xmpp();
    for (const c of Object.values(caps.controls)) expect(c.ok).toBe(false);
    expect(caps.controls).toBe(XMPP_CONTROLS);
    expect(caps.features["archive-off"]).toMatchObject({ ok: false, reason: expect.stringContaining("cannot turn it off for one scenario") });
    expect(caps.features.carbons).toEqual({ ok: true });
    expect(caps.features.csi).toEqual({ ok: true });
    const none = xmpp({}, { carbons: false, csi: false });
    expect(none.features.carbons).toEqual({ ok: false, reason: "the server does not advertise message carbons (urn:xmpp:carbons:2) in disco#info" });
    expect(none.features.csi).toEqual({ ok: false, reason: "the server offers no client state indication (urn:xmpp:csi:0) stream feature" });
  });

  it("no option is settable; a declared one carries its value, an undeclared one none", () => {
    const caps = xmpp({ push_max_errors: 3, push_notification_important_body: "" });
    for (const o of Object.values(caps.options)) expect(o).toMatchObject({ ok: false, reason: DECIDES });
    expect(caps.options.push_max_errors).toEqual({ ok: false, reason: DECIDES, value: 3 });
    expect(caps.options.push_notification_important_body).toEqual({ ok: false, reason: DECIDES, value: "" });
    expect(caps.options.push_max_devices).not.toHaveProperty("value");
  });
});

describe("unmetNeed with xmpp capabilities", () => {
  it("declared values: a scenario runs when it sets exactly the declared value, with both values named otherwise", () => {
    const s = scenario("errors/R-ERR-COUNT-small-max"); // push_max_errors: 3
    expect(unmetNeed(s, xmpp({ push_max_errors: 3 }), "xmpp")).toBeUndefined();
    expect(unmetNeed(s, xmpp({ push_max_errors: 16 }), "xmpp")).toBe(`sets push_max_errors: 3 (xmpp: 16), which xmpp cannot give it: ${DECIDES}`);
    expect(unmetNeed(text("smacks_hibernation_time: 4"), xmpp({ smacks_hibernation_time: 4 }), "xmpp")).toBeUndefined();
    expect(unmetNeed(text("push_notification_important_body: ''"), xmpp({ push_notification_important_body: "" }), "xmpp")).toBeUndefined();
  });

  it("unknown values: the vocabulary's default is assumed, never for a timer", () => {
    const caps = xmpp();
    expect(unmetNeed(text("push_notification_with_body: false"), caps, "xmpp")).toBeUndefined();
    expect(unmetNeed(text("push_max_errors: 16"), caps, "xmpp")).toBeUndefined();
    expect(unmetNeed(scenario("errors/R-ERR-COUNT-small-max"), caps, "xmpp")).toBe(`sets push_max_errors: 3 (xmpp: unknown), which xmpp cannot give it: ${DECIDES}`);
    expect(unmetNeed(text("smacks_hibernation_time: 600"), caps, "xmpp")).toMatch(/^sets smacks_hibernation_time: 600 \(xmpp: unknown\)/);
    expect(unmetNeed(text("push_reply_timeout: 120"), caps, "xmpp")).toMatch(/^sets push_reply_timeout: 120 \(xmpp: unknown\)/);
  });

  it("options a scenario leaves out are not matched, whatever the server declared", () => {
    const s = scenario("offline/R-OFFLINE-each-message");
    expect(Object.keys(s.options)).toEqual([]);
    expect(unmetNeed(s, xmpp({ push_notification_with_body: true, smacks_hibernation_time: 1 }), "xmpp")).toBeUndefined();
  });

  it("every misfit is listed, with each distinct reason once", () => {
    expect(unmetNeed(text("push_max_errors: 1, smacks_hibernation_time: 4"), xmpp({ smacks_hibernation_time: 6 }), "xmpp")).toBe(
      `sets push_max_errors: 1 (xmpp: unknown), smacks_hibernation_time: 4 (xmpp: 6), which xmpp cannot give it: ${DECIDES}`,
    );
  });

  it("controls and features come before options, with the xmpp target's reasons", () => {
    const caps = xmpp({}, { carbons: false, csi: false });
    const cases: [string, string][] = [
      ["ping/R-PING-given", "needs the ping control: cloud-notify-ping is an event inside the server; no client or component can fire it"],
      ["dedup/R-DEDUP-restart", "needs the restart control: the xmpp target does not run the server, so it cannot restart it"],
      ["registration/R-VETO-REG", "needs the veto-hooks control: veto hooks are server modules; the xmpp target cannot install any"],
      ["registration/R-ENABLE-STOREFAIL", "needs the store-failure control: the xmpp target has no access to the server's storage"],
      ["archive/R-MAM-archive-off", "needs archive-off: the archive is the server's configuration; the xmpp target cannot turn it off for one scenario"],
      ["important/R-IMPORTANT-sent-carbon", "needs carbons: the server does not advertise message carbons (urn:xmpp:carbons:2) in disco#info"],
      ["hibernation/CSI-held-not-pushed", "needs csi: the server offers no client state indication (urn:xmpp:csi:0) stream feature"],
    ];
    for (const [key, why] of cases) expect(unmetNeed(scenario(key), caps, "xmpp"), key).toBe(why);
    // The same scenarios run where the capability is there (a positive control for the two features).
    expect(unmetNeed(scenario("important/R-IMPORTANT-sent-carbon"), xmpp(), "xmpp")).toBeUndefined();
    expect(unmetNeed(scenario("hibernation/CSI-held-not-pushed"), xmpp(), "xmpp")).toBeUndefined();
  });
});

describe("the runner skips such scenarios before their first step", () => {
  /** The xmpp target's capabilities on a target that must never be asked to open a session. */
  function neverOpened(caps: TargetCapabilities): Target & { opened: number } {
    return {
      name: "xmpp",
      defaultProfile: "xep",
      parallelism: 2,
      opened: 0,
      available: async () => ({ ok: true }),
      start: async () => ({ name: "xmpp", version: "capabilities only" }),
      capabilities: () => caps,
      async open() {
        this.opened++;
        throw new Error("open() must not be called for a scenario the target cannot run");
      },
      stop: async () => {},
    };
  }

  it("ping, restart, archive off and a misfitting option: skipped with the reason, no session, no timeline", async () => {
    const target = neverOpened(xmpp({ push_max_errors: 16 }));
    const files = ["ping/R-PING-given", "ping/R-PING-all", "dedup/R-DEDUP-restart", "archive/R-MAM-archive-off", "errors/R-ERR-COUNT-small-max"].map((k) => `scenarios/${k}.yaml`);
    const report = await run({ paths: files, targets: [target], reporters: [] });
    expect(report.scenarios).toHaveLength(files.length);
    for (const r of report.scenarios) {
      expect(r.verdict, r.id).toBe("skipped");
      expect(r.timeline, r.id).toEqual([]);
      expect(r.durationMs, r.id).toBe(0);
    }
    expect(report.scenarios.filter((r) => r.file.includes("/ping/")).map((r) => r.skipReason)).toEqual([
      "needs the ping control: cloud-notify-ping is an event inside the server; no client or component can fire it",
      "needs the ping control: cloud-notify-ping is an event inside the server; no client or component can fire it",
    ]);
    expect(target.opened).toBe(0);
  });

  it("the control: a scenario the capabilities allow does reach open()", async () => {
    const target = neverOpened(xmpp());
    const report = await run({ paths: ["scenarios/offline/R-OFFLINE-each-message.yaml"], targets: [target], reporters: [] });
    expect(target.opened).toBe(1);
    expect(report.scenarios[0]!.verdict).toBe("failed");
  });
});

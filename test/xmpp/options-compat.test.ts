// When a target cannot set options, archive or controls, the scenario is skipped with the
// reason — and runs exactly when the server's declared configuration fits what it needs.
import { describe, expect, it } from "vitest";
import { optionsCompatible, worldCompatible } from "../../simulator/options-compat.ts";
import { ENGINE_CAPABILITIES } from "../../simulator/targets/engine/capabilities.ts";
import { prosodyCapabilities } from "../../simulator/targets/prosody/capabilities.ts";
import { xmppCapabilities } from "../../simulator/targets/xmpp/capabilities.ts";
import type { ServerFacts } from "../../simulator/targets/xmpp/discover.ts";
import type { ScenarioOptions, WorldSpec } from "../../simulator/target.ts";

const FACTS: ServerFacts = { registration: true, streamManagement: true, csi: true, carbons: true, push: true, mam: true };
const xmpp = (declared: Record<string, boolean | number | string> = {}) => xmppCapabilities(FACTS, declared);
const w = (options: ScenarioOptions, extra: Partial<WorldSpec> = {}): WorldSpec => ({ scenarioId: "t", options, personas: [], apps: [], archive: true, ...extra });

describe("optionsCompatible", () => {
  it("targets that set options run everything; Prosody skips only what mod_cloud_notify lacks", () => {
    expect(optionsCompatible(w({ push_max_errors: 3, smacks_hibernation_time: 4 }), ENGINE_CAPABILITIES)).toBeUndefined();
    expect(optionsCompatible(w({ push_notification_with_body: true }), prosodyCapabilities(true))).toBeUndefined();
    expect(optionsCompatible(w({ push_dedup_memory: 10 }), prosodyCapabilities(true))).toBe(
      "scenario needs push_dedup_memory=10 (server's value undeclared); push_dedup_memory is pushlab's own option; mod_cloud_notify has no such setting",
    );
  });

  it("a scenario's own value must be the server's declared one", () => {
    const caps = xmpp({ push_notification_with_body: true, push_max_errors: 3 });
    expect(optionsCompatible(w({ push_notification_with_body: true, push_max_errors: 3 }), caps)).toBeUndefined();
    expect(optionsCompatible(w({ push_notification_with_body: true, push_max_errors: 5 }), caps)).toMatch(/^scenario needs push_max_errors=5 \(server: 3\); the server's own configuration decides it/);
  });

  it("undeclared: only the vocabulary's default is assumed, never for the mod_smacks timers", () => {
    const caps = xmpp();
    expect(optionsCompatible(w({}), caps)).toBeUndefined();
    expect(optionsCompatible(w({ push_notification_with_body: false }), caps)).toBeUndefined(); // the default
    expect(optionsCompatible(w({ push_notification_with_body: true }), caps)).toMatch(/needs push_notification_with_body=true \(server's value undeclared\)/);
    expect(optionsCompatible(w({ push_notification_important_body: "" }), caps)).toMatch(/needs push_notification_important_body="" \(server's value undeclared\)/);
    expect(optionsCompatible(w({ smacks_hibernation_time: 600 }), caps)).toMatch(/needs smacks_hibernation_time=600 \(server's value undeclared\)/);
  });

  it("left out: a declared value must be the default; a timer at least the shortest the suite is written for", () => {
    expect(optionsCompatible(w({}), xmpp({ push_notification_with_body: true }))).toMatch(/needs the default push_notification_with_body=false, as it leaves it out \(server: true\)/);
    expect(optionsCompatible(w({}), xmpp({ push_notification_with_body: false, smacks_hibernation_time: 6, smacks_max_ack_delay: 30 }))).toBeUndefined();
    expect(optionsCompatible(w({}), xmpp({ smacks_hibernation_time: 300 }))).toBeUndefined();
    expect(optionsCompatible(w({}), xmpp({ smacks_hibernation_time: 2 }))).toMatch(/needs smacks_hibernation_time ≥ 6 s, as it leaves it out \(server: 2\)/);
    expect(optionsCompatible(w({}), xmpp({ smacks_max_ack_delay: 1 }))).toMatch(/smacks_max_ack_delay ≥ 3 s/);
  });

  it("lists every misfit once, with each distinct reason once", () => {
    const r = optionsCompatible(w({ push_max_errors: 1, smacks_hibernation_time: 4 }), xmpp({ smacks_hibernation_time: 6 }));
    expect(r).toBe(
      "scenario needs push_max_errors=1 (server's value undeclared), smacks_hibernation_time=4 (server: 6); the server's own configuration decides it (declare its value under server-options or with --server-option)",
    );
  });
});

describe("worldCompatible", () => {
  it("archive off, restart, storage failure and veto hooks need the matching capability", () => {
    const caps = xmpp();
    expect(worldCompatible(w({}), caps)).toBeUndefined();
    expect(worldCompatible(w({}, { archive: false }), caps)).toMatch(/^scenario needs the message archive off: the archive is the server's configuration/);
    expect(worldCompatible(w({}, { needs: ["restart"] }), caps)).toMatch(/^scenario needs to restart the server: the xmpp target does not run the server/);
    expect(worldCompatible(w({}, { needs: ["store-failure"] }), caps)).toMatch(/^scenario needs to make the server's storage fail/);
    expect(worldCompatible(w({}, { hooks: { vetoPush: [{ reason: "x" }] } }), caps)).toMatch(/^scenario needs to install server-side veto hooks/);
    expect(worldCompatible(w({}, { hooks: {} }), caps)).toBeUndefined(); // no hooks declared
    expect(worldCompatible(w({ push_max_devices: 2 }), caps)).toMatch(/push_max_devices=2/);
    for (const world of [w({}, { archive: false }), w({}, { needs: ["restart", "store-failure"] }), w({}, { hooks: { vetoRegistration: [{ error: { type: "cancel", condition: "x" } }] } })]) {
      expect(worldCompatible(world, ENGINE_CAPABILITIES)).toBeUndefined();
    }
  });

  it("xmpp capabilities: carbons and CSI as discovered, with reasons when missing", () => {
    const none = xmppCapabilities({ ...FACTS, carbons: false, csi: false }, {});
    expect(none.features.carbons).toEqual({ ok: false, reason: "the server does not advertise message carbons (urn:xmpp:carbons:2) in disco#info" });
    expect(none.features.csi.ok).toBe(false);
    expect(xmpp().features.carbons).toEqual({ ok: true });
    for (const c of Object.values(none.controls)) expect(c.ok).toBe(false);
    expect(xmpp({ push_max_errors: 3 }).options.push_max_errors).toMatchObject({ ok: false, value: 3 });
    expect(xmpp().options.push_max_errors).not.toHaveProperty("value");
  });
});

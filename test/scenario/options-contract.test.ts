// The option contract: a scenario writes out every option its verdict depends on, so a target
// that cannot give it that value (a server with its own configuration) skips it instead of
// failing it. XEP-0357-level scenarios are written to hold for any value of the policy options.
import { describe, expect, it } from "vitest";
import { loadAll } from "../../simulator/runner.ts";
import { optionsDependedOn, unmetNeed } from "../../simulator/scenario/needs.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { ENGINE_CAPABILITIES } from "../../simulator/targets/engine/capabilities.ts";

const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));

describe("options a scenario depends on are written out", () => {
  it("for every bundled scenario above the XEP level", () => {
    const missing = scenarios
      .filter((s) => s.level !== "xep-0357")
      .map((s) => [s.key, optionsDependedOn(s).filter((o) => !(o in s.options))] as const)
      .filter(([, m]) => m.length > 0)
      .map(([k, m]) => `${k}: ${m.join(", ")}`);
    expect(missing).toEqual([]);
  });

  it("the dependency reading sees body and sender checks, error replies, several enables, withheld acks", () => {
    const [l] = loadScenarioText(
      `name: dependencies\nrules: [R-IMPORTANT]\npersonas: { alice: {}, bob: {} }\nsteps:\n  - app: { reply: { error: { type: cancel, condition: gone } } }\n  - connect: alice\n  - enable: { persona: alice, node: a }\n  - enable: { persona: alice, node: b }\n  - stop-acking: alice\n  - expect-pushes: { count: 0, match: { body: absent, sender: absent } }\n`,
      "deps.yaml",
    );
    if (!l!.ok) throw new Error(JSON.stringify(l!.broken.errors));
    expect(optionsDependedOn(l!.scenario).sort()).toEqual(
      ["push_max_devices", "push_max_errors", "push_notification_important_body", "push_notification_with_body", "push_notification_with_sender", "smacks_max_ack_delay"].sort(),
    );
  });

  it("a fixed server value: the scenario runs when it asks for exactly that value; an unknown one is assumed the default, never for timers", () => {
    const caps = (value?: number | boolean) => ({
      ...ENGINE_CAPABILITIES,
      options: {
        ...ENGINE_CAPABILITIES.options,
        push_max_errors: { ok: false as const, reason: "fixed by the server", ...(value !== undefined && { value }) },
        smacks_hibernation_time: { ok: false as const, reason: "fixed by the server" },
      },
    });
    const s = (options: string) => {
      const [l] = loadScenarioText(`name: opts\nrules: [R-ERR-COUNT]\noptions: { ${options} }\npersonas: { alice: {} }\nsteps:\n  - connect: alice\n`, "o.yaml");
      if (!l!.ok) throw new Error("broken");
      return l!.scenario;
    };
    expect(unmetNeed(s("push_max_errors: 1"), caps(1), "srv")).toBeUndefined();
    expect(unmetNeed(s("push_max_errors: 16"), caps(1), "srv")).toBe("sets push_max_errors: 16 (srv: 1), which srv cannot give it: fixed by the server");
    expect(unmetNeed(s("push_max_errors: 16"), caps(), "srv")).toBeUndefined(); // unknown: the default is assumed
    expect(unmetNeed(s("push_max_errors: 3"), caps(), "srv")).toMatch(/push_max_errors: 3 \(srv: unknown\)/);
    expect(unmetNeed(s("smacks_hibernation_time: 600"), caps(), "srv")).toMatch(/smacks_hibernation_time: 600 \(srv: unknown\)/);
  });
});

// prepare(): the runner hands the Prosody target the scenarios it will run before start(), so the
// VirtualHosts of those that run on the shared server are in Prosody's first config (no reload
// while scenarios run). No server needed.
import { describe, expect, it } from "vitest";
import { loadAll } from "../../simulator/runner.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import type { WorldSpec } from "../../simulator/target.ts";
import { createProsodyTarget } from "../../simulator/targets/prosody/index.ts";
import { hostFor } from "../../simulator/targets/prosody/option-hosts.ts";

const bundled = new Map(loadAll(["scenarios"]).flatMap((l) => (l.ok ? [[l.scenario.key, l.scenario] as const] : [])));
const scenario = (key: string): Scenario => bundled.get(key)!;
function text(name: string, options: string, steps: string): Scenario {
  const [l] = loadScenarioText(`name: ${name}\nrules: [R-OFFLINE]\noptions: { ${options} }\npersonas: { alice: {} }\nsteps:\n${steps}`, `${name}.yaml`);
  if (!l!.ok) throw new Error(JSON.stringify(l!.broken.errors));
  return l!.scenario;
}
const host = (options: WorldSpec["options"]) => hostFor({ options, archive: true }).name;

describe("Prosody target prepare()", () => {
  it("declares the VirtualHosts of exactly the scenarios that run on the shared server", () => {
    const target = createProsodyTarget();
    target.prepare([
      scenario("offline/R-OFFLINE-each-message"), // the default host
      scenario("content/R-PRIVACY-with-body"), // with_body on
      text("plain", "smacks_hibernation_time: 8", "  - connect: alice\n"), // a host of its option set
      text("restarted", "smacks_hibernation_time: 9", "  - connect: alice\n  - restart: true\n"), // a dedicated server
    ]);
    expect(target.preparedHosts.sort()).toEqual([host({}), host({ push_notification_with_body: true }), host({ smacks_hibernation_time: 8 })].sort());
  });

  it("without its control module, a scenario that needs the ping control is skipped, so it adds no host", () => {
    const target = createProsodyTarget({ controls: false });
    target.prepare([text("pinged", "smacks_hibernation_time: 7", "  - connect: alice\n  - ping: alice\n")]);
    expect(target.preparedHosts).toEqual([]);
  });
});

// The whole scenario suite through the generic xmpp target, once, against one harness-started
// Prosody with a VirtualHost per option set the suite uses — each host reached as its own
// "server" whose options are declared in the settings, the way a maintainer would declare
// theirs. Every scenario runs where its options fit and agrees with Prosody's declared
// verdicts; the only scenarios that run nowhere are those needing what no client can do.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import { createReporters } from "../../reports/index.ts";
import { loadAll, run } from "../../simulator/runner.ts";
import { worldOf } from "../../simulator/scenario/run-scenario.ts";
import { worldCompatible } from "../../simulator/options-compat.ts";
import { hostFor, type HostSpec } from "../../simulator/targets/prosody/option-hosts.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import { xmppCapabilities } from "../../simulator/targets/xmpp/capabilities.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { DEFAULT_HOST, expectAgreement, prosodyExpectation, settingsFor, startProsody } from "./support.ts";

const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));
const HOSTS_AT_ONCE = 3;

/** Every archive-on option set the suite uses, one VirtualHost each (the default first). */
function hostsOfSuite(): HostSpec[] {
  const hosts = new Map<string, HostSpec>([[DEFAULT_HOST.name, DEFAULT_HOST]]);
  for (const s of scenarios) {
    const h = hostFor({ options: s.options, archive: true });
    hosts.set(h.name, h);
  }
  return [...hosts.values()];
}

describeWithServer("the whole suite through the generic xmpp target (Prosody, one host per option set)", PROSODY, PROSODY_HINT, () => {
  let srv: ProsodyServer;
  const runs = new Map<string, ScenarioResult[]>(); // scenario id → its result on every host
  const hosts = hostsOfSuite();

  beforeAll(async () => {
    // One component per lane: a component domain takes one connection at a time.
    const lanes = Array.from({ length: HOSTS_AT_ONCE }, (_, i) => ({ domain: `push${i}.localhost`, secret: `lane-secret-${i}` }));
    srv = await startProsody(hosts, { registration: true, components: lanes });
    let next = 0;
    const lane = async (component: { domain: string; secret: string }) => {
      while (next < hosts.length) {
        const host = hosts[next++]!;
        const isDefault = host.name === DEFAULT_HOST.name;
        // The default host's run is kept as a report (a CI artifact), like the Prosody suite's.
        const reporters = isDefault ? createReporters({ reportDir: "reports/out/xmpp-prosody", formats: ["json", "junit", "html"] }) : [];
        const settings = settingsFor(srv, host, { parallelism: 6, component: { port: srv.componentPort, ...component } });
        const report = await run({ paths: ["scenarios"], targets: [createXmppTarget(settings)], reporters });
        for (const r of report.scenarios) runs.set(r.id, [...(runs.get(r.id) ?? []), r]);
      }
    };
    await Promise.all(lanes.map(lane));
    writeMatrix();
  }, 900_000);

  /** reports/out/xmpp-prosody/matrix.json: per scenario, the verdict on each host it ran on. */
  function writeMatrix(): void {
    const rows = scenarios.map((s) => {
      const rs = runs.get(s.id) ?? [];
      const ran = rs.filter((r) => r.verdict !== "skipped");
      return { id: s.id, verdicts: ran.map((r) => r.verdict), ...(ran.length === 0 && { skipped: rs[0]?.skipReason }) };
    });
    const count = (v: string) => rows.filter((r) => r.verdicts.length > 0 && r.verdicts.every((x) => x === v)).length;
    const summary = { hosts: hosts.length, scenarios: rows.length, passed: count("passed"), failed: count("failed"), skippedEverywhere: rows.filter((r) => r.verdicts.length === 0).length };
    mkdirSync("reports/out/xmpp-prosody", { recursive: true });
    writeFileSync("reports/out/xmpp-prosody/matrix.json", JSON.stringify({ summary, rows }, null, 2));
  }
  afterAll(async () => {
    await srv?.stop();
  });

  it(`covers every scenario on each of the suite's ${hosts.length} option sets`, () => {
    expect(hosts.length).toBeGreaterThan(5);
    expect(runs.size).toBe(scenarios.length);
    for (const [id, rs] of runs) expect(rs.length, id).toBe(hosts.length);
  });

  const caps = xmppCapabilities({ registration: true, streamManagement: true, csi: true, carbons: true, push: true, mam: true }, {});
  for (const s of scenarios) {
    it(`${s.name} (${s.file})`, () => {
      const rs = runs.get(s.id) ?? [];
      const ran = rs.filter((r) => r.verdict !== "skipped");
      for (const r of rs) expectAgreement(s, prosodyExpectation(s), r);
      // It runs somewhere unless it needs a control, hooks or the archive off — never for options
      // alone. (A ping step is not in the world's needs: such a scenario skips at that step.)
      const ping = s.steps.some((st) => st.action === "ping") ? "a ping step" : undefined;
      const needsMore = worldCompatible({ ...worldOf(s), options: {} }, caps) ?? ping;
      if (needsMore) expect(ran, `${s.id} should be skipped everywhere: ${needsMore}`).toHaveLength(0);
      else expect(ran.length, `${s.id} ran on no host: ${rs.map((r) => r.skipReason).join(" | ")}`).toBeGreaterThan(0);
    });
  }
});

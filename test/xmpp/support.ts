// Shared bits for the xmpp target's tests: a harness-started Prosody reached only through the
// generic path (its c2s port, its component, in-band registration or a file of accounts), the
// settings that describe one of its VirtualHosts, and the rule that compares verdicts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { ScenarioResult } from "../../simulator/results.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { OPTION_NAMES, OPTIONS } from "../../simulator/options.ts";
import type { OptionName } from "../../simulator/target.ts";
import { hostFor, type HostSpec } from "../../simulator/targets/prosody/option-hosts.ts";
import { ProsodyServer, type ProsodyServerOptions } from "../../simulator/targets/prosody/prosody-server.ts";
import { resolveSettings, type OptionValue, type XmppSettings, type XmppSettingsInput } from "../../simulator/targets/xmpp/settings.ts";

export const DEFAULT_HOST = hostFor({ options: {}, archive: true });

/** A Prosody with the given hosts, started; the caller stops it. */
export async function startProsody(hosts: HostSpec[], extras: ProsodyServerOptions["extras"] = { registration: true }): Promise<ProsodyServer> {
  const srv = await ProsodyServer.start({ hosts, extras });
  try {
    for (const h of hosts) await srv.ensureHost(h);
  } catch (e) {
    await srv.stop();
    throw e;
  }
  return srv;
}

/**
 * What a maintainer would declare for this VirtualHost: every mod_cloud_notify / mod_smacks
 * option's value on it (the host's own settings over the modules' defaults). pushlab's own
 * options have no Prosody setting and stay undeclared.
 */
export function declaredOptions(host: HostSpec): Partial<Record<OptionName, OptionValue>> {
  const out: Partial<Record<OptionName, OptionValue>> = {};
  for (const n of OPTION_NAMES) if (OPTIONS[n].origin !== "pushlab") out[n] = OPTIONS[n].default;
  return { ...out, ...(host.options as Partial<Record<OptionName, OptionValue>>) };
}

/** Settings for the xmpp target that reach `host` on `srv` like any server (no TLS unless given). */
export function settingsFor(srv: ProsodyServer, host: HostSpec, over: Partial<XmppSettingsInput> = {}): XmppSettings {
  const input: XmppSettingsInput = {
    host: "127.0.0.1",
    port: srv.c2sPort,
    domain: host.name,
    tls: "none",
    component: { host: "127.0.0.1", port: srv.componentPort, domain: srv.pushDomain, secret: srv.pushSecret },
    register: true,
    "server-options": declaredOptions(host),
    parallelism: 8,
    ...over,
  };
  return resolveSettings(undefined, { input, where: (p) => `test:${p.join(".")}` });
}

/** A temp folder for config and accounts files. */
export function tempDir(): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-xmpp-test-"));
  return {
    dir,
    write: (name, text) => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * What Prosody does with this scenario, as its declarations say (test/prosody/conformance.test.ts
 * holds the Prosody target to them): "passed", "deviation" (it fails as declared), or "skipped".
 */
export function prosodyExpectation(s: Scenario): "passed" | "deviation" | "skipped" {
  if (s.on.prosody?.skip) return "skipped";
  if (s.on.prosody?.deviation || s.steps.some((st) => st.on.prosody?.deviation)) return "deviation";
  return "passed";
}

/**
 * Whether a step's Prosody override only widens the push count around what the scenario itself
 * expects (e.g. "0 or 1 push" where the scenario says 0): then Prosody may behave as the
 * scenario says, and the generic target may pass that step.
 */
function overrideAdmitsOriginal(step: Scenario["steps"][number]): boolean {
  const over = step.on.prosody?.args ?? {};
  const count = step.args.count;
  if (step.action !== "expect-pushes" || typeof count !== "number" || over.count !== undefined) return false;
  const lo = typeof over["at-least"] === "number" ? over["at-least"] : 0;
  const hi = typeof over["at-most"] === "number" ? over["at-most"] : Infinity;
  return lo <= count && count <= hi && (count === 0 || over.match === undefined);
}

/**
 * The generic target sees Prosody's behaviour without Prosody's declarations: where Prosody
 * passes it must pass; where Prosody deviates (declared) it must fail — at a step Prosody's
 * declaration overrides, unless the whole scenario is declared — or, where every overriding
 * step admits the scenario's own expectation, it may pass. Skips need a reason.
 */
export function expectAgreement(s: Scenario, prosody: "passed" | "deviation" | "skipped", xmpp: ScenarioResult): void {
  const why = `${s.id}: xmpp ${xmpp.verdict}${xmpp.skipReason ? ` (${xmpp.skipReason})` : ""}\n${xmpp.findings.map((f) => `${f.check}: ${f.message}`).join("\n")}`;
  if (xmpp.verdict === "skipped") {
    expect(xmpp.skipReason, why).toMatch(/\S/);
    return;
  }
  if (prosody === "passed") expect(xmpp.verdict, why).toBe("passed");
  else if (prosody === "deviation") {
    const mayPass = !s.on.prosody?.deviation && s.steps.filter((st) => st.on.prosody?.deviation).every(overrideAdmitsOriginal);
    if (mayPass && xmpp.verdict === "passed") return;
    expect(xmpp.verdict, why).toBe("failed");
    if (!s.on.prosody?.deviation) {
      const steps = new Set(s.steps.filter((st) => st.on.prosody).map((st) => st.index));
      expect(xmpp.findings.some((f) => f.step !== undefined && steps.has(f.step)), `${why}\nfailed at a step Prosody's declaration does not cover`).toBe(true);
    }
  } else throw new Error(`${s.id} is skipped on Prosody, yet ran on xmpp: ${why}`);
}

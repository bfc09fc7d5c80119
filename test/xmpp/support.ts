// Shared bits for the xmpp target's tests: a harness-started Prosody reached only through the
// generic path (its c2s port, its component, in-band registration or a file of accounts), the
// options a maintainer would declare for a server, a server's expectation file retargeted to
// the xmpp target, and the exact verdict comparison with a server's own target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { effectiveOptions, OPTION_NAMES } from "../../simulator/options.ts";
import type { ScenarioResult } from "../../simulator/results.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import type { DeclaredVerdict } from "../support/declared-verdict.ts";
import type { OptionName, ScenarioOptions, TargetCapabilities } from "../../simulator/target.ts";
import { prosodyCapabilities } from "../../simulator/targets/prosody/capabilities.ts";
import { hostFor, type HostSpec } from "../../simulator/targets/prosody/option-hosts.ts";
import { ProsodyServer, type ProsodyServerOptions } from "../../simulator/targets/prosody/prosody-server.ts";
import { resolveSettings, type OptionValue, type XmppSettings, type XmppSettingsInput } from "../../simulator/targets/xmpp/settings.ts";

export const DEFAULT_HOST = hostFor({ options: {}, archive: true });

/** A Prosody with the given hosts (in-band registration on unless opts say otherwise), started; the caller stops it. */
export async function startProsody(hosts: HostSpec[], opts: Omit<ProsodyServerOptions, "hosts"> = { extras: { registration: true } }): Promise<ProsodyServer> {
  const srv = await ProsodyServer.start({ ...opts, hosts });
  try {
    for (const h of hosts) await srv.ensureHost(h);
  } catch (e) {
    await srv.stop();
    throw e;
  }
  return srv;
}

/**
 * What a maintainer would declare for a server configured for `options` by a target with these
 * capabilities: every option the target sets, at the scenario's value or the vocabulary's
 * default; every option the server has fixed, at that value; nothing for options it lacks.
 */
export function declaredFor(caps: TargetCapabilities, options: ScenarioOptions): Partial<Record<OptionName, OptionValue>> {
  const all = effectiveOptions(options);
  const out: Partial<Record<OptionName, OptionValue>> = {};
  for (const n of OPTION_NAMES) {
    const sup = caps.options[n];
    if (sup.ok) out[n] = all[n];
    else if (sup.value !== undefined) out[n] = sup.value;
  }
  return out;
}

/** The options of a Prosody VirtualHost as a maintainer would declare them. */
export function declaredOptions(host: HostSpec): Partial<Record<OptionName, OptionValue>> {
  return declaredFor(prosodyCapabilities(true), host.options as ScenarioOptions);
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
 * A copy of a server target's expectation file that judges the xmpp target instead (the loader
 * rejects a file whose `target:` is not the target it is applied to), written into `dir`.
 */
export function retargeted(file: string, dir: string): string {
  const text = readFileSync(file, "utf8");
  const copy = text.replace(/^target: [\w-]+$/m, "target: xmpp");
  if (copy === text) throw new Error(`${file}: no 'target:' line to retarget`);
  const out = join(dir, `as-xmpp-${file.split("/").slice(-2).join("-")}`);
  writeFileSync(out, copy);
  return out;
}

export type OwnVerdict = DeclaredVerdict;

/** One line per result, for assertion messages. */
export function explain(r: ScenarioResult): string {
  return `${r.id}: ${r.target} ${r.verdict}${r.skipReason ? ` (${r.skipReason})` : ""}${r.findings.map((f) => `\n  ${f.check}: ${f.message}`).join("")}`;
}

/**
 * The generic path judged with the server's own expectation file gives exactly the server
 * target's verdict (passed ↔ passed, deviation ↔ deviation), unless it skips the scenario: then
 * `skipWhy` (what the xmpp target's capabilities say) must be the reason, and the caller lists
 * those skips. A scenario the server's target skips must not run on the generic path either.
 */
export function expectSameVerdict(own: OwnVerdict, xmpp: ScenarioResult, skipWhy: string | undefined, ownNote = ""): void {
  const why = `${explain(xmpp)}\n  own target: ${own}${ownNote}`;
  if (skipWhy !== undefined) {
    expect(xmpp.verdict, why).toBe("skipped");
    expect(xmpp.skipReason, why).toBe(skipWhy);
    return;
  }
  expect(xmpp.verdict, why).toBe(own);
}

/**
 * A generic-path run against the server target's results on the same scenarios: every scenario
 * agrees exactly (expectSameVerdict), and the xmpp target skips exactly the scenarios `skips`
 * names, each for the reason its pattern says. The run shows a pass, a declared deviation and a
 * skip at least, so the comparison is not vacuous.
 */
export function expectAgreement(own: Map<string, ScenarioResult>, scenarios: Map<string, Scenario>, caps: TargetCapabilities, xmpp: ScenarioResult[], skips: Record<string, RegExp>): void {
  expect(xmpp).toHaveLength(scenarios.size);
  for (const r of xmpp) {
    const s = scenarios.get(r.id)!;
    const o = own.get(r.id)!;
    const skip = unmetNeed(s, caps, "xmpp");
    expectSameVerdict(o.verdict as OwnVerdict, r, skip, ` — ${explain(o)}`);
    if (skip) expect(skip, s.key).toMatch(skips[s.key] ?? /^(?!)/);
    else expect(skips[s.key], `${s.key} ran on xmpp`).toBeUndefined();
  }
  expect([...new Set(xmpp.map((r) => r.verdict))].sort()).toEqual(["deviation", "passed", "skipped"]);
}

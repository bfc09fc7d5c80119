// The whole scenario suite through the generic xmpp target against a harness-started server
// with one virtual host per option set the suite uses: each scenario runs on the host configured
// for its options (as the server's own target would run it), reached like any server, with that
// host's values declared the way a maintainer would declare them, and judged with the server's
// own expectation file retargeted to xmpp. Shared by the Prosody and ejabberd suite tests.
import { mkdirSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import type { ExpectationSet } from "../../simulator/expectations/model.ts";
import type { ScenarioResult } from "../../simulator/results.ts";
import { expectationsFor, loadAll, run } from "../../simulator/runner.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import type { TargetCapabilities } from "../../simulator/target.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import type { XmppSettings } from "../../simulator/targets/xmpp/settings.ts";
import { declaredVerdict } from "../support/declared-verdict.ts";
import { expectSameVerdict, retargeted, tempDir, type OwnVerdict } from "./support.ts";

export interface SuiteServer {
  /** The server's own target: its name, capabilities and expectation file. */
  own: { name: string; caps: TargetCapabilities; expectationsFile: string };
  /** The virtual host the server's own target would give this scenario. */
  hostOf(s: Scenario): string;
  /** xmpp settings reaching `host` through lane `lane`'s component, with `s`'s host's values declared. */
  settings(host: string, s: Scenario, lane: number): XmppSettings;
  /** Hosts run at the same time, each lane with its own component (the biggest hosts first). */
  lanes: number;
  /** Where matrix.json goes (per scenario: the host, both verdicts, the skip reason). */
  reportDir: string;
}

export interface SuiteOutcome {
  result: ScenarioResult;
  caps: TargetCapabilities; // the xmpp target's, on the scenario's host
}

const LOADED = loadAll(["scenarios"]);
export const SUITE = LOADED.flatMap((l) => (l.ok ? [l.scenario] : []));

/** The suite by host, the hosts with the most scenarios first (the lanes take them in turn). */
function byHost(server: Pick<SuiteServer, "hostOf">): [string, Scenario[]][] {
  const hosts = new Map<string, Scenario[]>();
  for (const s of SUITE) hosts.set(server.hostOf(s), [...(hosts.get(server.hostOf(s)) ?? []), s]);
  return [...hosts].sort((a, b) => b[1].length - a[1].length);
}

/** Every scenario once, on its host, lanes in parallel; resolves to the results by scenario id. */
export async function runSuite(server: SuiteServer): Promise<Map<string, SuiteOutcome>> {
  const tmp = tempDir();
  try {
    const asXmpp = retargeted(server.own.expectationsFile, tmp.dir);
    const hosts = byHost(server);
    const out = new Map<string, SuiteOutcome>();
    let next = 0;
    const lane = async (n: number) => {
      while (next < hosts.length) {
        const [host, scenarios] = hosts[next++]!;
        const target = createXmppTarget(server.settings(host, scenarios[0]!, n));
        const report = await run({ paths: scenarios.map((s) => s.file), targets: [target], reporters: [], expectations: { xmpp: asXmpp } });
        for (const r of report.scenarios) {
          if (out.has(r.id)) throw new Error(`${r.id} ran twice (two hosts share its file)`);
          out.set(r.id, { result: r, caps: target.capabilities() });
        }
      }
    };
    await Promise.all(Array.from({ length: server.lanes }, (_, i) => lane(i)));
    return out;
  } finally {
    tmp.remove();
  }
}

type Row = { key: string; host: string; own: OwnVerdict; xmpp: string; skipReason?: string };

/** reportDir/matrix.json: per scenario both verdicts, and the counts of each target. */
function writeMatrix(server: SuiteServer, rows: Row[]): void {
  const count = (pick: (r: Row) => string) => rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [pick(r)]: (acc[pick(r)] ?? 0) + 1 }), {});
  const summary = { scenarios: rows.length, hosts: new Set(rows.map((r) => r.host)).size, [server.own.name]: count((r) => r.own), xmpp: count((r) => r.xmpp) };
  mkdirSync(server.reportDir, { recursive: true });
  writeFileSync(`${server.reportDir}/matrix.json`, JSON.stringify({ summary, rows }, null, 2));
}

/**
 * Declares the tests: every scenario has a result, and each agrees exactly with what the
 * server's own target gives it (its expectation file and capabilities), or is skipped by the
 * xmpp target's capabilities with that reason — only for what no client or component can do.
 */
export function suiteTests(server: SuiteServer, outcomes: () => Map<string, SuiteOutcome>): void {
  const own = server.own;
  const set: ExpectationSet = expectationsFor({ name: own.name, expectationsFile: own.expectationsFile }, LOADED)!;
  const verdictOf = (s: Scenario) => declaredVerdict(s, set, own.caps, own.name);

  it(`ran each of the ${SUITE.length} scenarios once, on the host of its option set`, () => {
    const got = outcomes();
    expect(got.size).toBe(SUITE.length);
    writeMatrix(
      server,
      SUITE.map((s) => {
        const r = got.get(s.id)!.result;
        return { key: s.key, host: server.hostOf(s), own: verdictOf(s), xmpp: r.verdict, ...(r.skipReason && { skipReason: r.skipReason }) };
      }),
    );
  });

  it("skips on the generic path only what needs a server control, the archive off, or an option no server declares", () => {
    const got = outcomes();
    for (const s of SUITE) {
      const o = got.get(s.id);
      if (o?.result.verdict !== "skipped" || verdictOf(s) === "skipped") continue;
      expect(o.result.skipReason, s.key).toMatch(/^needs (the \S+ control|archive-off)|^sets (push_reply_timeout|push_dedup_memory): /);
    }
  });

  for (const s of SUITE) {
    it(`${s.name} (${s.file})`, () => {
      const o = outcomes().get(s.id);
      expect(o, "no result").toBeDefined();
      expectSameVerdict(verdictOf(s), o!.result, unmetNeed(s, o!.caps, "xmpp"), ` on ${server.hostOf(s)}`);
    });
  }
}

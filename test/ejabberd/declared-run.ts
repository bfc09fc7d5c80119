// Runs the scenario suite on one target with that target's expectation file applied (see
// expectations.ts), feeding the usual reporters. Interim: once the lead's runner reads expectation
// files itself, `pushlab run --target ejabberd` does this and this file goes.
//
//   npx tsx test/ejabberd/declared-run.ts [--grep TEXT] [--report-dir DIR]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { emptyStats, type RunReport, type ScenarioResult, type Verdict } from "../../reports/model.ts";
import { Multiplexer, type Reporter } from "../../reports/reporter.ts";
import { createReporters } from "../../reports/index.ts";
import { loadAll } from "../../simulator/runner.ts";
import { loadRules } from "../../simulator/rules-catalog.ts";
import { runScenario, worldOf } from "../../simulator/scenario/run-scenario.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import type { ControlName, Target, TargetCapabilities, WorldSpec } from "../../simulator/target.ts";
import { HARNESS_VERSION } from "../../simulator/version.ts";
import { applyExpectations, loadExpectations, scenarioKey, type Expectations } from "./expectations.ts";

export { EJABBERD_EXPECTATIONS } from "../../simulator/targets/ejabberd/index.ts";
import { EJABBERD_EXPECTATIONS } from "../../simulator/targets/ejabberd/index.ts";

/** Controls a scenario's steps call on the server. */
const STEP_CONTROLS: Record<string, ControlName> = { restart: "restart", store: "store-failure", ping: "ping" };

export interface Expected {
  verdict: Verdict;
  covers?: number[]; // whole-scenario declaration: the 1-based steps where it may fail
  why: string;
}

/**
 * What a scenario must give on the target: skipped when it needs something the target lacks,
 * deviation when declared, else passed.
 */
export function expectedOutcome(s: Scenario, caps: TargetCapabilities, exp: Expectations, unsupported: (w: WorldSpec) => string | undefined): Expected {
  const lacking = unsupported(worldOf(s)) ?? s.steps.map((st) => STEP_CONTROLS[st.action]).find((c) => c && !caps.controls[c].ok);
  if (lacking) return { verdict: "skipped", why: `needs what ${exp.target} lacks: ${lacking}` };
  const key = scenarioKey(s);
  const whole = exp.whole.get(key);
  if (whole) return { verdict: "deviation", covers: whole.covers, why: whole.reason };
  if (exp.steps.has(key)) return { verdict: "deviation", why: [...exp.steps.get(key)!.values()].map((d) => d.reason).join("; ") };
  return { verdict: "passed", why: "no declaration" };
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export interface DeclaredRunOptions {
  target: Target & { prepare?(worlds: WorldSpec[]): void };
  expectations?: Expectations;
  grep?: string;
  reporters?: Reporter[];
}

/** The whole suite (or the --grep part) on the target, declarations applied. */
export async function runDeclared(opts: DeclaredRunOptions): Promise<{ report: RunReport; scenarios: Scenario[] }> {
  const exp = opts.expectations ?? loadExpectations(EJABBERD_EXPECTATIONS);
  const loaded = loadAll(["scenarios"], opts.grep);
  const broken = loaded.filter((l) => !l.ok);
  if (broken.length > 0) throw new Error(`broken scenarios: ${broken.map((l) => (l.ok ? "" : l.broken.id)).join(", ")}`);
  const all = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));
  const chosen = new Set(loaded.flatMap((l) => (l.ok ? [l.scenario.id] : [])));
  const scenarios = applyExpectations(all, exp).filter((s) => chosen.has(s.id)); // every declaration checked against the whole suite
  const out = new Multiplexer(opts.reporters ?? [], (e) => console.error(`reporter error: ${e.message}`));
  const startedAt = new Date();
  const t0 = performance.now();
  const target = opts.target;
  await out.onBegin({ total: scenarios.length, targets: [target.name], startedAt: startedAt.toISOString() });
  target.prepare?.(scenarios.map(worldOf));
  const summary = { name: target.name, version: "", stats: emptyStats() } as RunReport["targets"][number];
  const results: ScenarioResult[] = [];
  const info = await target.start();
  summary.version = info.version;
  if (info.details) summary.details = info.details;
  await out.onTargetStart(summary);
  try {
    await pool(scenarios, target.parallelism, async (s) => {
      await out.onScenarioBegin({ id: s.id, name: s.name, target: target.name });
      const r = await runScenario(s, target);
      results.push(r);
      summary.stats[r.verdict]++;
      await out.onScenarioEnd(r);
    });
  } finally {
    await target.stop();
  }
  results.sort((a, b) => a.id.localeCompare(b.id));
  const report: RunReport = {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    options: { paths: ["scenarios"], targets: [target.name], expectations: exp.target, ...(opts.grep && { grep: opts.grep }) },
    targets: [summary],
    rules: loadRules(),
    scenarios: results,
    stats: { ...summary.stats },
  };
  await out.onEnd(report);
  return { report, scenarios };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { grep: { type: "string", short: "g" }, "report-dir": { type: "string", short: "r", default: "reports/out/ejabberd" } } });
  const { createEjabberdTarget } = await import("../../simulator/targets/ejabberd/index.ts");
  const { report } = await runDeclared({
    target: createEjabberdTarget(),
    ...(values.grep && { grep: values.grep }),
    reporters: createReporters({ reportDir: values["report-dir"]! }),
  });
  process.exit(report.stats.failed + report.stats.broken > 0 ? 1 : 0);
}

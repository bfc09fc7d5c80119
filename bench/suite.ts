// The scenario suite as a benchmark: on the engine (virtual clock: wall per scenario, slowest),
// and with `servers` named on the command line, on real servers (wall, and what bounds it: the
// longest scenario and the server timers it waits out, since scenarios run in parallel).
import { loadAll, run } from "../simulator/runner.ts";
import { runScenario } from "../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../simulator/targets/engine/index.ts";
import { createTarget } from "../simulator/targets/index.ts";
import type { Scenario } from "../simulator/scenario/model.ts";
import { emit, progress, type Figure } from "./figures.ts";

const figures: Figure[] = [];
const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));

async function engineSuite(): Promise<void> {
  for (const s of scenarios.slice(0, 10)) await runScenario(s, createEngineTarget()); // warm-up
  const t0 = performance.now();
  let slowest = { ms: 0, name: "" };
  for (const s of scenarios) {
    const t = performance.now();
    await runScenario(s, createEngineTarget());
    const d = performance.now() - t;
    if (d > slowest.ms) slowest = { ms: d, name: s.name };
  }
  const ms = performance.now() - t0;
  progress(`engine suite: ${scenarios.length} scenarios in ${ms.toFixed(0)} ms`);
  figures.push(
    { id: "suite.engine.wall", name: `whole suite on the engine (${scenarios.length} scenarios, virtual clock)`, value: Math.round(ms), unit: "ms", goal: { kind: "max", value: 1000 } },
    { id: "suite.engine.per-scenario", name: "suite on the engine, mean per scenario", value: Math.round((ms / scenarios.length) * 100) / 100, unit: "ms" },
    { id: "suite.engine.slowest", name: `slowest scenario on the engine`, value: Math.round(slowest.ms * 10) / 10, unit: "ms", goal: { kind: "max", value: 25 }, note: slowest.name },
  );
}

/** The server timers a scenario waits out on a real server (harness defaults where unset). */
function timersOf(s: Scenario, target: string): string {
  const o = s.options as Record<string, unknown>;
  const waits = s.steps.filter((st) => st.action === "wait" || st.action === "expect-pushes").length;
  const hib = o.smacks_hibernation_time ?? (target === "prosody" ? 6 : undefined);
  const ack = o.smacks_max_ack_delay ?? (target === "prosody" ? 3 : undefined);
  const parts = [`${waits} waiting steps`];
  if (s.steps.some((st) => st.action === "drop")) parts.push(`hibernation ${hib ?? "server default"} s`);
  if (s.steps.some((st) => st.action === "stop-acking")) parts.push(`ack delay ${ack ?? "server default"} s`);
  if (s.steps.some((st) => st.action === "restart")) parts.push("a server restart");
  return parts.join(", ");
}

async function serverSuite(name: string): Promise<void> {
  let target;
  try {
    target = await createTarget(name);
  } catch (e) {
    progress(`${name}: ${(e as Error).message}`);
    return;
  }
  const avail = await target.available();
  if (!avail.ok) {
    progress(`${name}: not available here (${avail.reason})`);
    return;
  }
  progress(`${name}: running the whole suite (this takes minutes)`);
  const report = await run({ paths: ["scenarios"], targets: [target], reporters: [] });
  const results = report.scenarios.filter((r) => r.target === name && r.verdict !== "skipped");
  const byTime = [...results].sort((a, b) => b.durationMs - a.durationMs);
  const sum = results.reduce((n, r) => n + r.durationMs, 0);
  const slow = byTime.slice(0, 3).map((r) => {
    const s = scenarios.find((x) => x.id === r.id);
    return `${r.name.slice(0, 60)} ${(r.durationMs / 1000).toFixed(1)} s (${s ? timersOf(s, name) : "?"})`;
  });
  figures.push(
    {
      id: `suite.${name}.wall`,
      name: `whole suite on ${report.targets[0]?.version || name} (${results.length} scenarios)`,
      value: Math.round(report.durationMs / 100) / 10,
      unit: "s",
      note: `bounded by the longest scenarios (they run ${("parallelism" in target ? String((target as { parallelism: number }).parallelism) : "several")} at a time; sum of all ${(sum / 1000).toFixed(0)} s): ${slow.join("; ")}. Verdicts: ${Object.entries(report.stats).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(", ")}`,
    },
    { id: `suite.${name}.slowest`, name: `slowest scenario on ${name}`, value: Math.round((byTime[0]?.durationMs ?? 0) / 100) / 10, unit: "s", note: byTime[0]?.name },
  );
}

await engineSuite();
for (const name of process.argv.slice(2)) await serverSuite(name);
emit({ bench: "suite", figures });

// Runs one loaded scenario on one target and returns its verdict with findings and timeline.
import type { Finding, ScenarioResult } from "../../reports/model.ts";
import type { Target, TargetSession, WorldSpec } from "../target.ts";
import { formatMs } from "./duration.ts";
import { ExpectationFailed, ScenarioError, Unsupported } from "./errors.ts";
import type { BrokenScenario, Scenario, Step } from "./model.ts";
import { ACTIONS, type StepContext } from "./steps.ts";
import { mergeOverride } from "./override.ts";

/** Upper bound for one scenario on any target (real servers included): never a hang. */
export const SCENARIO_TIMEOUT_MS = 180_000;

let worldSeq = 0;

export function worldOf(s: Scenario): WorldSpec {
  const slug = s.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 24).replace(/-+$/, "");
  return {
    scenarioId: `${slug}-${++worldSeq}`,
    options: s.options,
    personas: s.personas,
    apps: s.apps.map((name) => ({ name })),
    archive: s.archive,
    ...(s.hooks && { hooks: s.hooks }),
    ...(s.steps.some((st) => st.action === "restart" || st.action === "store") && { needs: [...new Set(s.steps.flatMap((st) => (st.action === "restart" ? ["restart" as const] : st.action === "store" ? ["store-failure" as const] : [])))] }),
  };
}

function summary(step: Step): string {
  const a = step.args;
  const who = (a.persona ?? a.from ?? a.name ?? "") as string;
  const rest = Object.entries(a)
    .filter(([k]) => !["persona", "from"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${step.action}${who ? ` ${who}` : ""}${rest ? ` (${rest})` : ""}`;
}

export function brokenResult(b: BrokenScenario, target: string): ScenarioResult {
  return {
    id: b.id,
    file: b.file,
    name: b.name,
    rules: b.rules,
    target,
    verdict: "broken",
    durationMs: 0,
    findings: b.errors.map((e) => ({ check: "load", message: e.message, location: e.loc })),
    timeline: [],
    source: b.source,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${formatMs(ms)}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export async function runScenario(s: Scenario, target: Target): Promise<ScenarioResult> {
  const started = performance.now();
  const base = { id: s.id, file: s.file, name: s.name, rules: s.rules, target: target.name, source: s.source };
  const declared = s.on[target.name];
  if (declared?.skip)
    return { ...base, verdict: "skipped", skipReason: declared.skip, durationMs: 0, findings: [], timeline: [] };

  let session: TargetSession | undefined;
  const findings: Finding[] = [];
  const deviations: string[] = [];
  let outcome: "ok" | "failed" | "skipped" | "broken" = "ok";
  let skipReason: string | undefined;
  try {
    session = await withTimeout(target.open(worldOf(s)), 60_000, `opening ${target.name}`);
    const ctx: StepContext = { session, scenario: s, target: target.name, pushCursor: new Map(), receivedCursor: new Map(), msgSeq: 0 };
    const run = async () => {
      for (const step of s.steps) {
        const over = step.on[target.name];
        if (over?.skip) {
          session!.trace.add("note", "runner", { text: `step ${step.index + 1} skipped on ${target.name}: ${over.skip}` });
          continue;
        }
        const args = over ? mergeOverride(step.action, step.args, over.args) : step.args;
        if (over?.deviation) deviations.push(`step ${step.index + 1}: ${over.deviation}`);
        session!.trace.add("step", "runner", { text: `${step.index + 1}. ${summary({ ...step, args })}${step.note ? ` — ${step.note}` : ""}` });
        try {
          await ACTIONS[step.action]!(ctx, args);
          if (step.action.startsWith("expect")) session!.trace.add("check", "runner", { text: `${step.action} passed`, ok: true });
        } catch (e) {
          if (e instanceof ExpectationFailed) {
            session!.trace.add("check", "runner", { text: e.message, ok: false });
            findings.push({ ...e.finding, step: step.index, location: step.loc });
            outcome = "failed";
            return;
          }
          throw Object.assign(e as Error, { step });
        }
      }
    };
    await withTimeout(run(), SCENARIO_TIMEOUT_MS, `scenario on ${target.name}`);
  } catch (e) {
    const err = e as Error & { step?: Step };
    if (err instanceof Unsupported) {
      outcome = "skipped";
      skipReason = err.message;
    } else {
      outcome = err instanceof ScenarioError ? "broken" : "failed";
      findings.push({
        check: err instanceof ScenarioError ? "scenario" : "error",
        message: err.message,
        ...(err.step && { step: err.step.index, location: err.step.loc }),
      });
    }
  } finally {
    await session?.close().catch(() => {});
  }
  const durationMs = performance.now() - started;
  const timeline = session?.trace.events ?? [];
  const common = { ...base, durationMs, ...(session && { virtualMs: session.now() }), findings, timeline };
  if (outcome === "skipped") return { ...common, verdict: "skipped", skipReason };
  if (outcome === "broken") return { ...common, verdict: "broken" };
  if (declared?.deviation) {
    // A declared non-conformance must be observed: if the target now passes, say so.
    if (outcome === "failed") return { ...common, verdict: "deviation", deviation: declared.deviation };
    return {
      ...common,
      verdict: "failed",
      findings: [{ check: "deviation", message: `declared deviation not observed: the scenario passes on ${target.name}; remove the 'on.${target.name}.deviation' declaration`, expected: `fails: ${declared.deviation}`, actual: "passes" }],
    };
  }
  if (outcome === "failed") return { ...common, verdict: "failed" };
  if (deviations.length > 0) return { ...common, verdict: "deviation", deviation: deviations.join("; ") };
  return { ...common, verdict: "passed" };
}

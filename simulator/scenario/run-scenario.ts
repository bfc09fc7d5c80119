// Runs one loaded scenario on one target and returns its verdict with findings, evidence and
// timeline. A target's declared differences (its expectation file) are judged exactly: on a
// declared step both the scenario's expectation and the declared one are checked against the
// same observation — the scenario's holds: the declaration is stale (a failure); only the
// declared one holds: a deviation; neither: a failure showing both.
import type { ExpectationSet, ScenarioExpectations, StepDeclaration } from "../expectations/model.ts";
import { mergeExpectation } from "../expectations/merge.ts";
import type { DeviationEvidence, Finding, ScenarioResult } from "../results.ts";
import type { Target, TargetSession, WorldSpec } from "../target.ts";
import { CHECKS, type Failure } from "./checks.ts";
import { formatMs } from "./duration.ts";
import { ScenarioError, Unsupported } from "./errors.ts";
import type { BrokenScenario, Scenario, Step, StepArgs } from "./model.ts";
import { unmetNeed } from "./needs.ts";
import { ACTIONS, type StepContext } from "./steps.ts";

/** Upper bound for one scenario on any target (real servers included): never a hang. */
export const SCENARIO_TIMEOUT_MS = 180_000;
export const OPEN_TIMEOUT_MS = 60_000;

let worldSeq = 0;

export function worldOf(s: Scenario): WorldSpec {
  const slug = s.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 24).replace(/-+$/, "");
  const server = { restart: "restart", store: "store-failure", "app-offline": "app-offline", "app-online": "app-offline" } as const;
  const needs = [...new Set(s.steps.flatMap((st) => (st.action in server ? [server[st.action as keyof typeof server]] : [])))];
  return {
    scenarioId: `${slug}-${++worldSeq}`,
    options: s.options,
    personas: s.personas,
    apps: s.apps.map((name) => ({ name })),
    archive: s.archive,
    ...(s.hooks && { hooks: s.hooks }),
    ...(needs.length > 0 && { needs }),
  };
}

function summary(action: string, a: StepArgs): string {
  const who = (a.persona ?? a.from ?? a.name ?? "") as string;
  const rest = Object.entries(a)
    .filter(([k]) => !["persona", "from"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${action}${who ? ` ${who}` : ""}${rest ? ` (${rest})` : ""}`;
}

function baseOf(s: Pick<Scenario, "id" | "key" | "file" | "name" | "rules" | "source"> & { level?: Scenario["level"] }, target: string) {
  return { id: s.id, key: s.key, file: s.file, name: s.name, rules: s.rules, ...(s.level && { level: s.level }), target, source: s.source };
}

export function brokenResult(b: BrokenScenario, target: string): ScenarioResult {
  return {
    ...baseOf(b, target),
    verdict: "broken",
    durationMs: 0,
    findings: b.errors.map((e) => ({ check: "load", message: e.message, location: e.loc })),
    timeline: [],
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${formatMs(ms)}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** The expectation-file entry a scenario has on this target, if any. */
export function declarationsFor(s: Scenario, set: ExpectationSet | undefined): ScenarioExpectations | undefined {
  return set?.scenarios.get(s.key);
}

interface StepFailure {
  finding: Finding;
  step?: Step; // absent when the scenario failed outside any step (opening, the time limit)
}

/** One step's outcome under its declaration: passes, deviates as declared, or fails. */
type Judged = { kind: "pass" } | { kind: "deviation"; evidence: DeviationEvidence } | { kind: "fail"; failure: Failure };

function judgeDeclared(ctx: StepContext, step: Step, decl: StepDeclaration, original: Failure | null, obs: unknown): Judged {
  const check = CHECKS[step.action]!;
  const alts = decl.alternatives.map((a) => mergeExpectation(step.action, step.args, a));
  const altFailures = alts.map((a) => check.judge(ctx, a, obs));
  const observed = check.describe(obs);
  const declared = decl.alternatives.map((a) => JSON.stringify(a)).join("  or  ");
  if (decl.kind === "stricter") {
    if (original) return { kind: "fail", failure: original };
    const f = altFailures[0];
    return f ? { kind: "fail", failure: { ...f, check: `stricter:${f.check}`, message: `stricter expectation for ${ctx.target} (${decl.reason}): ${f.message}` } } : { kind: "pass" };
  }
  const held = altFailures.findIndex((f) => f === null);
  const evidence = (conforming: boolean): DeviationEvidence => ({
    step: step.index,
    reason: decl.reason,
    expected: JSON.stringify(pickExpectation(step)),
    declared,
    observed,
    ...(conforming && { conformingAlternative: true }),
    source: decl.source,
  });
  if (!original) {
    // Declared nondeterminism may include the conforming outcome; anything else is stale.
    if (decl.oneOf && held >= 0) return { kind: "deviation", evidence: evidence(true) };
    return {
      kind: "fail",
      failure: {
        check: "stale-declaration",
        message: `${ctx.target} now does what the scenario expects at step ${step.index + 1}: the declared difference is stale; remove it from ${decl.source.file}:${decl.source.line}`,
        expected: `as declared for ${ctx.target}: ${declared}`,
        actual: observed,
      },
    };
  }
  if (held >= 0) return { kind: "deviation", evidence: evidence(false) };
  const other = altFailures.find((f) => f !== null)!;
  return {
    kind: "fail",
    failure: {
      check: original.check,
      message: `${original.message}; the difference declared for ${ctx.target} does not hold either: ${other.message}`,
      expected: `scenario: ${original.expected ?? "?"}\ndeclared for ${ctx.target} (${decl.source.file}:${decl.source.line}): ${declared}`,
      actual: original.actual ?? observed,
    },
  };
}

/** The expectation arguments of a check step (for evidence). */
function pickExpectation(step: Step): StepArgs {
  const keys = CHECKS[step.action]?.expectationKeys ?? [];
  return Object.fromEntries(Object.entries(step.args).filter(([k]) => keys.includes(k)));
}

export async function runScenario(s: Scenario, target: Target, expectations?: ExpectationSet): Promise<ScenarioResult> {
  const started = performance.now();
  const base = baseOf(s, target.name);
  const declared = declarationsFor(s, expectations);
  if (declared?.skip) return { ...base, verdict: "skipped", skipReason: `declared for ${target.name}: ${declared.skip.reason}`, durationMs: 0, findings: [], timeline: [] };
  const unmet = unmetNeed(s, target.capabilities(), target.name);
  if (unmet) return { ...base, verdict: "skipped", skipReason: unmet, durationMs: 0, findings: [], timeline: [] };

  let session: TargetSession | undefined;
  const evidence: DeviationEvidence[] = [];
  let failure: StepFailure | undefined;
  let broken: Finding | undefined;
  let skipReason: string | undefined;
  try {
    session = await withTimeout(target.open(worldOf(s)), OPEN_TIMEOUT_MS, `opening ${target.name}`);
    const ctx: StepContext = { session, scenario: s, target: target.name, pushCursor: new Map(), receivedCursor: new Map(), msgSeq: 0 };
    const trace = session.trace;
    const run = async () => {
      for (const step of s.steps) {
        trace.add("step", "runner", { text: `${step.index + 1}. ${summary(step.action, step.args)}${step.note ? ` — ${step.note}` : ""}` });
        const check = CHECKS[step.action];
        if (!check) {
          try {
            await ACTIONS[step.action]!(ctx, step.args);
          } catch (e) {
            throw Object.assign(e as Error, { step });
          }
          continue;
        }
        const decl = declared?.steps.get(step.index);
        let obs: unknown;
        try {
          const candidates = [step.args, ...(decl?.alternatives.map((a) => mergeExpectation(step.action, step.args, a)) ?? [])];
          obs = await check.observe(ctx, candidates);
        } catch (e) {
          throw Object.assign(e as Error, { step });
        }
        const original = check.judge(ctx, step.args, obs);
        const judged: Judged = decl ? judgeDeclared(ctx, step, decl, original, obs) : original ? { kind: "fail", failure: original } : { kind: "pass" };
        if (judged.kind === "fail") {
          trace.add("check", "runner", { text: judged.failure.message, ok: false });
          failure = { finding: { ...judged.failure, step: step.index, location: step.loc }, step };
          return;
        }
        if (judged.kind === "deviation") {
          evidence.push(judged.evidence);
          const how = judged.evidence.conformingAlternative ? "held as declared (a conforming alternative of the declaration)" : "differs as declared";
          trace.add("check", "runner", { text: `${step.action} ${how}: ${decl!.reason}`, ok: true, deviation: true });
        } else trace.add("check", "runner", { text: `${step.action} passed`, ok: true });
      }
    };
    await withTimeout(run(), SCENARIO_TIMEOUT_MS, `scenario on ${target.name}`);
  } catch (e) {
    const err = e as Error & { step?: Step };
    if (err instanceof Unsupported) skipReason = err.message;
    else {
      const finding: Finding = { check: err instanceof ScenarioError ? "scenario" : "error", message: err.message, ...(err.step && { step: err.step.index, location: err.step.loc }) };
      if (err instanceof ScenarioError) broken = finding;
      else failure = { finding, ...(err.step && { step: err.step }) };
      session?.trace.add("check", "runner", { text: err.message, ok: false });
    }
  } finally {
    await session?.close().catch(() => {});
  }
  const durationMs = performance.now() - started;
  const timeline = session?.trace.events ?? [];
  const common = { ...base, durationMs, ...(session && { virtualMs: session.now() }), timeline };
  if (skipReason) return { ...common, verdict: "skipped", skipReason, findings: [] };
  if (broken) return { ...common, verdict: "broken", findings: [broken] };

  const whole = declared?.whole;
  if (whole) {
    if (!failure)
      return {
        ...common,
        verdict: "failed",
        findings: [
          {
            check: "stale-declaration",
            message: `${target.name} now passes the whole scenario: the declared difference is stale; remove it from ${whole.source.file}:${whole.source.line}`,
            expected: `fails at step ${whole.covers.map((c) => c + 1).join(" or ")}: ${whole.insteadText}`,
            actual: "passes",
          },
        ],
      };
    if (!failure.step || !whole.covers.includes(failure.step.index)) return { ...common, verdict: "failed", findings: [failure.finding], ...withEvidence(evidence) };
    evidence.push({
      step: failure.step.index,
      reason: whole.reason,
      expected: failure.finding.expected ?? failure.finding.message,
      declared: whole.insteadText,
      observed: failure.finding.actual ?? failure.finding.message,
      source: whole.source,
    });
    return { ...common, verdict: "deviation", findings: [failure.finding], ...withEvidence(evidence) };
  }
  if (failure) return { ...common, verdict: "failed", findings: [failure.finding], ...withEvidence(evidence) };
  if (evidence.length > 0) return { ...common, verdict: "deviation", findings: [], ...withEvidence(evidence) };
  return { ...common, verdict: "passed", findings: [] };
}

function withEvidence(evidence: DeviationEvidence[]): Pick<ScenarioResult, "deviation" | "deviations"> {
  if (evidence.length === 0) return {};
  return {
    deviation: evidence.map((e) => (e.step !== undefined ? `step ${e.step + 1}: ${e.reason}` : e.reason)).join("; "),
    deviations: evidence,
  };
}

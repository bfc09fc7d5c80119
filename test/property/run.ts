// Runs one schedule: each abstract command becomes a scenario step (skipped when it makes no sense
// in the current state, e.g. dropping a persona that is not connected), executed with the
// scenario runner's own step actions, so the YAML printed for a failure replays exactly this run.
import { ExpectationFailed } from "../../simulator/scenario/errors.ts";
import type { Scenario, StepArgs } from "../../simulator/scenario/model.ts";
import { performStep, type StepContext } from "../../simulator/scenario/steps.ts";
import type { WorldSpec } from "../../simulator/target.ts";
import { Observer, type Violation } from "./invariants.ts";
import { appsOf, NODES, personasOf, type Cmd, type WorldConfig } from "./schedule.ts";
import { PropertyWorld } from "./world.ts";

/** One executed step: its action, the runner's normalized args, and its YAML value. */
export interface ExecutedStep {
  action: string;
  args: StepArgs;
  yaml: unknown;
}

export interface RunOutcome {
  world: WorldConfig;
  steps: ExecutedStep[];
  violation?: Violation;
  /** Pushes each app server had received when the run stopped. */
  pushCounts: Record<string, number>;
}

const CIPHERS = ["omemo", "omemo-legacy", "pgp", "openpgp"] as const;

interface Resolver {
  personas: ReturnType<typeof personasOf>;
  apps: string[];
  world: PropertyWorld;
  seq: number;
}

function hibernated(r: Resolver, p: { account: string; resource: string }): boolean {
  return r.world.server.userSessions(p.account).some((s) => s.resource === p.resource && s.state === "hibernated");
}

/** The scenario step for a command, or null when it does not apply now. */
function resolve(r: Resolver, c: Cmd): ExecutedStep | null {
  if (c.t === "restart") return { action: "restart", args: {}, yaml: true };
  if (c.t === "wait") return { action: "wait", args: { duration: c.d }, yaml: c.d };
  if (c.t === "app") {
    const args: StepArgs = { name: r.apps[c.app % r.apps.length], reply: c.reply };
    if (c.spoofed) args.from = "spoofed";
    if (c.node !== undefined) args.node = NODES[c.node];
    if (c.pushes) args.pushes = c.pushes;
    return { action: "app", args, yaml: args };
  }
  // Pick among the personas for which the command makes sense now; none → skip the command.
  const wanted = c.t === "connect" ? "offline" : c.t === "resume" ? "hibernated" : c.t === "ping" ? "any" : "live";
  const candidates = r.personas.filter((x) => {
    if (wanted === "any") return true;
    const live = r.world.persona(x.name).connected;
    if (wanted === "live") return live;
    if (wanted === "offline") return !live;
    return hibernated(r, x);
  });
  if (candidates.length === 0) return null;
  const p = candidates[c.p % candidates.length]!;
  const short = (action: string): ExecutedStep => ({ action, args: { persona: p.name }, yaml: p.name });
  switch (c.t) {
    case "connect": {
      if (c.sm && !c.carbons && c.presence) return short("connect");
      const args: StepArgs = { persona: p.name };
      if (!c.sm) args.sm = false;
      if (c.carbons) args.carbons = true;
      if (!c.presence) args.presence = false;
      return { action: "connect", args, yaml: args };
    }
    case "enable":
    case "disable": {
      const args: StepArgs = { persona: p.name, app: r.apps[c.app % r.apps.length] };
      if (c.node !== undefined) args.node = NODES[c.node];
      if (c.t === "enable" && c.secret) args["publish-options"] = { secret: `s3cr3t-${++r.seq}` };
      return { action: c.t, args, yaml: args };
    }
    case "resume":
      return short("resume");
    case "ping":
      return short("ping");
    case "drop":
    case "disconnect":
    case "stop-acking":
    case "start-acking":
      return short(c.t);
    case "csi": {
      const args = { persona: p.name, state: c.active ? "active" : "inactive" };
      return { action: "csi", args, yaml: args };
    }
    case "send": {
      const q = r.personas[c.to % r.personas.length]!;
      const n = ++r.seq;
      const a: StepArgs = { from: p.name, to: c.full ? `\${${q.name}.full}` : q.account };
      switch (c.kind) {
        case "body": a.body = `plain-${n}`; break;
        case "empty-body": a.body = ""; break;
        case "normal": Object.assign(a, { type: "normal", body: `plain-${n}` }); break;
        case "encrypted": a.encrypted = CIPHERS[c.cipher % CIPHERS.length]; if (c.withBody) a.body = `sealed-${n}`; break;
        case "call": a.call = true; break;
        case "chat-state": a["chat-state"] = "composing"; break;
        case "headline": Object.assign(a, { type: "headline", body: `plain-${n}` }); break;
        case "groupchat": Object.assign(a, { type: "groupchat", body: `plain-${n}` }); break;
        case "groupchat-subject": Object.assign(a, { type: "groupchat", subject: `plain-subject-${n}` }); break;
        case "receipt": a.receipt = true; break;
        case "marker": a.marker = true; break;
      }
      return { action: "send", args: a, yaml: a };
    }
  }
}

export function worldSpecOf(w: WorldConfig): WorldSpec {
  return { scenarioId: "property", options: w.options, personas: personasOf(w), apps: appsOf(w).map((name) => ({ name })), archive: w.archive };
}

export async function runSchedule(w: WorldConfig, cmds: Cmd[]): Promise<RunOutcome> {
  const spec = worldSpecOf(w);
  const observer = new Observer(w.options);
  const world = new PropertyWorld(spec, (info) => observer.onPush(info));
  observer.attach(world);
  const personas = personasOf(w);
  const apps = appsOf(w);
  // The runner's step actions read only personas and apps from the scenario.
  const scenario = { personas, apps } as Scenario;
  const ctx: StepContext = { session: world, scenario, target: "engine", pushCursor: new Map(), receivedCursor: new Map(), msgSeq: 0 };
  const r: Resolver = { personas, apps, world, seq: 0 };
  const steps: ExecutedStep[] = [];
  for (const c of cmds) {
    const step = resolve(r, c);
    if (!step) continue;
    steps.push(step);
    try {
      await performStep(ctx, step.action, step.args);
    } catch (e) {
      const what = e instanceof ExpectationFailed ? `${e.finding.message} (expected ${e.finding.expected}, got ${e.finding.actual})` : String(e);
      observer.violation ??= { invariant: "step-failed", rules: ["R-ENABLE"], message: `step ${steps.length} (${step.action}) failed: ${what}` };
    }
    const who = personas.find((p) => p.name === (step.args.persona ?? step.args.from));
    if (!observer.violation) observer.afterStep(step.action, step.args, who);
    if (observer.violation) break;
  }
  const pushCounts = Object.fromEntries(apps.map((a) => [a, world.app(a).pushes.length]));
  return { world: w, steps, ...(observer.violation && { violation: observer.violation }), pushCounts };
}

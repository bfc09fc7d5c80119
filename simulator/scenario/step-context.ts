// What a step runs against: the target session, the scenario, cursors over what was already
// checked; and the small helpers every step uses to turn names into this target's JIDs.
import type { AppServerHandle, PersonaHandle, TargetSession } from "../target.ts";
import { parseDuration, parseOffset } from "./duration.ts";
import { ScenarioError } from "./errors.ts";
import type { Scenario, StepArgs } from "./model.ts";

export interface StepContext {
  session: TargetSession;
  scenario: Scenario;
  target: string;
  pushCursor: Map<string, number>;
  receivedCursor: Map<string, number>;
  msgSeq: number;
}

export function persona(ctx: StepContext, name: unknown): PersonaHandle {
  if (typeof name !== "string") throw new ScenarioError("missing persona");
  return ctx.session.persona(name);
}

export function app(ctx: StepContext, name: unknown): AppServerHandle {
  return ctx.session.app(typeof name === "string" ? name : ctx.scenario.apps[0]!);
}

/** Upper-cases the parts of a JID a server must compare case-insensitively (local and domain
 * parts, RFC 7622 §3.2–3.3); the resource keeps its case, since it is compared exactly. */
function upperBare(jid: string): string {
  const slash = jid.indexOf("/");
  return slash < 0 ? jid.toUpperCase() : jid.slice(0, slash).toUpperCase() + jid.slice(slash);
}

/** ${alice.full}, ${alice.bare}, ${push.jid}, ${domain} → this target's values; the -upper forms
 * (${alice.bare-upper}, ${alice.full-upper}, ${push.jid-upper}) give the same JID in another case. */
export function resolveVars(ctx: StepContext, s: string): string {
  return s.replace(/\$\{([a-z0-9._-]+)\}/gi, (whole, ref: string) => {
    if (ref === "domain") return ctx.session.domain;
    const dot = ref.lastIndexOf(".");
    const [name, prop] = [ref.slice(0, dot), ref.slice(dot + 1)];
    if (ctx.scenario.personas.some((p) => p.name === name)) {
      const p = ctx.session.persona(name);
      if (prop === "full") return p.fullJid;
      if (prop === "bare") return p.bareJid;
      if (prop === "full-upper") return upperBare(p.fullJid);
      if (prop === "bare-upper") return upperBare(p.bareJid);
    }
    if (ctx.scenario.apps.includes(name) && prop === "jid") return ctx.session.app(name).jid;
    if (ctx.scenario.apps.includes(name) && prop === "jid-upper") return upperBare(ctx.session.app(name).jid);
    throw new ScenarioError(`unknown variable ${whole}`);
  });
}

/** A persona or account name means the account's bare JID; an app name its JID; else a JID with ${vars}. */
export function address(ctx: StepContext, v: string): string {
  if (ctx.scenario.personas.some((p) => p.name === v)) return ctx.session.persona(v).bareJid;
  const byAccount = ctx.scenario.personas.find((p) => p.account === v);
  if (byAccount) return ctx.session.persona(byAccount.name).bareJid;
  if (ctx.scenario.apps.includes(v)) return ctx.session.app(v).jid;
  return resolveVars(ctx, v);
}

/** The app server JID an enable/disable names: omitted, given literally, or the step's app. */
export function enableJid(ctx: StepContext, a: StepArgs): string | undefined {
  if (a["omit-jid"]) return undefined;
  if (typeof a.jid === "string") return resolveVars(ctx, a.jid);
  return app(ctx, a.app).jid;
}

/** A not-before offset in ms (negative: before the step began). */
export function offsetMs(v: unknown): number {
  const d = parseOffset(v);
  if (d === null) throw new ScenarioError(`not a duration: ${String(v)}`);
  return d;
}

export function ms(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const d = parseDuration(v);
  if (d === null) throw new ScenarioError(`not a duration: ${String(v)}`);
  return d;
}

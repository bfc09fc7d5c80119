// What each scenario step does on a target: one small function per action, all bounded in time.
import type { Element } from "@xmpp/xml";
import type { AppBehaviour, AppServerHandle, IqOutcome, PersonaHandle, TargetSession } from "../target.ts";
import { formatMs, parseDuration } from "./duration.ts";
import { ExpectationFailed, ScenarioError, Unsupported } from "./errors.ts";
import type { Scenario, StepArgs } from "./model.ts";
import { parseRawXml } from "./raw-xml.ts";
import { matchPush, type PushMatch } from "./push-match.ts";
import { disableIq, discoInfoIq, enableIq, message, type MessageArgs } from "./stanzas.ts";

export const IQ_TIMEOUT_MS = 5000;
export const DEFAULT_WINDOW_MS = 2000;

export interface StepContext {
  session: TargetSession;
  scenario: Scenario;
  target: string;
  pushCursor: Map<string, number>;
  receivedCursor: Map<string, number>;
  msgSeq: number;
}

type Action = (ctx: StepContext, a: StepArgs) => Promise<void>;

function persona(ctx: StepContext, name: unknown): PersonaHandle {
  if (typeof name !== "string") throw new ScenarioError("missing persona");
  return ctx.session.persona(name);
}

function app(ctx: StepContext, name: unknown): AppServerHandle {
  return ctx.session.app(typeof name === "string" ? name : ctx.scenario.apps[0]!);
}

/** ${alice.full}, ${alice.bare}, ${push.jid}, ${domain} → this target's values. */
export function resolveVars(ctx: StepContext, s: string): string {
  return s.replace(/\$\{([a-z0-9._-]+)\}/gi, (whole, ref: string) => {
    if (ref === "domain") return ctx.session.domain;
    const dot = ref.lastIndexOf(".");
    const [name, prop] = [ref.slice(0, dot), ref.slice(dot + 1)];
    if (ctx.scenario.personas.some((p) => p.name === name)) {
      const p = ctx.session.persona(name);
      if (prop === "full") return p.fullJid;
      if (prop === "bare") return p.bareJid;
    }
    if (ctx.scenario.apps.includes(name) && prop === "jid") return ctx.session.app(name).jid;
    throw new ScenarioError(`unknown variable ${whole}`);
  });
}

/** A persona or account name means the account's bare JID; an app name its JID; else a JID with ${vars}. */
function address(ctx: StepContext, v: string): string {
  if (ctx.scenario.personas.some((p) => p.name === v)) return ctx.session.persona(v).bareJid;
  const byAccount = ctx.scenario.personas.find((p) => p.account === v);
  if (byAccount) return ctx.session.persona(byAccount.name).bareJid;
  if (ctx.scenario.apps.includes(v)) return ctx.session.app(v).jid;
  return resolveVars(ctx, v);
}

function describeOutcome(o: IqOutcome): string {
  if (o.type === "error") return `error ${o.errorType}/${o.condition}`;
  return o.type;
}

function checkReply(o: IqOutcome, expected: unknown, what: string): void {
  const want = expected ?? "result";
  if (want === "any") return;
  if (typeof want === "string") {
    if (o.type !== want)
      throw new ExpectationFailed({ check: "iq-reply", message: `${what}: unexpected reply`, expected: want, actual: describeOutcome(o) });
    return;
  }
  const err = (want as { error: { type?: string; condition?: string } }).error;
  const ok = o.type === "error" && (!err.type || o.errorType === err.type) && (!err.condition || o.condition === err.condition);
  if (!ok)
    throw new ExpectationFailed({
      check: "iq-reply",
      message: `${what}: unexpected reply`,
      expected: `error ${err.type ?? "*"}/${err.condition ?? "*"}`,
      actual: describeOutcome(o),
    });
}

function enableJid(ctx: StepContext, a: StepArgs): string | undefined {
  if (a["omit-jid"]) return undefined;
  if (typeof a.jid === "string") return resolveVars(ctx, a.jid);
  return app(ctx, a.app).jid;
}

function ms(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const d = parseDuration(v);
  if (d === null) throw new ScenarioError(`not a duration: ${String(v)}`);
  return d;
}

function resolveMatch(ctx: StepContext, m: PushMatch): PushMatch {
  const out: PushMatch = { ...m };
  if (m.to !== undefined) out.to = address(ctx, m.to);
  if (m.from !== undefined) out.from = resolveVars(ctx, m.from);
  if (typeof m.sender === "string" && !["absent", "present"].includes(m.sender)) out.sender = resolveVars(ctx, m.sender);
  return out;
}

const expectPushes: Action = async (ctx, a) => {
  const server = app(ctx, a.app);
  const start = ctx.pushCursor.get(server.name) ?? 0;
  const t0 = ctx.session.now();
  const window = ms(a.within, DEFAULT_WINDOW_MS);
  const exact = typeof a.count === "number" ? a.count : undefined;
  const atMost = typeof a["at-most"] === "number" ? a["at-most"] : undefined;
  const atLeast = typeof a["at-least"] === "number" ? a["at-least"] : exact === undefined && atMost === undefined ? 1 : undefined;
  const fresh = () => server.pushes.length - start;
  // Exact and upper bounds wait the whole window (a late extra push must be seen); at-least alone
  // returns as soon as enough arrived.
  const ceiling = exact ?? atMost;
  if (ceiling !== undefined) await ctx.session.waitFor(() => fresh() > ceiling, window);
  else await ctx.session.waitFor(() => fresh() >= atLeast!, window);
  const got = server.pushes.slice(start);
  ctx.pushCursor.set(server.name, server.pushes.length);
  const waited = formatMs(ctx.session.now() - t0);
  if (exact !== undefined && got.length !== exact)
    throw new ExpectationFailed({
      check: "push-count",
      message: `expected exactly ${exact} push(es) to ${server.name} within ${formatMs(window)}, got ${got.length}`,
      expected: `${exact}`,
      actual: `${got.length}${got.length ? `:\n${got.map((p) => `+${formatMs(p.t - t0)} ${p.xml}`).join("\n")}` : ""}`,
    });
  if (atMost !== undefined && got.length > atMost)
    throw new ExpectationFailed({
      check: "push-count",
      message: `expected at most ${atMost} push(es) to ${server.name} within ${formatMs(window)}, got ${got.length}`,
      expected: `≤ ${atMost}`,
      actual: `${got.length}:\n${got.map((p) => `+${formatMs(p.t - t0)} ${p.xml}`).join("\n")}`,
    });
  if (atLeast !== undefined && got.length < atLeast)
    throw new ExpectationFailed({
      check: "push-count",
      message: `expected at least ${atLeast} push(es) to ${server.name} within ${formatMs(window)} (waited ${waited}), got ${got.length}`,
      expected: `≥ ${atLeast}`,
      actual: `${got.length}`,
    });
  const notBefore = a["not-before"] === undefined ? undefined : ms(a["not-before"], 0);
  got.forEach((p, i) => {
    if (notBefore !== undefined && p.t - t0 < notBefore)
      throw new ExpectationFailed({
        check: "push-timing",
        message: `push #${i + 1} arrived ${formatMs(p.t - t0)} after the step began, before ${formatMs(notBefore)}`,
        expected: `≥ ${formatMs(notBefore)}`,
        actual: formatMs(p.t - t0),
      });
    const checks = [a.match as PushMatch | undefined, (a.pushes as PushMatch[] | undefined)?.[i]].filter(Boolean) as PushMatch[];
    for (const m of checks) {
      const diffs = matchPush(p.el, resolveMatch(ctx, m));
      if (diffs.length > 0)
        throw new ExpectationFailed({
          check: "push-content",
          message: `push #${i + 1} to ${server.name}: ${diffs.map((d) => d.what).join(", ")} differ`,
          expected: diffs.map((d) => `${d.what}: ${d.expected}`).join("\n"),
          actual: `${diffs.map((d) => `${d.what}: ${d.actual}`).join("\n")}\n\n${p.xml}`,
        });
    }
  });
};

const expectReceived: Action = async (ctx, a) => {
  const p = persona(ctx, a.persona);
  const start = ctx.receivedCursor.get(p.name) ?? 0;
  const window = DEFAULT_WINDOW_MS;
  const min = typeof a["at-least"] === "number" ? a["at-least"] : typeof a.count === "number" ? a.count : 1;
  const contains = typeof a.contains === "string" ? resolveVars(ctx, a.contains) : undefined;
  const matching = () => p.received.slice(start).filter((el) => !contains || el.toString().includes(contains));
  await ctx.session.waitFor(() => matching().length >= min, window);
  const got = matching();
  ctx.receivedCursor.set(p.name, p.received.length);
  const bad = typeof a.count === "number" ? got.length !== a.count : got.length < min;
  if (bad)
    throw new ExpectationFailed({
      check: "received",
      message: `${p.name} received ${got.length} stanza(s)${contains ? ` containing ${JSON.stringify(contains)}` : ""}`,
      expected: typeof a.count === "number" ? `${a.count}` : `≥ ${min}`,
      actual: `${got.length}`,
    });
};

async function needControl<T>(ctx: StepContext, what: string, fn: T | undefined): Promise<T> {
  if (!fn) throw new Unsupported(`target ${ctx.target} cannot ${what}`);
  return fn;
}

export const ACTIONS: Record<string, Action> = {
  connect: async (ctx, a) =>
    persona(ctx, a.persona).connect({
      presence: (a.presence as boolean | undefined) ?? true,
      sm: (a.sm as boolean | undefined) ?? true,
      carbons: (a.carbons as boolean | undefined) ?? false,
    }),
  enable: async (ctx, a) => {
    const iq = enableIq(enableJid(ctx, a), a.node as string | undefined, a["publish-options"] as Record<string, string> | undefined);
    checkReply(await persona(ctx, a.persona).iq(iq, IQ_TIMEOUT_MS), a.expect, "enable");
  },
  disable: async (ctx, a) => {
    const iq = disableIq(enableJid(ctx, a), a.node as string | undefined);
    checkReply(await persona(ctx, a.persona).iq(iq, IQ_TIMEOUT_MS), a.expect, "disable");
  },
  disco: async (ctx, a) => {
    const p = persona(ctx, a.persona);
    const o = await p.iq(discoInfoIq(p.bareJid), IQ_TIMEOUT_MS);
    checkReply(o, a.expect, "disco#info");
    for (const f of (a["expect-features"] as string[] | undefined) ?? []) {
      if (o.type !== "result" || !o.xml.includes(`var="${f}"`))
        throw new ExpectationFailed({ check: "disco-feature", message: `disco#info lacks feature ${f}`, expected: f, actual: o.type === "result" ? o.xml : describeOutcome(o) });
    }
  },
  send: async (ctx, a) => {
    const p = persona(ctx, a.from);
    const count = (a.count as number | undefined) ?? 1;
    const every = ms(a.every, 0);
    const args = { ...(a as unknown as MessageArgs), to: address(ctx, a.to as string) };
    for (let i = 0; i < count; i++) {
      if (i > 0 && every > 0) await ctx.session.sleep(every);
      await p.send(message(args, `${ctx.scenario.personas.length}-m${++ctx.msgSeq}`));
    }
  },
  stanza: async (ctx, a) => {
    const p = persona(ctx, a.persona);
    let el: Element;
    try {
      el = parseRawXml(resolveVars(ctx, a.xml as string)); // bounded: size limit first, linear parse
    } catch (e) {
      throw new ScenarioError(`stanza: not usable XML: ${(e as Error).message}`);
    }
    if (el.name === "iq" && (el.attrs.type === "get" || el.attrs.type === "set")) checkReply(await p.iq(el, IQ_TIMEOUT_MS), a.expect, "stanza");
    else await p.send(el);
  },
  disconnect: async (ctx, a) => persona(ctx, a.persona).disconnect(),
  drop: async (ctx, a) => persona(ctx, a.persona).drop(),
  resume: async (ctx, a) => {
    const ok = await persona(ctx, a.persona).resume();
    const want = (a.expect as string | undefined) ?? "resumed";
    if ((want === "resumed") !== ok)
      throw new ExpectationFailed({ check: "resume", message: "resumption outcome", expected: want, actual: ok ? "resumed" : "failed" });
  },
  "stop-acking": async (ctx, a) => persona(ctx, a.persona).setAcking(false),
  "start-acking": async (ctx, a) => persona(ctx, a.persona).setAcking(true),
  csi: async (ctx, a) => persona(ctx, a.persona).csi(a.state as "active" | "inactive"),
  wait: async (ctx, a) => ctx.session.sleep(ms(a.duration, 0)),
  app: async (ctx, a) => {
    const rule: AppBehaviour = { reply: a.reply as AppBehaviour["reply"] };
    if (typeof a.node === "string") rule.node = a.node;
    if (Array.isArray(a.pushes)) rule.pushes = [a.pushes[0] as number, a.pushes[1] as number];
    if (a.from === "spoofed" || a.from === "self") rule.from = a.from;
    app(ctx, a.name).behave(rule);
  },
  restart: async (ctx) => (await needControl(ctx, "restart the server", ctx.session.controls.restart))(),
  store: async (ctx, a) => (await needControl(ctx, "make storage fail", ctx.session.controls.storeFailure))(a["fail-writes"] === true),
  ping: async (ctx, a) => {
    const ping = await needControl(ctx, "fire cloud-notify-ping", ctx.session.controls.ping);
    const spec = ctx.scenario.personas.find((p) => p.name === a.persona);
    if (!spec) throw new ScenarioError(`unknown persona ${String(a.persona)}`);
    const regs = (a.registrations as { app?: string; node?: string }[] | undefined)?.map((r) => ({ jid: app(ctx, r.app).jid, node: r.node }));
    await ping(spec.account, regs); // the scenario's account name; each target maps it to its own JID
  },
  "expect-pushes": expectPushes,
  "expect-received": expectReceived,
};

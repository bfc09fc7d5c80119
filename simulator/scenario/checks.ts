// Steps that check something, as a registry of named checks (Schemathesis-style). Each one first
// observes (performs the step and waits long enough for every expectation it may be judged by),
// then judges an expectation against that one observation. Splitting the two lets the runner
// judge a scenario's expectation and a target's declared difference against the same facts.
import type { Element } from "@xmpp/xml";
import type { Finding } from "../results.ts";
import type { IqOutcome, PushRecord } from "../target.ts";
import { XMPP_NS } from "../protocol/ns.ts";
import { pushNode } from "../protocol/push-form.ts";
import { parseXml } from "../protocol/xml.ts";
import { parseRawXml } from "./raw-xml.ts";
import { formatMs } from "./duration.ts";
import { ScenarioError } from "./errors.ts";
import type { StepArgs } from "./model.ts";
import { matchPush, type PushMatch } from "./push-match.ts";
import { disableIq, discoInfoIq, enableIq, removeAccountIq, type FormSpec } from "./stanzas.ts";
import { address, app, enableJid, ms, offsetMs, persona, resolveVars, type StepContext } from "./step-context.ts";

export const IQ_TIMEOUT_MS = 5000;
export const DEFAULT_WINDOW_MS = 2000;

/** A failed expectation (the runner adds the step and the location). */
export type Failure = Omit<Finding, "step" | "location">;

export interface CheckAction<O = unknown> {
  /** Arguments that state an expectation (all others are the step's inputs, the same for every candidate). */
  readonly expectationKeys: readonly string[];
  observe(ctx: StepContext, candidates: StepArgs[]): Promise<O>;
  judge(ctx: StepContext, args: StepArgs, obs: O): Failure | null;
  /** What happened, in words (evidence for reports). */
  describe(obs: O): string;
}

// ---- iq replies ----------------------------------------------------------------------------

function describeOutcome(o: IqOutcome): string {
  if (o.type === "error") return `error ${o.errorType}/${o.condition}${o.text ? ` ("${o.text}")` : ""}`;
  return o.type;
}

function describeExpect(want: unknown): string {
  if (want === undefined || typeof want === "string") return String(want ?? "result");
  const err = (want as { error: { type?: string; condition?: string; text?: string } }).error;
  return `error ${err.type ?? "*"}/${err.condition ?? "*"}${err.text !== undefined ? ` with text "${err.text}"` : ""}`;
}

export function judgeReply(o: IqOutcome, expected: unknown, what: string): Failure | null {
  const want = expected ?? "result";
  if (want === "any") return null;
  const fail = (): Failure => ({ check: "iq-reply", message: `${what}: unexpected reply`, expected: describeExpect(want), actual: describeOutcome(o) });
  if (typeof want === "string") return o.type === want ? null : fail();
  const err = (want as { error: { type?: string; condition?: string; text?: string } }).error;
  if (o.type !== "error") return fail();
  if (err.type && o.errorType !== err.type) return fail();
  if (err.condition && o.condition !== err.condition) return fail();
  if (err.text !== undefined && o.text !== err.text) return fail();
  return null;
}

const iqCheck = (what: string, build: (ctx: StepContext, a: StepArgs) => Element): CheckAction<IqOutcome> => ({
  expectationKeys: ["expect"],
  observe: async (ctx, [a]) => persona(ctx, a!.persona).iq(build(ctx, a!), IQ_TIMEOUT_MS),
  judge: (_ctx, a, o) => judgeReply(o, a.expect, what),
  describe: describeOutcome,
});

// ---- disco ----------------------------------------------------------------------------------

const disco: CheckAction<IqOutcome> = {
  expectationKeys: ["expect", "expect-features", "expect-no-features", "expect-identities"],
  observe: async (ctx, [a]) => {
    const p = persona(ctx, a!.persona);
    const to = a!["omit-to"] ? undefined : typeof a!.to === "string" ? address(ctx, a!.to) : p.bareJid;
    return p.iq(discoInfoIq(to), IQ_TIMEOUT_MS);
  },
  judge: (_ctx, a, o) => {
    const reply = judgeReply(o, a.expect, "disco#info");
    if (reply) return reply;
    const info = o.type === "result" ? discoInfo(o.xml) : { features: [], identities: [] };
    const listing = () => (o.type === "result" ? [...info.identities.map((i) => `identity ${i}`), ...info.features].join("\n") || "(nothing)" : describeOutcome(o));
    for (const f of (a["expect-features"] as string[] | undefined) ?? []) {
      if (!info.features.includes(f)) return { check: "disco-feature", message: `disco#info lacks feature ${f}`, expected: f, actual: listing() };
    }
    for (const f of (a["expect-no-features"] as string[] | undefined) ?? []) {
      if (info.features.includes(f)) return { check: "disco-feature", message: `disco#info lists feature ${f}, which it must not`, expected: `no ${f}`, actual: listing() };
    }
    for (const id of (a["expect-identities"] as { category: string; type: string }[] | undefined) ?? []) {
      const want = `${id.category}/${id.type}`;
      if (!info.identities.includes(want)) return { check: "disco-identity", message: `disco#info lacks identity ${want}`, expected: want, actual: listing() };
    }
    return null;
  },
  describe: (o) => {
    if (o.type !== "result") return describeOutcome(o);
    const info = discoInfo(o.xml);
    return `identities: ${info.identities.join(", ") || "(none)"}; features: ${info.features.join(", ") || "(none)"}`;
  },
};

function discoInfo(xmlText: string): { features: string[]; identities: string[] } {
  const q = parseXml(xmlText)?.getChild("query", XMPP_NS.discoInfo);
  return {
    features: (q?.getChildren("feature") ?? []).map((f) => f.attrs.var ?? "").filter(Boolean),
    identities: (q?.getChildren("identity") ?? []).map((i) => `${i.attrs.category ?? ""}/${i.attrs.type ?? ""}`),
  };
}

// ---- the server closing a stream -----------------------------------------------------------

interface CloseObservation {
  persona: string;
  closed: { streamError?: string } | undefined;
  waitedMs: number;
}

const expectDisconnect: CheckAction<CloseObservation> = {
  expectationKeys: ["within", "stream-error"],
  async observe(ctx, candidates) {
    const p = persona(ctx, candidates[0]!.persona);
    const window = Math.max(...candidates.map((a) => ms(a.within, DEFAULT_WINDOW_MS)));
    const t0 = ctx.session.now();
    await ctx.session.waitFor(() => p.serverClosed !== undefined, window);
    return { persona: p.name, closed: p.serverClosed, waitedMs: ctx.session.now() - t0 };
  },
  judge: (_ctx, a, obs) => {
    const want = a["stream-error"] as string | undefined;
    const got = obs.closed ? obs.closed.streamError ?? "none" : undefined;
    if (got === undefined) return { check: "disconnect", message: `the server did not close ${obs.persona}'s stream`, expected: `closed${want ? ` (${want})` : ""}`, actual: `still open after ${formatMs(obs.waitedMs)}` };
    if (want !== undefined && want !== got) return { check: "stream-error", message: `${obs.persona}'s stream ended with another stream error`, expected: want, actual: got };
    return null;
  },
  describe: (obs) => (obs.closed ? `closed by the server${obs.closed.streamError ? ` with stream error ${obs.closed.streamError}` : " without a stream error"}` : `still open after ${formatMs(obs.waitedMs)}`),
};

// ---- raw stanza ----------------------------------------------------------------------------

const stanza: CheckAction<IqOutcome | null> = {
  expectationKeys: ["expect"],
  observe: async (ctx, [a]) => {
    const p = persona(ctx, a!.persona);
    let el: Element;
    try {
      el = parseRawXml(resolveVars(ctx, a!.xml as string)); // bounded: size limit first, linear parse
    } catch (e) {
      throw new ScenarioError(`stanza: not usable XML: ${(e as Error).message}`);
    }
    if (el.name === "iq" && (el.attrs.type === "get" || el.attrs.type === "set")) return p.iq(el, IQ_TIMEOUT_MS);
    await p.send(el);
    return null;
  },
  judge: (_ctx, a, o) => (o ? judgeReply(o, a.expect, "stanza") : null),
  describe: (o) => (o ? describeOutcome(o) : "sent (no reply expected)"),
};

// ---- resumption ----------------------------------------------------------------------------

const resume: CheckAction<boolean> = {
  expectationKeys: ["expect"],
  observe: async (ctx, [a]) => persona(ctx, a!.persona).resume(),
  judge: (_ctx, a, ok) => {
    const want = (a.expect as string | undefined) ?? "resumed";
    return (want === "resumed") === ok ? null : { check: "resume", message: "resumption outcome", expected: want, actual: ok ? "resumed" : "failed" };
  },
  describe: (ok) => (ok ? "resumed" : "resumption failed"),
};

// ---- pushes --------------------------------------------------------------------------------

interface PushObservation {
  app: string;
  t0: number; // when the step began (target clock)
  pushes: PushRecord[]; // every push that arrived in the longest window
  waitedMs: number;
}

const COUNT_KEYS = ["count", "at-least", "at-most"] as const;

function bounds(a: StepArgs): { exact?: number; atLeast?: number; atMost?: number } {
  const exact = typeof a.count === "number" ? a.count : undefined;
  const atMost = typeof a["at-most"] === "number" ? a["at-most"] : undefined;
  const atLeast = typeof a["at-least"] === "number" ? a["at-least"] : exact === undefined && atMost === undefined ? 1 : undefined;
  return { exact, atLeast, atMost };
}

function pushLine(p: PushRecord, t0: number): string {
  const d = p.t - t0; // negative: before the step began (pushes since the previous check count)
  return `${d < 0 ? "" : "+"}${formatMs(d)} node=${p.node ?? "-"} ${p.xml}`;
}

function resolveMatch(ctx: StepContext, m: PushMatch): PushMatch {
  const out: PushMatch = { ...m };
  if (m.to !== undefined) out.to = address(ctx, m.to);
  if (m.from !== undefined) out.from = resolveVars(ctx, m.from);
  if (typeof m.sender === "string" && !["absent", "present"].includes(m.sender)) out.sender = resolveVars(ctx, m.sender);
  return out;
}

const expectPushes: CheckAction<PushObservation> = {
  expectationKeys: [...COUNT_KEYS, "within", "not-before", "match", "pushes", "nodes"],
  async observe(ctx, candidates) {
    const server = app(ctx, candidates[0]!.app);
    const start = ctx.pushCursor.get(server.name) ?? 0;
    const t0 = ctx.session.now();
    const window = Math.max(...candidates.map((a) => ms(a.within, DEFAULT_WINDOW_MS)));
    const fresh = () => server.pushes.length - start;
    // With an upper bound anywhere, wait the whole window: a late extra push must be seen, and
    // the count reported must be what arrived. At-least alone returns once every bound is met.
    const all = candidates.map(bounds);
    if (all.some((b) => b.exact !== undefined || b.atMost !== undefined)) await ctx.session.sleep(window);
    else await ctx.session.waitFor(() => fresh() >= Math.max(...all.map((b) => b.atLeast ?? 0)), window);
    const pushes = server.pushes.slice(start);
    ctx.pushCursor.set(server.name, server.pushes.length);
    return { app: server.name, t0, pushes, waitedMs: ctx.session.now() - t0 };
  },
  judge(ctx, a, obs) {
    const window = ms(a.within, DEFAULT_WINDOW_MS);
    const got = obs.pushes.filter((p) => p.t - obs.t0 <= window);
    const { exact, atLeast, atMost } = bounds(a);
    const listing = got.length ? `:\n${got.map((p) => pushLine(p, obs.t0)).join("\n")}` : "";
    const where = `to ${obs.app} within ${formatMs(window)}`;
    if (exact !== undefined && got.length !== exact)
      return { check: "push-count", message: `expected exactly ${exact} push(es) ${where}, got ${got.length}`, expected: `${exact}`, actual: `${got.length}${listing}` };
    if (atMost !== undefined && got.length > atMost)
      return { check: "push-count", message: `expected at most ${atMost} push(es) ${where}, got ${got.length}`, expected: `≤ ${atMost}`, actual: `${got.length}${listing}` };
    if (atLeast !== undefined && got.length < atLeast)
      return { check: "push-count", message: `expected at least ${atLeast} push(es) ${where}, got ${got.length}`, expected: `≥ ${atLeast}`, actual: `${got.length}${listing}` };
    if (Array.isArray(a.nodes)) {
      const want = (a.nodes as string[]).map(String).sort();
      const have = got.map((p) => pushNode(p.el) ?? "(none)").sort();
      if (JSON.stringify(want) !== JSON.stringify(have))
        return { check: "push-nodes", message: `the pushes ${where} went to other nodes`, expected: want.join(", ") || "(none)", actual: have.join(", ") || "(none)" };
    }
    const notBefore = a["not-before"] === undefined ? undefined : offsetMs(a["not-before"]);
    for (const [i, p] of got.entries()) {
      if (notBefore !== undefined && p.t - obs.t0 < notBefore)
        return { check: "push-timing", message: `push #${i + 1} arrived ${formatMs(p.t - obs.t0)} after the step began, before ${formatMs(notBefore)}`, expected: `≥ ${formatMs(notBefore)}`, actual: formatMs(p.t - obs.t0) };
      const checks = [a.match as PushMatch | undefined, (a.pushes as PushMatch[] | undefined)?.[i]].filter(Boolean) as PushMatch[];
      for (const m of checks) {
        const diffs = matchPush(p.el, resolveMatch(ctx, m));
        if (diffs.length > 0)
          return {
            check: "push-content",
            message: `push #${i + 1} to ${obs.app}: ${diffs.map((d) => d.what).join(", ")} differ`,
            expected: diffs.map((d) => `${d.what}: ${d.expected}`).join("\n"),
            actual: `${diffs.map((d) => `${d.what}: ${d.actual}`).join("\n")}\n\n${p.xml}`,
          };
      }
    }
    return null;
  },
  describe: (obs) => `${obs.pushes.length} push(es) to ${obs.app} in ${formatMs(obs.waitedMs)}${obs.pushes.length ? `:\n${obs.pushes.map((p) => pushLine(p, obs.t0)).join("\n")}` : ""}`,
};

// ---- stanzas a persona received ------------------------------------------------------------

interface ReceivedObservation {
  persona: string;
  got: Element[];
}

const expectReceived: CheckAction<ReceivedObservation> = {
  expectationKeys: ["count", "at-least", "contains"],
  async observe(ctx, candidates) {
    const p = persona(ctx, candidates[0]!.persona);
    const start = ctx.receivedCursor.get(p.name) ?? 0;
    const exactAnywhere = candidates.some((a) => typeof a.count === "number");
    if (exactAnywhere) await ctx.session.sleep(DEFAULT_WINDOW_MS);
    else {
      const enough = () => candidates.every((a) => matching(ctx, a, p.received.slice(start)).length >= minOf(a));
      await ctx.session.waitFor(enough, DEFAULT_WINDOW_MS);
    }
    const got = p.received.slice(start);
    ctx.receivedCursor.set(p.name, p.received.length);
    return { persona: p.name, got };
  },
  judge(ctx, a, obs) {
    const got = matching(ctx, a, obs.got);
    const contains = typeof a.contains === "string" ? resolveVars(ctx, a.contains) : undefined;
    const bad = typeof a.count === "number" ? got.length !== a.count : got.length < minOf(a);
    if (!bad) return null;
    return {
      check: "received",
      message: `${obs.persona} received ${got.length} stanza(s)${contains ? ` containing ${JSON.stringify(contains)}` : ""}`,
      expected: typeof a.count === "number" ? `${a.count}` : `≥ ${minOf(a)}`,
      actual: `${got.length}`,
    };
  },
  describe: (obs) => `${obs.persona} received ${obs.got.length} stanza(s)`,
};

function minOf(a: StepArgs): number {
  return typeof a["at-least"] === "number" ? a["at-least"] : typeof a.count === "number" ? a.count : 1;
}

function matching(ctx: StepContext, a: StepArgs, els: Element[]): Element[] {
  const contains = typeof a.contains === "string" ? resolveVars(ctx, a.contains) : undefined;
  return els.filter((el) => !contains || el.toString().includes(contains));
}

// ---- the registry --------------------------------------------------------------------------

export const CHECKS: Record<string, CheckAction<any>> = {
  enable: iqCheck("enable", (ctx, a) =>
    enableIq(enableJid(ctx, a), a.node as string | undefined, a["publish-options"] as Record<string, string> | undefined, a["publish-options-form"] as FormSpec | undefined),
  ),
  disable: iqCheck("disable", (ctx, a) => disableIq(enableJid(ctx, a), a.node as string | undefined)),
  disco,
  "remove-account": iqCheck("account removal", () => removeAccountIq()),
  "expect-disconnect": expectDisconnect,
  stanza,
  resume,
  "expect-pushes": expectPushes,
  "expect-received": expectReceived,
};

// The steps of a receiver check. Each records what it sent and got on the check's timeline and
// adds a finding (expected / actual) for every expectation that does not hold.
import { randomBytes } from "node:crypto";
import { xml, type Element } from "@xmpp/xml";
import type { Finding } from "../results.ts";
import { XMPP_NS } from "../protocol/ns.ts";
import type { Trace } from "../trace.ts";
import { registerByCommand, type RegistrationStep } from "./adhoc-client.ts";
import type { CheckStep, GatewayExpectation } from "./check-model.ts";
import { consequenceOf, misjudged, type Situation } from "./consequences.ts";
import type { GatewayCall } from "./gateways/recorder.ts";
import { HOSTILE } from "./hostile.ts";
import { describeOutcome, type IqOutcome } from "./iq-tracker.ts";
import { bodyOf, buildPublish, type PublishSpec } from "./publish.ts";
import { newToken, type Device, type RunState } from "./run-state.ts";

type Step<A extends CheckStep["action"]> = Extract<CheckStep, { action: A }>;
const TIMELINE_XML_MAX = 4_000;
const clipXml = (s: string) => (s.length > TIMELINE_XML_MAX ? `${s.slice(0, TIMELINE_XML_MAX)}… (${s.length} characters)` : s);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SkipStep extends Error {}

/** One check being run: its devices, timeline and findings. */
export class CheckRun {
  readonly findings: Finding[] = [];
  readonly devices = new Map<string, Device | { skipped: string }>();
  publishes = 0;

  constructor(
    readonly state: RunState,
    readonly name: string,
    readonly trace: Trace,
  ) {}

  find(f: Omit<Finding, "location">, step: CheckStep, index: number): void {
    this.findings.push({ ...f, step: index, location: step.loc });
    this.trace.add("check", "runner", { text: f.message, ok: false });
  }

  device(name: string): Device {
    const d = this.devices.get(name);
    if (!d) throw new Error(`device '${name}' was not registered`);
    if ("skipped" in d) throw new SkipStep(d.skipped);
    return d;
  }

  async ensureUp(): Promise<void> {
    const ch = this.state.setup.channel;
    if (ch.up) return;
    this.trace.add("note", "runner", { text: `waiting up to ${this.state.connectTimeoutMs} ms for the receiver's link` });
    await ch.waitUp(this.state.connectTimeoutMs);
  }

  /** Sends a publish and records it and its answer on the timeline. */
  async publish(el: Element, what: string, withinMs: number, situation: Situation | undefined): Promise<IqOutcome> {
    await this.ensureUp().catch(() => {}); // a receiver that stays away yields "not sent" below
    const n = ++this.publishes;
    const xmlText = el.toString();
    this.trace.add("push", "pushlab", { text: `publish #${n}: ${what}`, xml: clipXml(xmlText) });
    const o = await this.state.iq.request(el, withinMs);
    const c = consequenceOf(o);
    const bad = situation ? misjudged(o, situation) : undefined;
    this.trace.add("app-reply", "receiver", {
      text: `publish #${n}: ${describeOutcome(o)}${o.kind === "result" || o.kind === "error" ? ` after ${o.ms.toFixed(1)} ms` : ""}${o.kind === "error" ? ` — Prosody ${c.prosody}; ejabberd ${c.ejabberd}` : ""}`,
      ...((o.kind === "result" || o.kind === "error") && { xml: clipXml(o.el.toString()) }),
      ...(bad && { ok: false }),
    });
    this.state.replies.push({ check: this.name, what, ...(situation && { situation }), outcome: o });
    return o;
  }

  /** Push-service calls made from mark on, after the settle window; shown on the timeline. */
  async gatewayCalls(mark: number, device?: Device): Promise<GatewayCall[]> {
    await sleep(this.state.settleMs);
    const all = this.state.setup.gateways.recorder.since(mark);
    const mine = device?.token ? all.filter((c) => c.gateway === device.gateway && c.token === device.token) : all;
    for (const c of mine) this.trace.add("note", c.gateway, { text: `push service call: ${c.summary}` });
    return mine;
  }
}

export async function runStep(run: CheckRun, step: CheckStep, index: number): Promise<void> {
  run.trace.add("step", "runner", { text: `${step.action}${step.note ? `: ${step.note}` : ""}` });
  switch (step.action) {
    case "register":
      return register(run, step);
    case "disco":
      return disco(run, step, index);
    case "publish":
      return publish(run, step, index);
    case "hostile":
      return hostile(run, step, index);
    case "burst":
      return burst(run, step, index);
    case "gateway":
      return steerGateway(run, step, index);
    case "wait":
      await sleep(step.ms);
      return;
    case "consequences":
      return consequences(run, step, index);
  }
}

async function register(run: CheckRun, step: Step<"register">): Promise<void> {
  const { setup } = run.state;
  const gateway = step.gateway ?? setup.gatewayNames[0]!;
  if (!setup.gatewayNames.includes(gateway)) {
    const why = `the receiver was not given ${gateway} (--gateways ${setup.gatewayNames.join(",")})`;
    run.devices.set(step.as, { skipped: why });
    run.trace.add("note", "runner", { text: `device ${step.as}: skipped, ${why}` });
    return;
  }
  if (setup.registration.kind === "given") {
    const { node, secret } = setup.registration;
    run.devices.set(step.as, { name: step.as, gateway, node, secret, ...(run.state.learnedTokens.has(node) && { token: run.state.learnedTokens.get(node)! }) });
    run.trace.add("note", "runner", { text: `device ${step.as}: the given node ${node} (${gateway})` });
    return;
  }
  await run.ensureUp();
  const token = newToken(gateway);
  const transcript: RegistrationStep[] = [];
  const vars = { token, device: run.state.nextDeviceId(step.as), gateway };
  try {
    const r = await registerByCommand(run.state.iq, setup.channel.userJid, setup.receiverJid, setup.registration.command, vars, 5_000, transcript);
    run.devices.set(step.as, { name: step.as, gateway, node: r.node, secret: r.secret, token });
    run.trace.add("out", "pushlab", { text: `ad-hoc registration of ${step.as} on ${gateway}`, xml: transcript[0]?.sent ?? "" });
    run.trace.add("in", "receiver", { text: `registered: node ${r.node}${r.secret ? ", with a secret" : ", no secret"}`, xml: transcript.at(-1)?.answer ?? "" });
  } finally {
    for (const t of transcript.slice(0, -1)) run.trace.add("in", "receiver", { text: "ad-hoc stage", xml: t.answer });
  }
}

async function disco(run: CheckRun, step: Step<"disco">, index: number): Promise<void> {
  await run.ensureUp();
  const { setup } = run.state;
  const el = xml("iq", { type: "get", from: setup.channel.serverJid, to: setup.receiverJid }, xml("query", { xmlns: XMPP_NS.discoInfo }));
  run.trace.add("out", "pushlab", { text: "disco#info", xml: el.toString() });
  const o = await run.state.iq.request(el, step.withinMs);
  const want = `identity ${step.identity.category}/${step.identity.type}`;
  if (o.kind !== "result") {
    run.trace.add("in", "receiver", { text: describeOutcome(o), ...(o.kind === "error" && { xml: o.el.toString() }) });
    return run.find({ check: "disco", message: `disco#info was not answered with a result`, expected: `a result listing ${want}`, actual: describeOutcome(o) }, step, index);
  }
  run.trace.add("in", "receiver", { text: `disco#info result after ${o.ms.toFixed(1)} ms`, xml: o.el.toString() });
  const ids = o.el.getChild("query", XMPP_NS.discoInfo)?.getChildren("identity") ?? [];
  const hit = ids.find((i) => i.attrs.category === step.identity.category && i.attrs.type === step.identity.type);
  if (hit?.attrs.name) run.state.identity = hit.attrs.name;
  if (!hit) {
    run.find({ check: "disco", message: `disco#info does not list ${want}`, expected: want, actual: ids.map((i) => `${i.attrs.category}/${i.attrs.type}`).join(", ") || "no identity" }, step, index);
  }
}

function bodyFor(step: Step<"publish">): string | undefined {
  if (step.bodyBytes !== undefined) return "oversized ".padEnd(step.bodyBytes, "x");
  return step.body;
}

async function publish(run: CheckRun, step: Step<"publish">, index: number): Promise<void> {
  const d = run.device(step.device);
  const { setup, iq } = run.state;
  const body = bodyFor(step);
  const spec: PublishSpec = {
    id: iq.nextId("pub"),
    from: setup.channel.serverJid,
    to: setup.receiverJid,
    node: step.node === "unknown" ? `pushlab-unknown-${randomBytes(6).toString("hex")}` : d.node,
    secret: d.secret,
    secretMode: step.secret,
    variant: step.variant,
    ...(body !== undefined && { body }),
    ...(step.sender !== undefined && { sender: step.sender }),
  };
  const sentBody = bodyOf(spec);
  const what = [
    step.variant,
    step.node === "unknown" ? "unknown node" : "",
    step.secret !== "right" ? `secret ${step.secret}` : "",
    sentBody ? `body ${sentBody.length > 40 ? `of ${Buffer.byteLength(sentBody)} bytes` : JSON.stringify(sentBody)}` : "no body",
  ].filter(Boolean).join(", ");
  const mark = setup.gateways.recorder.calls.length;
  const o = await run.publish(buildPublish(spec), what, step.withinMs, step.situation);
  if (sentBody.length >= 4) run.state.bodiesSent.add(sentBody);
  if (o.kind === "result") run.state.latencies.push(o.ms);
  judgeAnswer(run, step, index, o, step.expect, what);
  const mustWatch = step.gateway !== undefined || (!d.token && o.kind === "result");
  if (!mustWatch) return;
  const calls = await run.gatewayCalls(mark, d);
  if (!d.token && o.kind === "result" && calls.length === 1 && calls[0]!.gateway === d.gateway) {
    d.token = calls[0]!.token; // given mode: now we can steer its push service
    run.state.learnedTokens.set(d.node, d.token);
  }
  if (step.gateway) judgeGateway(run, step, index, step.gateway, calls, sentBody);
}

function judgeAnswer(run: CheckRun, step: CheckStep, index: number, o: IqOutcome, expect: "result" | "error" | "answer", what: string): void {
  const ok = expect === "result" ? o.kind === "result" : expect === "error" ? o.kind === "error" : o.kind === "result" || o.kind === "error";
  if (ok) return;
  const expected = expect === "result" ? "a result" : expect === "error" ? "an error reply (the publish must be refused)" : "an answer (result or error)";
  run.find({ check: "answer", message: `${what}: ${describeOutcome(o)}`, expected, actual: describeOutcome(o) }, step, index);
}

function judgeGateway(run: CheckRun, step: CheckStep, index: number, g: GatewayExpectation, calls: GatewayCall[], sentBody: string): void {
  const list = calls.map((c) => c.summary).join("\n") || "no call";
  if (g.calls !== undefined && calls.length !== g.calls) {
    run.find({ check: "gateway-calls", message: `${calls.length} push-service call(s), expected ${g.calls}`, expected: `${g.calls} call(s)`, actual: list }, step, index);
  }
  for (const c of calls) {
    if (g.priority === "high" && (c.priority !== "high" || (c.gateway === "apns" && c.pushType !== "alert"))) {
      run.find({ check: "gateway-priority", message: `an important push went out as ${c.priority}${c.gateway === "apns" ? ` (${c.pushType})` : ""}`, expected: "high priority (FCM android.priority HIGH; APNs apns-priority 10 + alert; Web Push Urgency high)", actual: c.summary }, step, index);
    }
    if (g.priority === "background" && (c.priority === "high" || (c.gateway === "apns" && c.pushType !== "background"))) {
      run.find({ check: "gateway-priority", message: `a push without a body went out as ${c.priority}${c.gateway === "apns" ? ` (${c.pushType})` : ""}`, expected: "background (FCM NORMAL; APNs apns-priority 5 + background; Web Push Urgency below high)", actual: c.summary }, step, index);
    }
    if (g.text === "none") {
      const earlier = [...run.state.bodiesSent].filter((b) => b !== sentBody && c.strings.some((s) => s.includes(b)));
      if (c.visibleText.length > 0 || earlier.length > 0) {
        run.find({ check: "gateway-text", message: "message text reached the push service although the publish carried none", expected: "no visible text and no earlier message body in the payload", actual: `${c.summary}${earlier.length ? `; contains earlier body ${JSON.stringify(earlier[0])}` : ""}` }, step, index);
      }
    }
    if (g.accepted && (c.status < 200 || c.status >= 300)) {
      run.find({ check: "gateway-accepted", message: `the push service refused the call: ${c.refusal ?? c.status}`, expected: "a call within the push service's limits (2xx)", actual: c.summary }, step, index);
    }
  }
}

async function hostile(run: CheckRun, step: Step<"hostile">, index: number): Promise<void> {
  const d = run.device(step.device);
  const { setup, iq } = run.state;
  if (HOSTILE.length < step.min) run.find({ check: "hostile", message: `only ${HOSTILE.length} hostile publishes known`, expected: `at least ${step.min}`, actual: String(HOSTILE.length) }, step, index);
  for (const h of HOSTILE) {
    const mark = setup.gateways.recorder.calls.length;
    const el = h.build({ id: iq.nextId("hostile"), from: setup.channel.serverJid, to: setup.receiverJid, node: d.node, secret: d.secret });
    const o = await run.publish(el, `hostile ${h.name}: ${h.what}`, step.withinMs, h.expect === "error" ? "permanent" : undefined);
    judgeAnswer(run, step, index, o, h.expect, `hostile ${h.name}`);
    if (h.expect === "error") {
      const calls = await run.gatewayCalls(mark, d);
      if (calls.length > 0) run.find({ check: "gateway-calls", message: `hostile ${h.name}: the push service was called for a publish that should be refused`, expected: "no call", actual: calls.map((c) => c.summary).join("\n") }, step, index);
    }
    const probe = buildPublish({ id: iq.nextId("probe"), from: setup.channel.serverJid, to: setup.receiverJid, node: d.node, secret: d.secret, variant: "prosody-important" });
    const p = await run.publish(probe, `valid publish after hostile ${h.name}`, step.withinMs, "valid");
    judgeAnswer(run, step, index, p, "result", `the valid publish after hostile ${h.name}`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function burst(run: CheckRun, step: Step<"burst">, index: number): Promise<void> {
  const d = run.device(step.device);
  const { setup, iq } = run.state;
  await run.ensureUp();
  const mark = setup.gateways.recorder.calls.length;
  const dupBefore = iq.duplicates;
  run.trace.add("push", "pushlab", { text: `burst: ${step.count} publishes (${step.variant}) at once, each to be answered within ${step.withinMs} ms` });
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: step.count }, () =>
      iq.request(buildPublish({ id: iq.nextId("burst"), from: setup.channel.serverJid, to: setup.receiverJid, node: d.node, secret: d.secret, variant: step.variant }), step.withinMs),
    ),
  );
  const wall = performance.now() - t0;
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const k = o.kind === "error" ? `error ${o.error.type}/${o.error.condition}` : o.kind === "result" ? "result" : o.kind === "timeout" ? "unanswered" : o.kind;
    counts.set(k, (counts.get(k) ?? 0) + 1);
    run.state.replies.push({ check: run.name, what: `burst publish (${step.variant})`, situation: "valid", outcome: o });
  }
  const answered = outcomes.filter((o) => o.kind === "result" || o.kind === "error").map((o) => o.ms).sort((a, b) => a - b);
  run.state.burstLatencies.push(...answered);
  const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
  const calls = await run.gatewayCalls(mark, d);
  run.trace.add("app-reply", "receiver", {
    text: `burst: ${summary} in ${wall.toFixed(0)} ms; latency p50 ${percentile(answered, 50).toFixed(1)} ms, p99 ${percentile(answered, 99).toFixed(1)} ms; ${calls.length} push-service calls`,
  });
  const missing = step.count - answered.length;
  if (missing > 0) {
    const first = outcomes.find((o) => o.kind !== "result" && o.kind !== "error")!;
    run.find({ check: "burst", message: `${missing} of ${step.count} publishes got no answer within ${step.withinMs} ms`, expected: `${step.count} answers`, actual: `${summary} (e.g. ${describeOutcome(first)})` }, step, index);
  }
  const dups = iq.duplicates - dupBefore;
  if (dups > 0) run.find({ check: "burst", message: `${dups} publishes were answered more than once`, expected: "one answer per publish", actual: `${dups} duplicate answers` }, step, index);
}

async function steerGateway(run: CheckRun, step: Step<"gateway">, index: number): Promise<void> {
  const d = run.device(step.device);
  if (!d.token) {
    return run.find({ check: "setup", message: `the push-service token of ${d.name} is unknown, so its answers cannot be steered (no accepted publish has reached ${d.gateway} yet)`, expected: "a known token", actual: "none" }, step, index);
  }
  run.state.setup.gateways.recorder.setAnswer(d.gateway, d.token, step.answer, step.times);
  run.trace.add("note", d.gateway, { text: `${d.gateway} now answers '${step.answer}' for ${d.name}${step.times ? ` (${step.times} time(s))` : ""}` });
}

function consequences(run: CheckRun, step: Step<"consequences">, index: number): void {
  const rows = consequenceTable(run.state.replies);
  for (const r of rows) {
    run.trace.add("note", "runner", { text: `${r.answer} ×${r.count} (${r.situation}; ${r.checks.join(", ")}) — Prosody ${r.prosody}; ejabberd ${r.ejabberd}${r.problem ? ` — WRONG: ${r.problem}` : ""}`, ...(r.problem && { ok: false }) });
  }
  if (rows.length === 0) run.trace.add("note", "runner", { text: "no error answers so far: nothing to judge" });
  for (const r of rows.filter((x) => x.problem)) {
    run.find({ check: "consequence", message: r.problem!, expected: r.situation === "permanent" ? "a non-wait error (cancel/auth/modify)" : "result, or an error of type wait", actual: `${r.answer} ×${r.count} in ${r.checks.join(", ")}` }, step, index);
  }
}

export interface ConsequenceRow {
  answer: string;
  situation: string;
  count: number;
  checks: string[];
  prosody: string;
  ejabberd: string;
  problem?: string;
}

/** Every error answer of the run, grouped by type/condition and situation. */
export function consequenceTable(replies: RunState["replies"]): ConsequenceRow[] {
  const rows = new Map<string, ConsequenceRow>();
  for (const r of replies) {
    if (r.outcome.kind !== "error") continue;
    const answer = `${r.outcome.error.type}/${r.outcome.error.condition}`;
    const situation = r.situation ?? "not judged";
    const key = `${answer}|${situation}`;
    const c = consequenceOf(r.outcome);
    const row = rows.get(key) ?? { answer, situation, count: 0, checks: [], prosody: c.prosody, ejabberd: c.ejabberd };
    row.count++;
    if (!row.checks.includes(r.check)) row.checks.push(r.check);
    const bad = r.situation ? misjudged(r.outcome, r.situation) : undefined;
    if (bad) row.problem = bad;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export { percentile };

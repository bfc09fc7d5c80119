// One load run: start the server, prepare push-enabled recipients and senders, send at the
// given rate for the given time (native senders, or Tsung), measure at the fake app server,
// sample CPU and RSS of server and harness every second, and return the result.
import { randomBytes } from "node:crypto";
import { xml } from "@xmpp/xml";
import { delay } from "../wire/bounded.ts";
import { AppRecorder, BODY_PREFIX } from "./app-recorder.ts";
import { startLoadServer, type LoadServer } from "./load-server.ts";
import { matchPushes, type Matched, type SentMessage } from "./measure.ts";
import { mixOf, type LoadOptions } from "./options.ts";
import { clockTicks, cpuPercent, sampleProc, type ProcSample, type UsagePoint } from "./proc.ts";
import { CONNECT_BATCH, inBatches, newPersona, nodeOf, prepareRecipient, recipientLocal, type Recipient } from "./recipients.ts";
import { summarize, type LatencySummary } from "./stats.ts";
import type { WirePersona } from "../wire/wire-persona.ts";

export const ACK_DELAY_S = 1;
const BATCH_MS = 1000; // the server's hibernation/ack-delay batch (mod_cloud_notify: 1 s)
const TICK_MS = 10;
const SAMPLE_MS = 1000;

export interface LoadResult {
  schema: "pushlab-load/1";
  options: LoadOptions;
  server: { label: string; pid: number };
  startedAt: string;
  sent: number;
  sendErrors: number;
  sendSeconds: number;
  pushes: number;
  pushesPerS: number; // pushes received while sending, per second of sending
  matched: Matched;
  latency: LatencySummary;
  errorReplies: number;
  usage: UsagePoint[];
  server_cpu_mean_pct: number;
  harness_cpu_mean_pct: number;
  harness_to_server_cpu: number;
  saturated: boolean;
  serverRssStartMiB: number;
  serverRssEndMiB: number;
  serverRssBytesPerPush: number;
  tsung?: { file: string; exitCode: number | null; log: string };
  latenciesMs?: number[];
}

export interface Sender {
  /** Starts sending; resolves when the last message is handed over (bounded by the run's duration). */
  run(plan: { rate: number; seconds: number; onSent: (m: SentMessage) => void; stop: () => boolean }): Promise<{ errors: number; expected?: number }>;
  close(): Promise<void>;
}

function progressLine(p: UsagePoint, sent: number, lat?: number): string {
  return `[${p.t.toFixed(0).padStart(4)} s] sent ${String(sent).padStart(7)}  pushes ${String(p.pushes).padStart(5)}/s${lat !== undefined ? `  p50 ${lat.toFixed(0)} ms` : ""}  server cpu ${p.serverCpuPct.toFixed(0).padStart(3)}% rss ${p.serverRssMiB.toFixed(1)} MiB  harness cpu ${p.harnessCpuPct.toFixed(0).padStart(3)}% rss ${p.harnessRssMiB.toFixed(0)} MiB`;
}

/** Native senders: a few XMPP clients, messages dealt to the recipients in turn. */
export function nativeSenders(server: LoadServer, password: string, count: number, recipients: Recipient[]): Sender {
  const personas: WirePersona[] = [];
  return {
    async run({ rate, seconds, onSent, stop }) {
      for (let i = 0; i < count; i++) {
        const local = `sender-${i}`;
        await server.addAccount(local, password);
        personas.push(newPersona(server, local, password, "load"));
      }
      await inBatches(personas, CONNECT_BATCH, (p) => p.connect({ presence: false, sm: false, carbons: false }));
      const total = Math.floor(rate * seconds);
      let seq = 0;
      let errors = 0;
      const t0 = performance.now();
      const end = t0 + seconds * 1000;
      while (seq < total && !stop()) {
        const now = performance.now();
        if (now > end + 2_000) break; // a harness that cannot keep up stops on time anyway
        const due = Math.min(total, Math.floor(((now - t0) / 1000) * rate) + 1);
        for (; seq < due; seq++) {
          const r = recipients[seq % recipients.length]!;
          const p = personas[seq % personas.length]!;
          const m = xml("message", { to: r.jid, type: "chat", id: `l${seq}` }, xml("body", {}, `${BODY_PREFIX}${seq}`));
          onSent({ seq, node: r.node, t: performance.now(), batched: r.mix !== "offline" });
          p.send(m).catch(() => errors++);
        }
        await delay(TICK_MS);
      }
      return { errors };
    },
    async close() {
      await Promise.allSettled(personas.map((p) => p.disconnect()));
    },
  };
}

export async function runLoad(o: LoadOptions, makeSender?: (server: LoadServer, password: string, recipients: Recipient[]) => Sender): Promise<LoadResult & { latenciesMs: number[] }> {
  const log = (s: string) => process.stderr.write(`load: ${s}\n`);
  const password = randomBytes(9).toString("base64url");
  const hibernationS = Math.ceil(o.duration + o.drain + 120);
  const server = await startLoadServer(o.target, { hibernationS, ackDelayS: ACK_DELAY_S, archive: o.archive });
  const recipients: Recipient[] = [];
  let app: AppRecorder | undefined;
  let sender: Sender | undefined;
  const stopping = { now: false };
  const onSignal = () => (stopping.now = true);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    log(`${server.label} (PID ${server.pid}) on ${server.service}; host ${server.host}`);
    app = new AppRecorder(server.pushDomain, server.pushSecret, server.componentPort);
    await app.start();
    const appJid = `app@${server.pushDomain}`;
    for (let i = 0; i < o.users; i++) {
      const local = recipientLocal(i);
      await server.addAccount(local, password);
      recipients.push({ index: i, local, jid: `${local}@${server.host}`, node: nodeOf(i), mix: mixOf(i, o.mix), persona: newPersona(server, local, password, "phone") });
    }
    let ready = 0;
    await inBatches(recipients, CONNECT_BATCH, async (r) => {
      await prepareRecipient(r, appJid);
      if (++ready % 200 === 0) log(`${ready}/${recipients.length} recipients ready`);
    });
    log(`${recipients.length} recipients push-enabled (${o.mix.map((m) => `${recipients.filter((r) => r.mix === m).length} ${m}`).join(", ")})`);
    // Pushes that came while preparing (e.g. hibernation start) are not the load's.
    const preparePushes = app.pushes.length;
    app.pushes.length = 0;
    if (preparePushes > 0) log(`${preparePushes} push(es) while preparing, not counted`);

    // An ack-delay recipient "wakes up" on its push: it acks late, so the next message starts a
    // new delayed-ack episode (otherwise one outstanding request would cover all later messages).
    const byNode = new Map(recipients.map((r) => [r.node, r]));
    const rearming = new Set<string>();
    let seenPushes = 0;
    const rearm = () => {
      for (; seenPushes < app!.pushes.length; seenPushes++) {
        const r = byNode.get(app!.pushes[seenPushes]!.node);
        if (!r || r.mix !== "ack-delay" || rearming.has(r.node)) continue;
        rearming.add(r.node);
        r.persona
          .setAcking(true)
          .then(() => r.persona.setAcking(false))
          .catch(() => {})
          .finally(() => rearming.delete(r.node));
      }
    };

    const sent: SentMessage[] = [];
    const ticks = clockTicks();
    const usage: UsagePoint[] = [];
    let lastServer: ProcSample | undefined = sampleProc(server.pid, ticks);
    let lastHarness: ProcSample | undefined = sampleProc(process.pid, ticks);
    const rssStart = (lastServer?.rssKiB ?? 0) / 1024;
    const t0 = performance.now();
    let lastT = t0;
    let lastPushes = 0;
    const sampler = setInterval(() => {
      const now = performance.now();
      const s = sampleProc(server.pid, ticks);
      const h = sampleProc(process.pid, ticks);
      const dt = (now - lastT) / 1000;
      const n = app!.pushes.length;
      const point: UsagePoint = {
        t: Math.round((now - t0) / 100) / 10,
        pushes: n - lastPushes,
        pushesPerS: Math.round((n - lastPushes) / dt),
        serverCpuPct: Math.round(cpuPercent(lastServer, s, dt) * 10) / 10,
        serverRssMiB: Math.round(((s?.rssKiB ?? 0) / 1024) * 10) / 10,
        harnessCpuPct: Math.round(cpuPercent(lastHarness, h, dt) * 10) / 10,
        harnessRssMiB: Math.round(((h?.rssKiB ?? 0) / 1024) * 10) / 10,
      };
      usage.push(point);
      process.stderr.write(progressLine(point, sent.length) + "\n");
      lastServer = s;
      lastHarness = h;
      lastT = now;
      lastPushes = n;
    }, SAMPLE_MS);
    const rearmer = setInterval(rearm, 50);
    let sendErrors = 0;
    let sendSeconds = 0;
    let expected: number | undefined;
    try {
      sender = makeSender ? makeSender(server, password, recipients) : nativeSenders(server, password, o.senders, recipients);
      log(`sending ${o.rate} messages/s for ${o.duration} s`);
      const s0 = performance.now();
      const r = await sender.run({ rate: o.rate, seconds: o.duration, onSent: (m) => sent.push(m), stop: () => stopping.now || !server.running });
      sendSeconds = (performance.now() - s0) / 1000;
      sendErrors = r.errors;
      expected = r.expected;
      const pushesWhileSending = app.pushes.length;
      // Drain: wait (bounded) until every message has its push or nothing more comes.
      const expectAll = () => app!.pushes.length >= (expected ?? sent.length);
      const drainEnd = performance.now() + o.drain * 1000;
      let quietSince = performance.now();
      let lastCount = app.pushes.length;
      while (performance.now() < drainEnd && !expectAll() && !stopping.now && server.running) {
        await delay(100);
        if (app.pushes.length !== lastCount) {
          lastCount = app.pushes.length;
          quietSince = performance.now();
        } else if (performance.now() - quietSince > BATCH_MS * (ACK_DELAY_S + 3)) break;
      }
      log(`${sent.length} sent in ${sendSeconds.toFixed(1)} s; ${pushesWhileSending} pushes while sending, ${app.pushes.length} in all`);
    } finally {
      clearInterval(sampler);
      clearInterval(rearmer);
    }
    if (!server.running) throw new Error(server.deathNote());
    const rssEnd = (sampleProc(server.pid, ticks)?.rssKiB ?? 0) / 1024;
    if (expected !== undefined && sent.length === 0) {
      // An outside sender (Tsung) stamped each body with its number and send time (epoch ms).
      const seen = new Set<number>();
      for (const p of app.pushes) {
        if (p.seq === undefined || p.stampMs === undefined || seen.has(p.seq)) continue;
        seen.add(p.seq);
        sent.push({ seq: p.seq, node: p.node, t: p.t - (p.epochMs - p.stampMs), batched: false });
      }
    }
    const matched = matchPushes(sent, app.pushes, BATCH_MS + ACK_DELAY_S * 1000 + 1500);
    // Messages the outside sender planned but no push ever named are lost too.
    if (expected !== undefined && sent.length < expected) matched.lost += expected - sent.length;
    const during = usage.filter((u) => u.t <= sendSeconds + 0.5 && u.t > 1);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const serverCpu = mean(during.map((u) => u.serverCpuPct));
    const harnessCpu = mean(during.map((u) => u.harnessCpuPct));
    const pushesInWindow = app.pushes.filter((p) => p.t - t0 <= sendSeconds * 1000).length;
    const pushesPerS = sendSeconds > 0 ? pushesInWindow / sendSeconds : 0;
    const offeredPushRate = sent.length / Math.max(sendSeconds, 1e-9);
    return {
      schema: "pushlab-load/1",
      options: o,
      server: { label: server.label, pid: server.pid },
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      sent: expected ?? sent.length,
      sendErrors,
      sendSeconds: Math.round(sendSeconds * 100) / 100,
      pushes: app.pushes.length,
      pushesPerS: Math.round(pushesPerS * 10) / 10,
      matched: { ...matched, latenciesMs: [] },
      latency: summarize(matched.latenciesMs.map((v) => Math.round(v * 10) / 10)),
      errorReplies: app.errors + recipients.length * 0,
      usage,
      server_cpu_mean_pct: Math.round(serverCpu * 10) / 10,
      harness_cpu_mean_pct: Math.round(harnessCpu * 10) / 10,
      harness_to_server_cpu: serverCpu > 0 ? Math.round((harnessCpu / serverCpu) * 100) / 100 : NaN,
      // The server is saturated when it cannot keep up with what is offered while near a full core.
      saturated: o.mix.every((m) => m === "offline") ? pushesPerS < 0.9 * offeredPushRate : serverCpu > 90,
      serverRssStartMiB: Math.round(rssStart * 10) / 10,
      serverRssEndMiB: Math.round(rssEnd * 10) / 10,
      serverRssBytesPerPush: app.pushes.length > 0 ? Math.round(((rssEnd - rssStart) * 1024 * 1024) / app.pushes.length) : NaN,
      latenciesMs: matched.latenciesMs,
    };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    // Hundreds of client sockets close at once: a late reset on one whose client has already
    // let go of it must not end the run (only resets and broken pipes, only while tearing down).
    const teardownReset = (e: NodeJS.ErrnoException) => {
      if (e?.code !== "ECONNRESET" && e?.code !== "EPIPE") throw e;
      log(`a client socket was reset while closing (${e.code})`);
    };
    process.on("uncaughtException", teardownReset);
    try {
      await teardown();
    } finally {
      setTimeout(() => process.removeListener("uncaughtException", teardownReset), 1_000).unref();
    }
  }

  async function teardown(): Promise<void> {
    await sender?.close().catch(() => {});
    await Promise.allSettled(recipients.map((r) => r.persona.disconnect()));
    await app?.stop().catch(() => {});
    await server.stop();
  }
}

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
import type { UsagePoint } from "./proc.ts";
import { CONNECT_BATCH, inBatches, newPersona, nodeOf, prepareRecipient, recipientLocal, type Recipient } from "./recipients.ts";
import { arrivalStats, summarize, type ArrivalStats, type LatencySummary } from "./stats.ts";
import { UsageSampler } from "./sampler.ts";
import { drainPushes, type DrainEnd } from "./drain.ts";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { WirePersona } from "../wire/wire-persona.ts";
import type { XmppSettings } from "../targets/xmpp/settings.ts";

export const ACK_DELAY_S = 1;
const BATCH_MS = 1000; // the server's hibernation/ack-delay batch (mod_cloud_notify: 1 s)
const TICK_MS = 10;
/** Silence after which a drain may end (if the server is idle too): the longest batching path. */
export const QUIET_MS = BATCH_MS * (ACK_DELAY_S + 3);

export interface LoadResult {
  schema: "pushlab-load/1";
  options: LoadOptions;
  server: { label: string; pid: number; details: Record<string, string> };
  startedAt: string;
  sent: number;
  sendErrors: number;
  sendSeconds: number;
  pushes: number;
  pushesPerS: number; // pushes received while sending, per second of sending
  /** Pushes of our messages from the first message sent to the last push: the server's rate
   * when it could not keep up (its saturation), the offered rate otherwise. */
  sustainedPushesPerS: number;
  /** Pushes per CPU second the server used (sending and draining): its cost per push, which
   * other processes on a shared machine do not change the way they change pushes per second. */
  pushesPerServerCpuS: number;
  arrival: ArrivalStats;
  /** Why the wait for late pushes ended; "bound" means some "lost" ones may only be late. */
  drainEnded: DrainEnd;
  /** The harness's event loop delay while sending and draining (ms): our side keeping up. */
  harnessLoopLagMs: { p99: number; max: number };
  /** Mean share of the sending time the server waited for a CPU other processes held. */
  server_runqueue_wait_mean_pct: number;
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

/** Native senders: a few XMPP clients, messages dealt to the recipients in turn. */
export function nativeSenders(server: LoadServer, password: string, count: number, recipients: Recipient[]): Sender {
  const personas: WirePersona[] = [];
  return {
    async run({ rate, seconds, onSent, stop }) {
      for (let i = 0; i < count; i++) {
        const local = `${server.localPrefix ?? ""}sender-${i}`;
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

/** How to reach a server pushlab does not start (--target xmpp); never written to the report. */
export interface LoadConnect {
  xmpp?: XmppSettings;
}

export async function runLoad(
  o: LoadOptions,
  makeSender?: (server: LoadServer, password: string, recipients: Recipient[]) => Sender,
  connect: LoadConnect = {},
): Promise<LoadResult & { latenciesMs: number[] }> {
  const log = (s: string) => process.stderr.write(`load: ${s}\n`);
  const password = randomBytes(9).toString("base64url");
  const hibernationS = Math.ceil(o.duration + o.drain + 120);
  const server = await startLoadServer(o.target, {
    hibernationS,
    ackDelayS: ACK_DELAY_S,
    archive: o.archive,
    storage: o.storage,
    ...(connect.xmpp && { xmpp: connect.xmpp }),
    ...(o.serverPid !== undefined && { serverPid: o.serverPid }),
  });
  const recipients: Recipient[] = [];
  let app: AppRecorder | undefined;
  let sender: Sender | undefined;
  const stopping = { now: false };
  const onSignal = () => (stopping.now = true);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    log(`${server.label}${server.pid > 0 ? ` (PID ${server.pid})` : " (PID unknown: not sampled)"} on ${server.service}; host ${server.host}`);
    app = new AppRecorder(server.pushDomain, server.pushSecret, server.componentPort, server.componentHost);
    await app.start();
    const appJid = `app@${server.pushDomain}`;
    for (let i = 0; i < o.users; i++) {
      const local = `${server.localPrefix ?? ""}${recipientLocal(i)}`;
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
    const t0 = performance.now();
    const sampler = new UsageSampler(server.pid, t0, { pushes: () => app!.pushes.length, sent: () => sent.length }, (line) => process.stderr.write(line + "\n"));
    const rssStart = sampler.rssStartMiB;
    sampler.start();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const rearmer = setInterval(rearm, 50);
    let sendErrors = 0;
    let sendSeconds = 0;
    let expected: number | undefined;
    let drainEnded: DrainEnd = "stopped";
    try {
      sender = makeSender ? makeSender(server, password, recipients) : nativeSenders(server, password, o.senders, recipients);
      log(`sending ${o.rate} messages/s for ${o.duration} s`);
      const s0 = performance.now();
      const r = await sender.run({ rate: o.rate, seconds: o.duration, onSent: (m) => sent.push(m), stop: () => stopping.now || !server.running });
      sendSeconds = (performance.now() - s0) / 1000;
      sendErrors = r.errors;
      expected = r.expected;
      const pushesWhileSending = app.pushes.length;
      drainEnded = await drainPushes({
        boundMs: o.drain * 1000,
        quietMs: QUIET_MS,
        pushes: () => app!.pushes.length,
        allPushed: () => app!.pushes.length >= (expected ?? sent.length),
        serverDemandPct: () => sampler.lastServerDemandPct,
        stopped: () => stopping.now || !server.running,
      });
      log(`${sent.length} sent in ${sendSeconds.toFixed(1)} s; ${pushesWhileSending} pushes while sending, ${app.pushes.length} in all (drain ended: ${drainEnded})`);
    } finally {
      sampler.stop();
      lag.disable();
      clearInterval(rearmer);
    }
    if (!server.running) throw new Error(server.deathNote());
    const rssEnd = sampler.serverRssMiB();
    const serverCpuS = sampler.serverCpuSeconds();
    const usage: UsagePoint[] = sampler.usage;
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
    const serverCpu = server.pid > 0 ? mean(during.map((u) => u.serverCpuPct)) : NaN;
    const serverWait = mean(during.map((u) => u.serverWaitPct ?? 0));
    const firstSent = sent.reduce((m, x) => Math.min(m, x.t), Infinity);
    const arrival = arrivalStats(Number.isFinite(firstSent) ? firstSent : t0, app.pushes.map((p) => p.t));
    const sustained = arrival.lastPushS > 0 ? matched.pushed / arrival.lastPushS : 0;
    const harnessCpu = mean(during.map((u) => u.harnessCpuPct));
    const pushesInWindow = app.pushes.filter((p) => p.t - t0 <= sendSeconds * 1000).length;
    const pushesPerS = sendSeconds > 0 ? pushesInWindow / sendSeconds : 0;
    const offeredPushRate = sent.length / Math.max(sendSeconds, 1e-9);
    return {
      schema: "pushlab-load/1",
      options: o,
      server: { label: server.label, pid: server.pid, details: server.details },
      startedAt: new Date(Date.now() - (performance.now() - t0)).toISOString(),
      sent: expected ?? sent.length,
      sendErrors,
      sendSeconds: Math.round(sendSeconds * 100) / 100,
      pushes: app.pushes.length,
      pushesPerS: Math.round(pushesPerS * 10) / 10,
      sustainedPushesPerS: Math.round(sustained * 10) / 10,
      pushesPerServerCpuS: serverCpuS > 0 ? Math.round(app.pushes.length / serverCpuS) : NaN,
      arrival,
      drainEnded,
      harnessLoopLagMs: { p99: Math.round(lag.percentile(99) / 1e5) / 10, max: Math.round(lag.max / 1e5) / 10 },
      server_runqueue_wait_mean_pct: Math.round(serverWait * 10) / 10,
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

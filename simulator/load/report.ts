// A load result as files: load.json, and load.html (the report page's Load section: figures
// against goals and the anchor's baselines, the latency histogram, and the time series).
import type { BenchFigure, RunReport } from "../results.ts";
import { emptyStats } from "../results.ts";
import { HARNESS_VERSION } from "../version.ts";
import { histogram } from "./stats.ts";
import type { LoadResult } from "./run-load.ts";
import { cpus } from "node:os";

export const LOAD_JSON = "load.json";
export const LOAD_HTML = "load.html";
/** Harness CPU at most this share of the server's while the server works at its limit. */
export const HARNESS_CPU_RATIO_GOAL = 0.5;

/** Baselines measured here before, as a user would (notes/real-servers.md, issue 14). */
export const ANCHORS = {
  prosodyFile: "Prosody 0.12.3, file storage: ~580–950 offline pushes/s",
  prosodySql: "Prosody 0.12.3, SQLite: ~170 pushes/s",
  prosodyRss: "Prosody 0.12.3: RSS 16 → 30 MB over ~9,000 pushes (~1.6 KB per push)",
  ejabberdMam: "ejabberd 23.01, MAM on Mnesia: ~45 pushes/s",
  ejabberdNoMam: "ejabberd 23.01, no MAM: ~1,500 pushes/s",
} as const;

/** The anchor a run compares with: same server, same storage, same archive setting. */
export function anchorsFor(o: Pick<LoadResult["options"], "target" | "storage" | "archive">): { pushesPerS?: string; rss?: string } {
  if (o.target === "prosody") return { pushesPerS: o.storage === "sql" ? ANCHORS.prosodySql : ANCHORS.prosodyFile, rss: ANCHORS.prosodyRss };
  if (o.target === "ejabberd") return { pushesPerS: o.archive ? ANCHORS.ejabberdMam : ANCHORS.ejabberdNoMam };
  return {};
}

const DRAIN_NOTES: Record<LoadResult["drainEnded"], string> = {
  "all-pushed": "every message's push came",
  "server-idle": "the server went idle and silent",
  quiet: "no push for a while (server CPU unknown)",
  bound: "the --drain bound ended the wait while the server was busy: some 'lost' pushes may only be late",
  stopped: "stopped (signal, or the server died)",
};

export function loadFigures(r: LoadResult): BenchFigure[] {
  const a = anchorsFor(r.options);
  const mix = r.options.mix.join("+");
  const offered = r.options.rate;
  const f: BenchFigure[] = [
    { id: "load.pushes-per-s", name: `pushes per second received while sending (${mix}, ${offered} messages/s offered)`, value: r.pushesPerS, unit: "pushes/s", note: r.saturated ? "the server did not keep up: this is its saturation" : "the server kept up with the offered rate" },
    {
      id: "load.sustained-pushes-per-s",
      name: "pushes per second, first message sent → last push",
      value: r.sustainedPushesPerS,
      unit: "pushes/s",
      ...(a.pushesPerS && { anchor: a.pushesPerS }),
      note: r.saturated ? "the server's rate at saturation (its backlog included)" : "the offered rate, kept up with",
    },
    {
      id: "load.pushes-per-cpu-s",
      name: "pushes per second of server CPU (sending and draining)",
      value: r.pushesPerServerCpuS,
      unit: "pushes/s",
      note: "what the server does with one full core; less affected by other processes than pushes per second",
    },
    { id: "load.latency.p50", name: "push latency p50 (message sent → publish received)", value: r.latency.p50, unit: "ms" },
    { id: "load.latency.p90", name: "push latency p90", value: r.latency.p90, unit: "ms" },
    { id: "load.latency.p99", name: "push latency p99", value: r.latency.p99, unit: "ms" },
    { id: "load.latency.max", name: "push latency max", value: r.latency.max, unit: "ms" },
    { id: "load.lost", name: "lost pushes (a message no push covered)", value: r.matched.lost, unit: "", goal: { kind: "max", value: 0 }, note: `drain: ${DRAIN_NOTES[r.drainEnded]}` },
    { id: "load.duplicates", name: "duplicate pushes (a message pushed twice)", value: r.matched.duplicates, unit: "" },
    { id: "load.errors", name: "error replies (to senders or to the app server)", value: r.errorReplies + r.sendErrors, unit: "" },
    { id: "load.longest-gap", name: "longest time without a push (first message → last push)", value: r.arrival.longestGapMs, unit: "ms", note: "a saturated server writes pushes in bursts, one per pass of its event loop" },
    { id: "load.max-per-100ms", name: "most pushes within 100 ms (burst size)", value: r.arrival.maxPer100ms, unit: "" },
    { id: "load.server-cpu", name: "server CPU while sending (mean, % of one core)", value: r.server_cpu_mean_pct, unit: "%" },
    { id: "load.server-wait", name: "server waiting for a CPU held by other processes (mean, % of the time)", value: r.server_runqueue_wait_mean_pct, unit: "%", note: "from /proc/PID/schedstat: high on a shared machine" },
    { id: "load.harness-cpu", name: "harness CPU while sending (mean, % of one core)", value: r.harness_cpu_mean_pct, unit: "%" },
    {
      id: "load.cpu-ratio",
      name: "harness CPU / server CPU",
      value: r.harness_to_server_cpu,
      unit: "",
      ...(r.saturated && { goal: { kind: "max" as const, value: HARNESS_CPU_RATIO_GOAL } }),
      note: r.saturated ? "at the server's saturation" : "the server was not saturated: no goal applies",
    },
    { id: "load.harness-loop-lag", name: "harness event loop delay, max (our side keeping up)", value: r.harnessLoopLagMs.max, unit: "ms" },
    { id: "load.server-rss-per-push", name: `server RSS growth per push (${r.serverRssStartMiB} → ${r.serverRssEndMiB} MiB)`, value: r.serverRssBytesPerPush, unit: "B", ...(a.rss && { anchor: a.rss }) },
  ];
  return f;
}

export function loadAsRunReport(r: LoadResult & { latenciesMs?: number[] }): RunReport {
  const target = r.options.target;
  const lat = r.latenciesMs ?? [];
  return {
    schema: "pushlab-report/1",
    harness: { name: "pushlab", version: HARNESS_VERSION },
    startedAt: r.startedAt,
    durationMs: Math.round(r.sendSeconds * 1000),
    options: { command: "load", ...r.options, mix: r.options.mix.join(",") },
    targets: [{ name: target, version: r.server.label, details: { pid: String(r.server.pid), ...r.server.details }, stats: emptyStats() }],
    rules: [],
    scenarios: [],
    stats: emptyStats(),
    bench: {
      series: [
        {
          target,
          metric: "push latency",
          unit: "ms",
          samples: r.latency.count,
          summary: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
          histogram: histogram(lat),
        },
      ],
      figures: loadFigures(r),
      timeSeries: [
        { target, metric: "pushes per second", unit: "pushes/s", points: r.usage.map((u) => ({ t: u.t, v: u.pushesPerS })) },
        { target, metric: "server CPU", unit: "% of one core", points: r.usage.map((u) => ({ t: u.t, v: u.serverCpuPct })) },
        { target, metric: "server waiting for a CPU", unit: "% of the time", points: r.usage.map((u) => ({ t: u.t, v: u.serverWaitPct ?? 0 })) },
        { target: "harness", metric: "harness CPU", unit: "% of one core", points: r.usage.map((u) => ({ t: u.t, v: u.harnessCpuPct })) },
        { target, metric: "server RSS", unit: "MiB", points: r.usage.map((u) => ({ t: u.t, v: u.serverRssMiB })) },
        { target: "harness", metric: "harness RSS", unit: "MiB", points: r.usage.map((u) => ({ t: u.t, v: u.harnessRssMiB })) },
      ],
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? "unknown", node: process.version, date: r.startedAt },
    },
  };
}

// Samples CPU and RSS of the server and of the harness once a second while a load runs, and the
// server's run-queue wait (time it was ready but another process had the CPU: on a shared
// machine, a server "at 40 % CPU" may simply be waiting for its turn). Prints a progress line.
import { clockTicks, cpuPercent, sampleProc, sampleRunqueueWaitS, type ProcSample, type UsagePoint } from "./proc.ts";

export const SAMPLE_MS = 1000;

export interface SamplerView {
  pushes: () => number;
  sent: () => number;
}

function progressLine(p: UsagePoint, sent: number): string {
  const wait = p.serverWaitPct !== undefined ? ` wait ${p.serverWaitPct.toFixed(0).padStart(3)}%` : "";
  return `[${p.t.toFixed(0).padStart(4)} s] sent ${String(sent).padStart(7)}  pushes ${String(p.pushes).padStart(5)}/s  server cpu ${p.serverCpuPct.toFixed(0).padStart(3)}%${wait} rss ${p.serverRssMiB.toFixed(1)} MiB  harness cpu ${p.harnessCpuPct.toFixed(0).padStart(3)}% rss ${p.harnessRssMiB.toFixed(0)} MiB`;
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export class UsageSampler {
  readonly usage: UsagePoint[] = [];
  readonly rssStartMiB: number;
  private readonly ticks = clockTicks();
  private lastServer: ProcSample | undefined;
  private lastHarness: ProcSample | undefined;
  private lastWait: number | undefined;
  private lastT: number;
  private lastPushes = 0;
  private timer?: NodeJS.Timeout;
  /** How much the server wanted a CPU over the last interval: its CPU % plus its run-queue wait %
   * (NaN before the first interval or when unknown). A starved server shows little CPU but is not idle. */
  lastServerDemandPct = NaN;
  private readonly serverCpuStartS: number;

  constructor(
    private readonly serverPid: number,
    private readonly t0: number,
    private readonly view: SamplerView,
    private readonly print: (line: string) => void,
  ) {
    this.lastServer = this.server();
    this.lastHarness = sampleProc(process.pid, this.ticks);
    this.lastWait = serverPid > 0 ? sampleRunqueueWaitS(serverPid) : undefined;
    this.rssStartMiB = (this.lastServer?.rssKiB ?? NaN) / 1024;
    this.serverCpuStartS = this.lastServer?.cpuS ?? NaN;
    this.lastT = t0;
  }

  private server(): ProcSample | undefined {
    return this.serverPid > 0 ? sampleProc(this.serverPid, this.ticks) : undefined;
  }

  start(): void {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** CPU seconds the server used since the sampler was made (NaN when unknown). */
  serverCpuSeconds(): number {
    return (this.server()?.cpuS ?? NaN) - this.serverCpuStartS;
  }

  /** The server's RSS now, in MiB (NaN when unknown). */
  serverRssMiB(): number {
    return (this.server()?.rssKiB ?? NaN) / 1024;
  }

  private sample(): void {
    const now = performance.now();
    const s = this.server();
    const h = sampleProc(process.pid, this.ticks);
    const wait = this.serverPid > 0 ? sampleRunqueueWaitS(this.serverPid) : undefined;
    const dt = (now - this.lastT) / 1000;
    const n = this.view.pushes();
    const serverCpu = s && this.lastServer ? cpuPercent(this.lastServer, s, dt) : NaN;
    const point: UsagePoint = {
      t: Math.round((now - this.t0) / 100) / 10,
      pushes: n - this.lastPushes,
      pushesPerS: Math.round((n - this.lastPushes) / dt),
      serverCpuPct: round1(serverCpu),
      serverRssMiB: round1((s?.rssKiB ?? NaN) / 1024),
      harnessCpuPct: round1(cpuPercent(this.lastHarness, h, dt)),
      harnessRssMiB: round1((h?.rssKiB ?? 0) / 1024),
      ...(wait !== undefined && this.lastWait !== undefined && dt > 0 && { serverWaitPct: round1(((wait - this.lastWait) / dt) * 100) }),
    };
    this.usage.push(point);
    this.lastServerDemandPct = serverCpu + (point.serverWaitPct ?? 0);
    this.print(progressLine(point, this.view.sent()));
    this.lastServer = s;
    this.lastHarness = h;
    this.lastWait = wait;
    this.lastT = now;
    this.lastPushes = n;
  }
}

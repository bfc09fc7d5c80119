// CPU and memory of a process, from /proc/<pid>/stat and /proc/<pid>/status (Linux).
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  cpuS: number;
  rssKiB: number;
}

/** Clock ticks per second for /proc/<pid>/stat times (getconf CLK_TCK; 100 on Linux by default). */
export function clockTicks(): number {
  try {
    const v = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
}

/** utime + stime (fields 14 and 15) from a /proc/<pid>/stat line, in ticks. The command name
 * (field 2) is in parentheses and may hold spaces or parentheses: fields are counted after the last ')'. */
export function parseStatTicks(stat: string): number {
  const close = stat.lastIndexOf(")");
  if (close < 0) throw new Error(`not a /proc stat line: ${stat.slice(0, 60)}`);
  const rest = stat.slice(close + 2).trim().split(/\s+/); // rest[0] is field 3 (state)
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no utime/stime in: ${stat.slice(0, 80)}`);
  return utime + stime;
}

/** VmRSS in KiB from /proc/<pid>/status text. */
export function parseStatusRssKiB(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error("no VmRSS line (process gone or a kernel thread)");
  return Number(m[1]);
}

export function sampleProc(pid: number, ticks: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return { cpuS: parseStatTicks(stat) / ticks, rssKiB: parseStatusRssKiB(status) };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** One row of the time series: per second CPU (as % of one core) and RSS of each process. */
export interface UsagePoint {
  t: number; // seconds since the start of sending
  pushes: number; // pushes received in this interval
  pushesPerS: number;
  serverCpuPct: number;
  serverRssMiB: number;
  harnessCpuPct: number;
  harnessRssMiB: number;
}

/** CPU % of one core between two samples dt seconds apart. */
export function cpuPercent(a: ProcSample | undefined, b: ProcSample | undefined, dtS: number): number {
  if (!a || !b || dtS <= 0) return 0;
  return Math.max(0, ((b.cpuS - a.cpuS) / dtS) * 100);
}

// CPU and memory of a process, from /proc/<pid>/stat and /proc/<pid>/status (Linux).
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
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
  /** Share of this interval the server was ready to run but waited for a CPU (machine contention). */
  serverWaitPct?: number;
}

/** CPU % of one core between two samples dt seconds apart. */
export function cpuPercent(a: ProcSample | undefined, b: ProcSample | undefined, dtS: number): number {
  if (!a || !b || dtS <= 0) return 0;
  return Math.max(0, ((b.cpuS - a.cpuS) / dtS) * 100);
}

/** Run-queue wait in seconds from /proc/<pid>/schedstat ("cpu_ns wait_ns slices"): time the
 * process was ready to run but waited for a CPU (other processes had it). */
export function parseSchedstatWaitS(text: string): number {
  const parts = text.trim().split(/\s+/);
  const wait = Number(parts[1]);
  if (parts.length < 2 || !Number.isFinite(wait)) throw new Error(`not a schedstat line: ${text.slice(0, 60)}`);
  return wait / 1e9;
}

/** Summed over the process's threads (an Erlang VM runs one scheduler thread per core). */
export function sampleRunqueueWaitS(pid: number): number | undefined {
  try {
    let sum = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        sum += parseSchedstatWaitS(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8"));
      } catch {
        /* thread ended meanwhile */
      }
    }
    return sum;
  } catch {
    return undefined; // gone, or a kernel without schedstats
  }
}

/** Socket inodes of TCP sockets listening on `port`, from /proc/net/tcp and tcp6 text. */
export function listeningInodes(tables: string[], port: number): string[] {
  const out: string[] = [];
  for (const table of tables) {
    for (const line of table.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (f.length < 10 || f[3] !== "0A") continue; // 0A = LISTEN
      const hexPort = f[1]!.split(":").pop()!;
      if (parseInt(hexPort, 16) === port) out.push(f[9]!);
    }
  }
  return out;
}

/** The PID of the process on this machine that listens on TCP `port`, when we may see it. */
export function pidListeningOn(port: number): number | undefined {
  const tables: string[] = [];
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      tables.push(readFileSync(f, "utf8"));
    } catch {
      /* no IPv6, or not Linux */
    }
  }
  const inodes = new Set(listeningInodes(tables, port).map((i) => `socket:[${i}]`));
  if (inodes.size === 0) return undefined;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${d}/fd`);
    } catch {
      continue; // gone, or not ours to see
    }
    for (const fd of fds) {
      try {
        if (inodes.has(readlinkSync(`/proc/${d}/fd/${fd}`))) return Number(d);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}

/**
 * The program a process runs, e.g. "lua5.4" or "beam.smp": the file name of its argv[0]
 * (/proc/<pid>/cmdline, readable for any user's process), else its thread name (/proc/<pid>/comm,
 * which a program may rename: Node 24 calls its main thread "MainThread").
 */
export function processName(pid: number): string | undefined {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    const name = argv0.split("/").pop()?.split(" ")[0];
    if (name) return name;
  } catch {
    // gone, or not ours to read: the thread name below, if any
  }
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

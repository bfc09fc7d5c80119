// Facts about the machine a benchmark ran on, stored with every result.
import { cpus, totalmem, loadavg } from "node:os";
import { execFileSync } from "node:child_process";

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** Load average over the last minute when the run started (shared machines: read figures with it). */
  load1: number;
  date: string;
}

export function machineFacts(): MachineFacts {
  const c = cpus();
  return {
    cores: c.length,
    cpuModel: c[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load1: Math.round(loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** `taskset` when the system has it: pins a child to one core. */
export function tasksetAvailable(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

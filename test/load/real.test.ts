// One short load run against a harness-started Prosody (native senders, every kind of recipient)
// and one with Tsung as the sender. They check counts, never speed.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { prosodyInstalled } from "../../simulator/targets/prosody/index.ts";
import { parseLoadOptions } from "../../simulator/load/options.ts";
import { runLoad } from "../../simulator/load/run-load.ts";
import { runTsungLoad, tsungInstalled } from "../../simulator/load/tsung.ts";
import { writeLoadReport } from "../../simulator/load/write-report.ts";
import { describeWithServer } from "../support/require-server.ts";

const dir = mkdtempSync(join(tmpdir(), "pushlab-load-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function beamsNaming(marker: string): number {
  let n = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").includes(marker)) n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

describeWithServer("load against Prosody", prosodyInstalled(), "install prosody prosody-modules", () => {
  it("offline, hibernated and not-acking recipients: every message pushed or batch-covered, none twice", async () => {
    const o = parseLoadOptions({ users: "9", rate: "6", duration: "3", mix: "offline,hibernated,ack-delay", drain: "8", senders: "2", "report-dir": dir });
    const r = await runLoad(o);
    expect(r.sent).toBe(18);
    expect(r.matched.pushed + r.matched.covered).toBe(18);
    expect(r.matched.lost).toBe(0);
    expect(r.matched.duplicates).toBe(0);
    expect(r.latency.count).toBe(r.matched.pushed);
    expect(r.latency.max).toBeGreaterThan(900); // batched paths wait for the 1 s batch, offline does not
    expect(r.latency.p50).toBeGreaterThan(0);
    expect(r.usage.length).toBeGreaterThanOrEqual(2);
    expect(r.usage.every((u) => u.serverRssMiB > 1)).toBe(true);
    const files = await writeLoadReport(r, dir);
    const json = JSON.parse(readFileSync(files[0]!, "utf8"));
    expect(json.figures.find((f: { id: string }) => f.id === "load.lost").value).toBe(0);
    const page = readFileSync(files[1]!, "utf8");
    expect(page).toContain("push latency");
    expect(page.match(/<polyline/g)?.length).toBe(6); // pushes/s, server CPU and CPU wait, harness CPU, both RSS
  }, 120_000);
});

describeWithServer("load with Tsung against Prosody", (() => {
  const p = prosodyInstalled();
  return p.ok ? tsungInstalled() : p;
})(), "install tsung prosody prosody-modules", () => {
  it("Tsung's senders log in, every stamped message is pushed once, and no Erlang VM is left", async () => {
    const o = parseLoadOptions({ users: "5", rate: "10", duration: "2", senders: "2", drain: "8", driver: "tsung", "report-dir": dir });
    const r = await runTsungLoad(o);
    expect(r.tsung?.exitCode).toBe(0);
    expect(readFileSync(r.tsung!.file, "utf8").match(/<user session="push-senders"/g)).toHaveLength(2);
    expect(r.tsung?.log).not.toMatch(/Tsung started \d+ of/);
    expect(r.sendErrors).toBe(0);
    expect(r.sent).toBe(20);
    expect(r.matched.pushed).toBe(20);
    expect(r.matched.lost).toBe(0);
    expect(r.matched.duplicates).toBe(0);
    expect(beamsNaming(join(dir, "tsung-log"))).toBe(0);
  }, 180_000);
});

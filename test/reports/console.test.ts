import { describe, expect, it } from "vitest";
import { ConsoleReporter, renderSummaryTable } from "../../reports/console.ts";
import { syntheticReport } from "../support/synthetic-report.ts";
import { CaptureStream } from "../support/capture-stream.ts";
import type { RunReport } from "../../simulator/results.ts";

async function run(report: RunReport, reporter: ConsoleReporter): Promise<void> {
  await reporter.onBegin({ total: report.scenarios.length, targets: report.targets.map((t) => t.name), startedAt: report.startedAt });
  for (const s of report.scenarios) await reporter.onScenarioEnd(s);
  await reporter.onEnd(report);
}

const ANSI = /\x1b\[/;

describe("ConsoleReporter", () => {
  it("prints one character per scenario run without colours when not a TTY, wrapping with a counter", async () => {
    const report = syntheticReport(50); // 100 runs
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out }));
    expect(out.text).not.toMatch(ANSI);
    const lines = out.text.split("\n");
    expect(lines[0]).toBe("Running 100 scenario runs on engine, prosody");
    expect(lines[1]).toMatch(/^[.FdB-]{80} 80\/100$/);
    expect(lines[2]).toMatch(/^[.FdB-]{20}$/);
    expect([...(lines[1]!.slice(0, 80) + lines[2]!)].filter((c) => c === "F")).toHaveLength(report.stats.failed);
  });

  it("summarises per target, lists failures with their first finding and location, and the report files", async () => {
    const report = syntheticReport(12, { hostile: false });
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out, progress: "none", reportFiles: ["reports/out/index.html", "reports/out/junit.xml"] }));
    const text = out.text;
    expect(text).toContain(renderSummaryTable(report));
    const failed = report.scenarios.find((s) => s.verdict === "failed")!;
    const f = failed.findings[0]!;
    expect(text).toContain(`failed ${failed.target} › ${failed.name}`);
    expect(text).toContain(`[${f.check}] ${f.message}`);
    expect(text).toContain(`expected: ${f.expected!.split("\n")[0]}`);
    expect(text).toContain(`actual:   ${f.actual!.split("\n")[0]}`);
    expect(text).toContain(`at ${f.location!.file}:${f.location!.line}:${f.location!.col}`);
    const broken = report.scenarios.find((s) => s.verdict === "broken")!;
    expect(text).toContain(`broken ${broken.target} › ${broken.name}`);
    // deviations have a section of their own (two lines each), never the failure list
    const dev = report.scenarios.find((s) => s.verdict === "deviation")!;
    expect(text).not.toMatch(new RegExp(`\\d\\) \\w+ ${dev.target} › ${dev.name}`));
    expect(text).toContain(`Declared deviations (1)`);
    expect(text).toContain(`≈ prosody › ${dev.name} (step 4): ${dev.deviations![0]!.reason}\n      expected count: 1, within: "30s", match.message-count: "1" · observed 1 push: node=n-7 last-message-sender="bob@example.test/laptop"\n`);
    expect(text).toMatch(/Reports:\n  reports\/out\/index.html\n  reports\/out\/junit.xml\n$/);
  });

  it("counts per target in the table match the scenarios", () => {
    const report = syntheticReport(30);
    const table = renderSummaryTable(report).split("\n");
    expect(table[0]).toMatch(/^target\s+version\s+passed\s+failed\s+deviation\s+broken\s+skipped\s+total$/);
    for (const t of report.targets) {
      const row = table.find((l) => l.startsWith(t.name + " "))!.trim().split(/\s+/);
      const runs = report.scenarios.filter((s) => s.target === t.name);
      expect(row).toEqual([t.name, t.version, ...(["passed", "failed", "deviation", "broken", "skipped"] as const).map((v) => String(runs.filter((s) => s.verdict === v).length)), String(runs.length)]);
    }
    expect(table.at(-1)!.trim().split(/\s+/).at(-1)).toBe(String(report.scenarios.length));
  });

  it("uses a live counter and colours on a TTY", async () => {
    const report = syntheticReport(12);
    const out = new CaptureStream({ tty: true });
    await run(report, new ConsoleReporter({ stream: out }));
    expect(out.text).toMatch(ANSI);
    expect(out.text).toContain(`\r\x1b[2K[24/24] `);
  });

  it("prints a push listing as its true count and one line per kind of push, never a negative offset", async () => {
    const report = syntheticReport(12, { hostile: false });
    const failed = report.scenarios.find((s) => s.verdict === "failed")!;
    const push = (id: number, body: string) =>
      `<iq type="set" id="p${id}"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="n1"><item><notification xmlns="urn:xmpp:push:0"><x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE"><value>urn:xmpp:push:summary</value></field><field var="last-message-body"><value>${body}</value></field></x></notification></item></publish></pubsub></iq>`;
    const lines = [`+-1500ms node=n1 ${push(0, "early")}`, ...Array.from({ length: 50 }, (_, i) => `+${40 + i}ms node=n1 ${push(i + 1, "flood")}`)];
    failed.findings = [{ check: "push-count", message: "expected at most 1 push(es) to push within 3s, got 51", expected: "≤ 1", actual: `51:\n${lines.join("\n")}`, step: 5 }];
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out, progress: "none" }));
    expect(out.text).toContain("expected at most 1 push(es) to push within 3s, got 51");
    expect(out.text).toContain("actual:   51 pushes in the window:\n");
    expect(out.text).toContain('1.5 s before the step node=n1 last-message-body="early"');
    expect(out.text).toContain('+40 ms to 89 ms 50× node=n1 last-message-body="flood"');
    expect(out.text).not.toContain("+-");
    expect(out.text).not.toContain("<iq");
    expect(Math.max(...out.text.split("\n").map((l) => l.length))).toBeLessThanOrEqual(240);
  });

  it("puts the field difference first, then the push pretty-printed and cut", async () => {
    const report = syntheticReport(12, { hostile: false });
    const failed = report.scenarios.find((s) => s.verdict === "failed")!;
    const xml = `<iq type="set" id="p1"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="n1"><item><notification xmlns="urn:xmpp:push:0"><x xmlns="jabber:x:data" type="submit">${Array.from({ length: 30 }, (_, i) => `<field var="f${i}"><value>v${i}</value></field>`).join("")}</x></notification></item></publish></pubsub></iq>`;
    failed.findings = [{ check: "push-content", message: "push #1 to push: body differ", expected: 'body: "hello"', actual: `body: "New Message!"\n\n${xml}`, step: 5 }];
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out, progress: "none" }));
    const block = out.text.slice(out.text.indexOf("[push-content]"));
    const lines = block.split("\n");
    expect(lines[1]).toBe('     body: expected "hello", got "New Message!"');
    expect(lines[2]).toBe("     the push:");
    expect(lines[3]).toBe('       <iq type="set" id="p1">');
    expect(lines[9]).toBe('                   <field var="f0"><value>v0</value></field>');
    expect(block).toContain("… (26 more lines)");
  });

  it("caps long values and the number of failures listed", async () => {
    const report = syntheticReport(60);
    const failed = report.scenarios.filter((s) => s.verdict === "failed");
    failed[0]!.findings[0]!.actual = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out, progress: "none", maxFailures: 2 }));
    expect(out.text).toContain("… (28 more lines)");
    expect(out.text).not.toContain("line 39");
    const problems = report.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "broken").length;
    expect(out.text).toContain(`… and ${problems - 2} more; see the report files.`);
  });

  it("ends the progress line before printing an error", async () => {
    const out = new CaptureStream();
    const r = new ConsoleReporter({ stream: out });
    const report = syntheticReport(12);
    await r.onScenarioEnd(report.scenarios[0]!);
    await r.onError(new Error("prosody did not start"));
    expect(out.text).toBe(".\nerror: prosody did not start\n");
  });
});

describe("ConsoleReporter output safety", () => {
  it("shows control characters from report data as escapes, never raw", async () => {
    const report = syntheticReport(12);
    report.scenarios.find((s) => s.verdict === "failed")!.findings[0]!.message = "bad \x1b[2J clear";
    const out = new CaptureStream();
    await run(report, new ConsoleReporter({ stream: out, progress: "none" }));
    expect(out.text).toContain("bad \\x1b[2J clear");
    expect(out.text).not.toMatch(/\x1b/);
  });
});

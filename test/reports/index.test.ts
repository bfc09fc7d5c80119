import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createReporters, writeReports, renderJson, ConsoleReporter } from "../../reports/index.ts";
import { Multiplexer } from "../../simulator/reporter.ts";
import { syntheticReport } from "../support/synthetic-report.ts";
import { CaptureStream } from "../support/capture-stream.ts";

const tmp = () => mkdtemp(join(tmpdir(), "pushlab-reports-"));

describe("createReporters", () => {
  it("writes report.json, junit.xml and index.html in onEnd and prints their paths last", async () => {
    const dir = join(await tmp(), "nested", "out");
    const out = new CaptureStream();
    const reporters = createReporters({ reportDir: dir, stream: out });
    expect(reporters.at(-1)).toBeInstanceOf(ConsoleReporter);
    const errors: Error[] = [];
    const mux = new Multiplexer(reporters, (e) => errors.push(e));
    const report = syntheticReport(12);
    await mux.onBegin({ total: report.scenarios.length, targets: ["engine", "prosody"], startedAt: report.startedAt });
    for (const s of report.scenarios) await mux.onScenarioEnd(s);
    expect(await readdir(join(dir, "..")).catch(() => [])).toEqual([]); // nothing before the end
    await mux.onEnd(report);
    expect(errors).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(["index.html", "junit.xml", "report.json"]);
    expect(await readFile(join(dir, "report.json"), "utf8")).toBe(renderJson(report));
    for (const f of ["report.json", "junit.xml", "index.html"]) expect(out.text).toContain(join(dir, f));
  });

  it("builds only the requested formats and rejects unknown ones", async () => {
    const dir = await tmp();
    const reporters = createReporters({ reportDir: dir, formats: ["junit"] });
    expect(reporters).toHaveLength(1);
    await reporters[0]!.onEnd!(syntheticReport(12));
    expect(await readdir(dir)).toEqual(["junit.xml"]);
    expect(() => createReporters({ reportDir: dir, formats: ["pdf" as "json"] })).toThrow(/unknown report format/);
  });
});

describe("writeReports", () => {
  it("writes the three files and returns their paths", async () => {
    const dir = await tmp();
    const paths = await writeReports(syntheticReport(12), dir);
    expect(paths).toEqual({ json: join(dir, "report.json"), junit: join(dir, "junit.xml"), html: join(dir, "index.html") });
    expect((await readdir(dir)).sort()).toEqual(["index.html", "junit.xml", "report.json"]); // no temp files left
  });
});

// Real runner output for the report tests: the runner on real targets (the engine, Prosody and
// ejabberd where installed), the bundled scenarios plus scenarios that fail on purpose
// (test/fixtures/report-failures) and, for Prosody, an expectation file with one stale
// declaration. What the reports are tested on is then what a maintainer gets, not a made-up report.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConsoleReporter } from "../../reports/console.ts";
import { writeReports } from "../../reports/index.ts";
import type { RunReport } from "../../simulator/results.ts";
import { run } from "../../simulator/runner.ts";
import { createTarget } from "../../simulator/targets/index.ts";
import { PROSODY_EXPECTATIONS, prosodyInstalled } from "../../simulator/targets/prosody/index.ts";
import { ejabberdInstalled } from "../../simulator/targets/ejabberd/install.ts";
import { CaptureStream } from "./capture-stream.ts";

export const FAILURE_FIXTURES = "test/fixtures/report-failures";
export const BUNDLED = "scenarios";
export const PROSODY_AVAILABLE = prosodyInstalled();
export const EJABBERD_AVAILABLE = ejabberdInstalled();

/** The scenario the stale declaration is about, and its step (Prosody does what the scenario expects there). */
export const STALE_SCENARIO_KEY = "content/R-PRIVACY-with-body";
export const STALE_LINK = "https://example.org/pushlab/stale-declaration";

/** Prosody's own expectation file plus one declaration that no longer holds: the run reports it stale. */
export function staleProsodyExpectations(dir: string): string {
  const path = join(dir, "prosody-with-a-stale-declaration.yaml");
  const own = readFileSync(PROSODY_EXPECTATIONS, "utf8");
  writeFileSync(
    path,
    own.trimEnd() +
      `\n  ${STALE_SCENARIO_KEY}:\n    steps:\n      6:\n        reason: "a declaration that no longer holds: Prosody was once thought to leave the body out"\n` +
      `        instead: { match: { body: absent } }\n        xep: none\n        link: ${STALE_LINK}\n`,
  );
  return path;
}

export interface RealRun {
  report: RunReport; // read back from the written report.json
  console: string; // what the console reporter printed (plain text, no progress)
  files: { json: string; junit: string; html: string };
}

/** Runs the real runner and writes the three report files into reportDir. */
export async function realRun(opts: { targets: string[]; paths: string[]; expectations?: Record<string, string>; reportDir: string }): Promise<RealRun> {
  const targets = await Promise.all(opts.targets.map((n) => createTarget(n)));
  const out = new CaptureStream();
  const errors: string[] = [];
  const report = await run({
    paths: opts.paths,
    targets,
    reporters: [new ConsoleReporter({ stream: out, progress: "none", color: false })],
    ...(opts.expectations && { expectations: opts.expectations }),
    onReporterError: (e) => errors.push(e.message),
  });
  if (errors.length) throw new Error(`reporter errors: ${errors.join("; ")}`);
  const files = await writeReports(report, opts.reportDir);
  return { report: JSON.parse(readFileSync(files.json, "utf8")) as RunReport, console: out.text, files };
}

export const OUT_DIR = fileURLToPath(new URL("../../reports/out/", import.meta.url));

/** A folder for a generated expectation file inside the project (reports/out/real-runs/NAME, git-ignored), so the reports cite it by a short path. */
export function expectationsDir(name: string): string {
  const dir = join(OUT_DIR, "real-runs", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

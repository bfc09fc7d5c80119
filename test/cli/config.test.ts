// pushlab.config.yaml: found in the current directory or given with --config, checked by a strict
// schema with every problem as file:line:col, paths relative to the file, flags winning; and
// pushlab init, which writes one (and an example scenario) and never overwrites.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, CONFIG_SCHEMA_PATH } from "../../simulator/cli/config.ts";
import { UsageError } from "../../simulator/exit-codes.ts";
import { TARGET_NAMES } from "../../simulator/targets/index.ts";
import type { RunReport } from "../../simulator/results.ts";
import { FIXTURE_SCENARIOS, pushlab, readReport, tempDir } from "./support.ts";

function configError(dir: string, text: string): string {
  writeFileSync(join(dir, "pushlab.config.yaml"), text);
  try {
    loadConfig(join(dir, "pushlab.config.yaml"), dir);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("loadConfig", () => {
  const dir = tempDir("config");
  mkdirSync(join(dir, "mine"));
  writeFileSync(join(dir, "mine", "pass.yaml"), FIXTURE_SCENARIOS["pass.yaml"]!);

  it("names each problem with file:line:col", () => {
    const msg = configError(dir, ["targets: [engine, prosdy]", "workers: many", "retries: -1", "reportres: [json]", "grep: 'R-(HIB'", "scenarios: [mine, nowhere]"].join("\n") + "\n");
    expect(msg).toMatch(/^config file with errors:\n/);
    expect(msg).toContain('pushlab.config.yaml:1:19: targets.1: expected one of "engine", "prosody", "ejabberd", "xmpp", got string "prosdy"');
    expect(msg).toContain('pushlab.config.yaml:2:10: workers: expected integer, got string "many"');
    expect(msg).toMatch(/pushlab\.config\.yaml:3:10: retries: must be >= 0/);
    expect(msg).toMatch(/pushlab\.config\.yaml:4:1: unknown key 'reportres' in \(top level\); expected one of: targets, scenarios, bundled-suite, profile/);
  });

  it("checks what a schema cannot: regular expressions and paths, with their lines", () => {
    const msg = configError(dir, "grep: 'R-(HIB'\nscenarios: [mine, nowhere]\nexpectations: { prosody: missing.yaml }\n");
    expect(msg).toContain("pushlab.config.yaml:1:7: grep: not a regular expression");
    expect(msg).toContain("pushlab.config.yaml:2:19: scenario path nowhere: no such file or directory");
    expect(msg).toContain("pushlab.config.yaml:3:26: expectation file missing.yaml: no such file or directory");
  });

  it("the xmpp target's settings inline are checked by that target's schema, at their lines", () => {
    const msg = configError(dir, "targets: [xmpp]\nxmpp:\n  domain: example.test\n  prot: 5222\n  tls: maybe\n");
    expect(msg).toMatch(/pushlab\.config\.yaml:4:3: unknown key 'prot' in xmpp; expected one of: host, port, domain/);
    expect(msg).toMatch(/pushlab\.config\.yaml:5:8: xmpp\.tls: expected one of "none", "starttls", "direct"/);
    expect(msg).not.toMatch(/expected string, got a mapping/); // the other form of xmpp: (a path) is not what was meant
  });

  it("resolves paths against the config file's folder; the bundled suite on request", () => {
    writeFileSync(join(dir, "pushlab.config.yaml"), "scenarios: [mine]\nbundled-suite: true\nreport-dir: out\nreporters: [console, json=out/r.json]\nworkers: 3\nretries: 1\nstrict: true\n");
    const c = loadConfig(join(dir, "pushlab.config.yaml"), "/");
    expect(c.scenarios![1]).toBe(join(dir, "mine").slice(1));
    expect(c.scenarios![0]).toMatch(/scenarios\/?$/);
    expect(c.reportDir).toBe(join(dir, "out").slice(1));
    expect(c.reporters).toEqual(["console", `json=${join(dir, "out/r.json").slice(1)}`]);
    expect(c).toMatchObject({ workers: 3, retries: 1, strict: true });
  });

  it("the schema's target names are the targets pushlab has", () => {
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, "utf8"));
    expect(schema.properties.targets.items.enum).toEqual(TARGET_NAMES);
    expect(Object.keys(schema.properties.expectations.properties)).toEqual(TARGET_NAMES);
  });
});

describe("the config file through bin/pushlab.js", () => {
  const dir = tempDir("config-bin");
  mkdirSync(join(dir, "mine"));
  writeFileSync(join(dir, "mine", "pass.yaml"), FIXTURE_SCENARIOS["pass.yaml"]!);
  writeFileSync(join(dir, "mine", "fail.yaml"), FIXTURE_SCENARIOS["fail.yaml"]!);
  writeFileSync(join(dir, "pushlab.config.yaml"), "targets: [engine]\nscenarios: [mine]\nreport-dir: out\nreporters: [console, json=out/r.json]\ngrep-invert: cli-fail\n");

  it("is found in the current directory: its paths, reporters and filter apply", async () => {
    const r = await pushlab(["run"], { cwd: dir });
    expect(r.code).toBe(0);
    const report = readReport(join(dir, "out", "r.json"));
    expect(report.scenarios.map((s) => s.name)).toEqual(["cli-pass one offline message is pushed once"]);
    expect(existsSync(join(dir, "out", "results.jsonl"))).toBe(true);
  });

  it("flags win over it", async () => {
    const r = await pushlab(["run", "--grep-invert", "NOTHING", "--reporter", "json"], { cwd: dir });
    expect(r.code).toBe(1); // cli-fail is back
    expect((JSON.parse(r.stdout) as RunReport).scenarios).toHaveLength(2);
  });

  it("--config FILE from elsewhere; a missing one or a broken one is exit 2 with the reason", async () => {
    const r = await pushlab(["run", "--config", join(dir, "pushlab.config.yaml"), "--reporter", "json"], { cwd: "/" });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as RunReport).scenarios).toHaveLength(1);
    const missing = await pushlab(["list", "--config", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--config .*nope\.yaml: no such file/);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "targets: engine\n");
    const b = await pushlab(["run", "--config", broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/broken\.yaml:1:10: targets: expected array, got string "engine"/);
  });

  it("the xmpp target's settings come from it (here incomplete: the run refuses to start, naming what is missing)", async () => {
    const x = join(dir, "xmpp.yaml");
    writeFileSync(x, "targets: [xmpp]\nscenarios: [mine]\nxmpp:\n  domain: example.test\n  register: true\n");
    const r = await pushlab(["run", "--config", x]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/component domain is missing/);
    expect(r.stderr).not.toMatch(/XMPP domain is missing/); // the domain was read from the file
  });
});

describe("pushlab init, and the bundled suite from any directory", () => {
  it("writes a config and an example scenario that run as they are", async () => {
    const dir = tempDir("init");
    const init = await pushlab(["init"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^wrote pushlab\.config\.yaml and scenarios\/example\.yaml\n/);
    expect(() => loadConfig(join(dir, "pushlab.config.yaml"), dir)).not.toThrow();
    expect(readFileSync(join(dir, "pushlab.config.yaml"), "utf8")).toMatch(/^# yaml-language-server: \$schema=.*simulator\/cli\/pushlab\.config\.schema\.json\n/);
    const validate = await pushlab(["validate", "scenarios/example.yaml"], { cwd: dir });
    expect(validate.code).toBe(0);
    const run = await pushlab(["run"], { cwd: dir });
    expect(run.code).toBe(0);
    const report = readReport(join(dir, "reports", "out", "report.json"));
    const example = report.scenarios.find((s) => s.file === "scenarios/example.yaml");
    expect(example?.verdict).toBe("passed");
    expect(report.scenarios.length).toBeGreaterThan(100); // and the bundled suite
  });

  it("refuses to overwrite: nothing is written when either file is there", async () => {
    const dir = tempDir("init2");
    writeFileSync(join(dir, "pushlab.config.yaml"), "# mine\n");
    const r = await pushlab(["init"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("pushlab: init: pushlab.config.yaml already there; nothing written (remove or rename it first)\n");
    expect(readFileSync(join(dir, "pushlab.config.yaml"), "utf8")).toBe("# mine\n");
    expect(existsSync(join(dir, "scenarios", "example.yaml"))).toBe(false);
  });

  it("outside the project, run and list use the bundled suite (was: ENOENT on 'scenarios')", async () => {
    const dir = tempDir("elsewhere");
    const list = await pushlab(["list", "--json"], { cwd: dir });
    expect(list.code).toBe(0);
    const doc = JSON.parse(list.stdout) as { total: number; scenarios: { file: string }[] };
    expect(doc.total).toBeGreaterThan(100);
    expect(doc.scenarios[0]!.file).toMatch(/\/scenarios\/archive\/.*\.yaml$/);
    const run = await pushlab(["run", "--grep", "^R-URGENT$", "--reporter", "json"], { cwd: dir });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as RunReport;
    expect(report.scenarios.length).toBeGreaterThan(2);
    expect(report.scenarios.every((s) => s.verdict === "passed")).toBe(true);
    expect(existsSync(join(dir, "reports", "out", "results.jsonl"))).toBe(true);
  });
});

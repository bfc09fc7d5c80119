// Issue 10, point 3: hostile scenario files are errors of their own file (file:line:col), never
// of the whole run, and nothing in them can make the loader or a parser run away.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll } from "../../simulator/runner.ts";
import { cli, GOOD_SCENARIO, tempDir, writeScenario } from "./support.ts";

const dir = tempDir("hostile");
const good = writeScenario(dir, "good.yaml", GOOD_SCENARIO);

/** 10 levels of 9 aliases each: 81 alias nodes that expand to 9⁹ values. */
function aliasBomb(): string {
  const lines = ["name: bomb", "rules: [R-OFFLINE]", 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]`);
  return [...lines, "personas: { alice: {} }", "steps: [ { connect: alice } ]", ""].join("\n");
}

const scenarioWith = (extra: string) => `${GOOD_SCENARIO.replace("name: good offline push", `name: ${Math.random().toString(36).slice(2)}`)}${extra}`;

function brokenOf(file: string) {
  const loaded = loadAll([file]);
  expect(loaded).toHaveLength(1);
  const l = loaded[0]!;
  if (l.ok) throw new Error(`${file} loaded, expected an error`);
  return l.broken.errors[0]!;
}

describe("hostile scenario files", () => {
  it("an alias bomb is an error of its file, at its first alias; the good file beside it runs", async () => {
    const bomb = writeScenario(dir, "bomb.yaml", aliasBomb());
    const e = brokenOf(bomb);
    expect(e.message).toMatch(/aliases expand too far \(an alias bomb\?\)/);
    expect([e.loc.line, e.loc.col]).toEqual([4, 10]);
    const r = cli(["run", bomb, good, "--report-dir", join(dir, "out-bomb")]);
    const { code } = await r.done;
    expect(r.out()).toMatch(/1 passed, 1 broken/);
    expect(code).toBe(1); // a broken scenario, not a usage error (was: exit 2, no file name, nothing ran)
  });

  it("more than 100 aliases in a file: an error at the 101st, with file:line", () => {
    const many = writeScenario(dir, "many.yaml", scenarioWith(`notes: &n x\nmore:\n${Array.from({ length: 101 }, () => "  - *n").join("\n")}\n`));
    const e = brokenOf(many);
    expect(e.message).toMatch(/101 YAML aliases in one file, more than 100/);
    expect(e.loc.file).toMatch(/many\.yaml$/);
    expect(e.loc.line).toBe(GOOD_SCENARIO.split("\n").length + 102);
  });

  it("invalid UTF-8 is an error with the byte offset (was: accepted, U+FFFD in the name)", () => {
    const file = join(dir, "latin1.yaml");
    const bytes = Buffer.from(GOOD_SCENARIO.replace("good offline push", "caf\u00e9 push"), "utf8");
    const at = bytes.indexOf(0xc3);
    bytes[at] = 0xe9; // "é" in Latin-1: not UTF-8
    writeFileSync(file, bytes);
    const e = brokenOf(file);
    expect(e.message).toBe(`not UTF-8: byte 0xe9 at byte offset ${at} (scenario files must be UTF-8)`);
    expect([e.loc.line, e.loc.col]).toEqual([1, 10]);
  });

  it("a 10 MB file is refused by its size, without being parsed", () => {
    const file = writeScenario(dir, "big.yaml", scenarioWith(`description: "${"a".repeat(10 * 1024 * 1024)}"\n`));
    const t0 = performance.now();
    const e = brokenOf(file);
    expect(e.message).toMatch(/^file is \d+ bytes, over the limit of 1048576 bytes for a scenario file \(PUSHLAB_MAX_SCENARIO_BYTES\)$/);
    expect(performance.now() - t0).toBeLessThan(2_000); // was 15 s and 1.8 GB
  });

  it("the size limit is configurable", () => {
    const file = writeScenario(dir, "mid.yaml", scenarioWith(`description: "${"a".repeat(2 * 1024 * 1024)}"\n`));
    expect(brokenOf(file).message).toMatch(/over the limit/);
    process.env.PUSHLAB_MAX_SCENARIO_BYTES = String(4 * 1024 * 1024);
    try {
      const loaded = loadAll([file]);
      expect(loaded[0]!.ok).toBe(true);
    } finally {
      delete process.env.PUSHLAB_MAX_SCENARIO_BYTES;
    }
  });

  for (const [what, deep] of [
    ["flow lists 10,000 deep", `x: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`],
    ["flow maps 5,000 deep", `x: ${"{a: ".repeat(5_000)}1${"}".repeat(5_000)}\n`],
    ["lists 100 deep", `x: ${"[".repeat(100)}${"]".repeat(100)}\n`],
  ] as const) {
    it(`deep nesting (${what}) gets a clear message, not "Maximum call stack size exceeded"`, () => {
      const file = writeScenario(dir, `deep-${what.replace(/\W+/g, "-")}.yaml`, scenarioWith(deep));
      const e = brokenOf(file);
      expect(e.message).toMatch(/nest(ed|ing) (deeper than 64 levels|too deep to parse)/);
      expect(e.message).not.toMatch(/call stack/i);
      expect(e.loc.line).toBe(GOOD_SCENARIO.split("\n").length);
    });
  }
});

describe("raw stanzas", () => {
  it("validate refuses the malformed XML that run would mark broken", async () => {
    const file = writeScenario(
      dir,
      "bad-stanza.yaml",
      `name: bad stanza\nrules: [R-OFFLINE]\npersonas: { alice: {} }\nsteps:\n  - connect: alice\n  - stanza: { persona: alice, xml: "<message to='x@y'><body>hi</message>" }\n`,
    );
    const r = cli(["validate", file]);
    const { code } = await r.done;
    expect(r.out()).toMatch(/bad-stanza\.yaml:6:36: xml: not usable XML: <\/message> where <\/body> was expected \(line 1, column 27 of the XML\)/);
    expect(code).toBe(1);
  });

  it("validate accepts the raw stanzas of the suite (with ${…} variables)", async () => {
    const r = cli(["validate", "scenarios/robustness"]);
    expect((await r.done).code).toBe(0);
    expect(r.out()).toMatch(/\d+ valid, 0 broken/);
  });

  it("a 3 MB truncated stanza is refused by size at once, and with every limit lifted still parses in linear time", () => {
    const truncated = `<message><body>${"a".repeat(3 * 1024 * 1024)}`;
    const yaml = `name: truncated\nrules: [R-OFFLINE]\npersonas: { alice: {} }\nsteps:\n  - connect: alice\n  - stanza: { persona: alice, xml: "${truncated}" }\n`;
    const file = writeScenario(dir, "truncated.yaml", yaml);
    process.env.PUSHLAB_MAX_SCENARIO_BYTES = String(8 * 1024 * 1024);
    try {
      let t0 = performance.now();
      expect(brokenOf(file).message).toMatch(/xml: not usable XML: \d+ characters, over the limit of 262144 bytes per stanza/);
      expect(performance.now() - t0).toBeLessThan(5_000); // bounded; the parse itself is skipped
      process.env.PUSHLAB_MAX_STANZA_BYTES = String(8 * 1024 * 1024);
      t0 = performance.now();
      expect(brokenOf(file).message).toMatch(/xml: not usable XML: unexpected end of the XML: <body> is not closed/);
      expect(performance.now() - t0).toBeLessThan(5_000); // was 45 s of blocked event loop
    } finally {
      delete process.env.PUSHLAB_MAX_SCENARIO_BYTES;
      delete process.env.PUSHLAB_MAX_STANZA_BYTES;
    }
  });
});

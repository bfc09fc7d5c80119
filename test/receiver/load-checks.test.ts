// Receiver check files: the bundled ones load, and every kind of mistake is an error at its
// file:line:col.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BUNDLED_CHECKS_DIR, discoverCheckFiles, loadCheckFile, loadCheckText } from "../../simulator/receiver/load-checks.ts";
import { loadReceiverRules } from "../../simulator/receiver/rules.ts";

function errorsOf(text: string): string[] {
  const l = loadCheckText(text, "c.yaml");
  if (l.ok) throw new Error("expected a broken check");
  return l.errors.map((e) => `${e.loc.file}:${e.loc.line}:${e.loc.col} ${e.message}`);
}

describe("receiver check loader", () => {
  it("loads every bundled check, one per rule of the catalog", () => {
    const loaded = discoverCheckFiles(fileURLToPath(BUNDLED_CHECKS_DIR)).map((f) => loadCheckFile(f));
    const broken = loaded.filter((l) => !l.ok);
    expect(broken).toEqual([]);
    const rules = loaded.map((l) => (l.ok ? l.check.rule : ""));
    expect(new Set(rules)).toEqual(new Set(loadReceiverRules().map((r) => r.id)));
    expect(rules.at(-1)).toBe("R-RCV-ERR-CONSEQUENCES"); // judges the whole run: must run last
  });

  it("every rule has a level, and xep-0357 rules a section", () => {
    for (const r of loadReceiverRules()) {
      expect(["xep-0357", "interop", "hardening"]).toContain(r.level);
      if (r.level === "xep-0357") expect(r.section, r.id).toMatch(/^[0-9]/);
    }
  });

  it("fills defaults and keeps step locations", () => {
    const l = loadCheckText(`name: ok check\nrule: R-RCV-PUBLISH\nsteps:\n  - register: { as: phone }\n  - publish: { device: phone, expect: result }\n`, "c.yaml");
    expect(l.ok).toBe(true);
    if (!l.ok) return;
    expect(l.check.steps[1]).toMatchObject({ action: "publish", variant: "prosody-important", secret: "right", node: "own", situation: "valid", withinMs: 5000, loc: { line: 5, col: 5 } });
  });

  it("reports unknown keys and steps where they are", () => {
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - register: { as: phone }\n  - publish: { device: phone, expect: result, colour: red }\n`)).toEqual([
      "c.yaml:5:47 unknown key 'colour' in /steps/1/publish; expected one of: device, variant, body, body-bytes, sender, secret, node, expect, situation, within, gateway",
    ]);
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - explode: {}\n`)[0]).toMatch(/^c\.yaml:4:5 unknown step 'explode'; expected one of: register, disco, publish/);
  });

  it("reports wrong values, unknown rules, devices used before registration and a step with two actions", () => {
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - register: { as: phone }\n  - publish: { device: phone, expect: maybe }\n`)[0]).toMatch(
      /^c\.yaml:5:39 \/steps\/1\/publish\/expect: expected one of "result", "error", "answer", got "maybe"/,
    );
    expect(errorsOf(`name: bad\nrule: R-RCV-NOPE\nsteps:\n  - wait: 1s\n`)).toEqual(["c.yaml:2:7 unknown rule 'R-RCV-NOPE' (see simulator/receiver/rules.yaml)"]);
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - publish: { device: tablet, expect: result }\n`)).toEqual([
      "c.yaml:4:24 device 'tablet' is used before a register step names it",
    ]);
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - { wait: 1s, consequences: {} }\n`)[0]).toMatch(/^c\.yaml:4:5 a step has exactly one action/);
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - register: { as: p }\n  - publish: { device: p, expect: answer }\n`)[0]).toMatch(/needs a situation/);
    expect(errorsOf(`name: bad\nrule: R-RCV-PUBLISH\nsteps:\n  - wait: soon\n`)[0]).toMatch(/^c\.yaml:4:11 /);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(errorsOf(`name: bad\nrule: [R-RCV-PUBLISH\nsteps: []\n`)[0]).toMatch(/^c\.yaml:\d+:\d+ YAML syntax/);
  });
});

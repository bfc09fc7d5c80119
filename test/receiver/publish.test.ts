// The publishes pushlab sends are stated by the harness; here they are held against the pushes
// captured from Prosody 0.12.3 and ejabberd 23.01 (../shared/fixtures/pushes/), and the YAML
// schema's names against the code's.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Parser, type Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { HOSTILE } from "../../simulator/receiver/hostile.ts";
import { CHECK_SCHEMA } from "../../simulator/receiver/load-checks.ts";
import { parsePublish } from "../../simulator/receiver/reference/parse-publish.ts";
import { buildPublish, SECRET_MODES, VARIANT_NAMES, type VariantName } from "../../simulator/receiver/publish.ts";

const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/pushes/", import.meta.url));

/** One stanza from its XML text (through the same parser pushlab's listener uses). */
function parse(text: string): Element {
  const p = new Parser();
  let first: Element | undefined;
  p.on("element", (el) => (first ??= el));
  p.write(`<r>${text.trim()}</r>`);
  if (!first) throw new Error("no element");
  first.parent = null;
  return first;
}

/** Element → comparable structure: names, sorted attributes, children, trimmed text; ids dropped. */
function shape(el: Element): unknown {
  const attrs = Object.fromEntries(Object.entries(el.attrs).filter(([k, v]) => k !== "id" && v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  const kids = el.children.map((c) => (typeof c === "string" ? c.trim() : shape(c))).filter((c) => c !== "");
  return { name: el.name, attrs, kids };
}

const CAPTURES: [string, VariantName, { body?: string; sender?: string }][] = [
  ["prosody-0.12.3-offline-default.xml", "prosody-important", {}],
  ["prosody-0.12.3-hibernation-important.xml", "prosody-important", {}],
  ["prosody-0.12.3-hibernation-unimportant.xml", "prosody-unimportant", {}],
  ["prosody-0.12.3-offline-with-body-and-sender.xml", "prosody-with-body", {}],
  ["ejabberd-23.01-offline-default.xml", "ejabberd-body", {}],
  ["ejabberd-23.01-hibernation-empty.xml", "ejabberd-empty", {}],
];

describe("publish variants", () => {
  it.skipIf(!existsSync(FIXTURES)).each(CAPTURES)("%s is what variant %s sends", (file, variant, extra) => {
    const captured = parse(readFileSync(`${FIXTURES}${file}`, "utf8"));
    const ours = buildPublish({ id: "x", from: captured.attrs.from!, to: captured.attrs.to!, node: "n1", secret: "s3cr3t", variant, ...extra });
    expect(shape(ours)).toEqual(shape(captured));
  });

  it("every variant is a publish the reference reads as valid, with the right importance", () => {
    for (const variant of VARIANT_NAMES) {
      const r = parsePublish(buildPublish({ id: "x", from: "localhost", to: "push.localhost", node: "n1", secret: "s", variant }));
      expect(r.ok, variant).toBe(true);
      if (r.ok) expect(r.publish.important, variant).toBe(!["prosody-unimportant", "ejabberd-empty", "ping"].includes(variant));
    }
  });

  it("every secret mode but 'right' leaves the reference without usable credentials", () => {
    for (const mode of SECRET_MODES) {
      const r = parsePublish(buildPublish({ id: "x", from: "localhost", to: "push.localhost", node: "n1", secret: "s", secretMode: mode, variant: "ping" }));
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      if (mode === "right") expect(r.publish.secret).toBe("s");
      else if (mode === "wrong") expect(r.publish.secret).toBe("s-not");
      else expect(r.publish.credentialsProblem, mode).toBeDefined();
    }
  });

  it("has at least 20 hostile publishes, and the reference refuses exactly those meant to be refused", () => {
    expect(HOSTILE.filter((h) => h.expect === "error").length).toBeGreaterThanOrEqual(20);
    expect(new Set(HOSTILE.map((h) => h.name)).size).toBe(HOSTILE.length);
    for (const h of HOSTILE) {
      const r = parsePublish(h.build({ id: "x", from: "localhost", to: "push.localhost", node: "n1", secret: "s" }));
      expect(r.ok, h.name).toBe(h.expect === "answer");
    }
  });

  it("the check schema names the same variants and secret modes as the code", () => {
    expect(CHECK_SCHEMA.definitions.variant.enum).toEqual(VARIANT_NAMES);
    expect(CHECK_SCHEMA.definitions.secretMode.enum).toEqual([...SECRET_MODES]);
  });
});

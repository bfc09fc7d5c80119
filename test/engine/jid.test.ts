// parseJid: RFC 7622's shape and limits as the engine checks them (without full stringprep: it
// rejects what is certainly invalid and never rewrites a part, except case-folding for compares).
import { describe, expect, it } from "vitest";
import { bareOf, fullOf, parseJid, sameFull } from "../../engine/jid.ts";

const x = (n: number) => "x".repeat(n);

describe("parseJid", () => {
  it.each([
    ["example.org", { local: "", domain: "example.org", resource: "" }],
    ["User@Example.ORG/Res", { local: "User", domain: "example.org", resource: "Res" }],
    ["a@b/c/d@e", { local: "a", domain: "b", resource: "c/d@e" }],
    ["push.example/res", { local: "", domain: "push.example", resource: "res" }],
  ])("%s → its parts", (s, want) => {
    expect(parseJid(s)).toEqual(want);
  });

  it.each([
    ["empty", ""],
    ["empty localpart", "@example.org"],
    ["empty domainpart", "alice@"],
    ["only a resource", "/res"],
    ["empty resourcepart", "alice@example.org/"],
    ["a slash alone", "/"],
    ["domain starting with a dot", "alice@.example.org"],
    ["domain ending with a dot", "alice@example.org."],
    ["empty domain label", "alice@exa..mple.org"],
    ["space in the localpart", "al ice@example.org"],
    ["quote in the localpart", 'al"ice@example.org'],
    ["space in the domainpart", "alice@exa mple.org"],
    ["control character in the resourcepart", "alice@example.org/re\u0001s"],
    ["two @ before the domain", "a@@b"],
  ])("%s → null", (_, s) => {
    expect(parseJid(s)).toBeNull();
  });

  it("each part may have 1023 characters, not 1024 (RFC 7622 §3.2–3.4)", () => {
    expect(parseJid(`${x(1023)}@${x(1023)}/${x(1023)}`)).not.toBeNull(); // 3071 characters in all
    expect(parseJid(`${x(1024)}@example.org`)).toBeNull();
    expect(parseJid(`alice@${x(1024)}`)).toBeNull();
    expect(parseJid(`alice@example.org/${x(1024)}`)).toBeNull();
    expect(parseJid(`${x(1024)}@${x(1023)}/${x(1023)}`)).toBeNull();
  });

  it("compares localpart and domainpart case-insensitively, the resourcepart exactly", () => {
    expect(bareOf(parseJid("User@Example.ORG/Res")!)).toBe("user@example.org");
    expect(fullOf(parseJid("User@Example.ORG/Res")!)).toBe("user@example.org/Res");
    expect(fullOf(parseJid("Example.ORG")!)).toBe("example.org");
    expect(sameFull("ALICE@example.org/phone", "alice@EXAMPLE.org/phone")).toBe(true);
    expect(sameFull("alice@example.org/Phone", "alice@example.org/phone")).toBe(false);
    expect(sameFull("", "")).toBe(false);
    expect(sameFull("alice@example.org", "a@@b")).toBe(false);
    expect(sameFull("a@@b", "alice@example.org")).toBe(false);
  });
});

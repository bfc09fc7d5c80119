// The xmpp target's settings: a YAML config file checked by a strict schema with file:line:col
// errors, flags that override it, the accounts file, and what the CLI does with the flags.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { OPTION_NAMES, OPTIONS } from "../../simulator/options.ts";
import { parseXmppFlags, takeXmppFlags, xmppSettingsFromArgs } from "../../simulator/targets/xmpp/flags.ts";
import { readAccountsFile, readConfigFile, resolveSettings } from "../../simulator/targets/xmpp/settings.ts";
import { SettingsError } from "../../simulator/targets/xmpp/yaml-file.ts";
import { main } from "../../simulator/cli.ts";
import { EXIT, UsageError } from "../../simulator/exit-codes.ts";
import { tempDir } from "./support.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const GOOD = `# a maintainer's server
host: xmpp.example.org
port: 5222
domain: example.org
tls: starttls
ca: ca.pem
component:
  port: 5347
  domain: push.example.org
  secret: s3cr3t
accounts: accounts.yaml
server-options:
  push_notification_with_body: false
  smacks_hibernation_time: 300
parallelism: 4
`;
const ACCOUNTS = `accounts:
  - jid: alice@example.org
    password: a-pass
  - { jid: bob@example.org, password: b-pass }
`;

/** What is written to a stream while capturing. */
function captureStream(stream: NodeJS.WriteStream): { text(): string; restore(): void } {
  let text = "";
  const spy = vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => ((text += String(chunk)), true));
  return { text: () => text, restore: () => spy.mockRestore() };
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  throw new Error("expected a SettingsError");
}

describe("xmpp target settings", () => {
  tmp.write("ca.pem", PEM);
  tmp.write("accounts.yaml", ACCOUNTS);

  it("reads a complete config file; relative paths are relative to the file; flags win", () => {
    const file = tmp.write("good.yaml", GOOD);
    const s = xmppSettingsFromArgs(["--xmpp-config", file, "--xmpp-port", "15222", "--server-option", "push_max_devices=3"], {});
    expect(s.host).toBe("xmpp.example.org");
    expect(s.port).toBe(15222); // the flag over the file's 5222
    expect(s.domain).toBe("example.org");
    expect(s.tls).toEqual({ mode: "starttls", ca: PEM });
    expect(s.caFile).toBe(`${tmp.dir}/ca.pem`);
    expect(s.component).toEqual({ host: "xmpp.example.org", port: 5347, domain: "push.example.org", secret: "s3cr3t" });
    expect(s.accounts).toEqual({ kind: "file", file: `${tmp.dir}/accounts.yaml`, accounts: [{ local: "alice", password: "a-pass" }, { local: "bob", password: "b-pass" }] });
    expect(s.serverOptions).toEqual({ push_notification_with_body: false, smacks_hibernation_time: 300, push_max_devices: 3 });
    expect(s.parallelism).toBe(4);
  });

  it("defaults: STARTTLS on 5222 (5223 for direct TLS), component on the client host, 5347, secret from the environment", () => {
    const s = xmppSettingsFromArgs(["--domain", "d.example", "--component-domain", "push.d.example", "--register"], { PUSHLAB_COMPONENT_SECRET: "from-env" });
    expect([s.host, s.port, s.tls.mode, s.component.host, s.component.port, s.component.secret]).toEqual(["127.0.0.1", 5222, "starttls", "127.0.0.1", 5347, "from-env"]);
    expect(s.accounts).toEqual({ kind: "register" });
    const d = xmppSettingsFromArgs(["--domain", "d.example", "--tls", "direct", "--insecure-tls", "--component-domain", "p.d.example", "--component-secret", "x", "--register"], {});
    expect([d.port, d.tls]).toEqual([5223, { mode: "direct", insecure: true }]);
  });

  it("points at every schema problem in the config file with file:line:col", () => {
    const file = tmp.write(
      "bad.yaml",
      `domain: example.org
tls: startls
port: "5222"
component:
  domain: push.example.org
  secrett: x
server-options:
  push_with_body: true
  push_max_devices: 0
`,
    );
    const p = problems(() => xmppSettingsFromArgs(["--xmpp-config", file], {}));
    expect(p).toEqual([
      `${file}:2:6: tls: expected one of "none", "starttls", "direct", got string "startls"`,
      `${file}:3:7: port: expected integer, got string "5222"`,
      expect.stringMatching(new RegExp(`^${file}:6:3: unknown key 'secrett' in component; expected one of: host, port, domain, secret$`)),
      expect.stringMatching(new RegExp(`^${file}:8:3: unknown key 'push_with_body' in server-options; expected one of: push_notification_with_body, `)),
      `${file}:9:21: server-options.push_max_devices: must be >= 1`,
    ]);
  });

  it("YAML syntax errors and a missing file are clear too", () => {
    const file = tmp.write("syntax.yaml", "domain: [unclosed\n");
    expect(problems(() => xmppSettingsFromArgs(["--xmpp-config", file], {}))[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: YAML syntax: `));
    expect(problems(() => xmppSettingsFromArgs(["--xmpp-config", `${tmp.dir}/nope.yaml`], {}))[0]).toMatch(/nope\.yaml: cannot read: ENOENT/);
  });

  it("says what is missing or contradictory, naming the flag or the file position", () => {
    expect(problems(() => xmppSettingsFromArgs([], {}))).toEqual([
      "the server's XMPP domain is missing: --domain D or 'domain:' in --xmpp-config",
      "the app server's component domain is missing: --component-domain D or 'component: { domain: … }' in --xmpp-config",
      "the component secret is missing: --component-secret S, 'component: { secret: … }' or $PUSHLAB_COMPONENT_SECRET",
      "no accounts: --register (XEP-0077 in-band registration) or --accounts FILE (existing test accounts)",
    ]);
    const file = tmp.write("conflict.yaml", `domain: example.org\ntls: none\nca: ca.pem\ncomponent: { domain: example.org, secret: s }\nregister: true\naccounts: accounts.yaml\n`);
    const p = problems(() => xmppSettingsFromArgs(["--xmpp-config", file, "--insecure-tls"], {}));
    expect(p).toContain(`${file}:3:5: a CA is given but tls is none (nothing to check it against)`);
    expect(p).toContain(`--insecure-tls: insecure-tls and a CA (${file}:3:5) contradict each other; choose one`);
    expect(p).toContain(`${file}:4:22: the component domain must differ from the users' domain example.org`);
    expect(p).toContain(`${file}:5:11 and ${file}:6:11: choose in-band registration or an accounts file, not both`);
  });

  it("checks flags: ports, TLS mode, option values by the vocabulary, unknown flags", () => {
    expect(problems(() => parseXmppFlags(["--xmpp-port", "70000", "--tls", "ssl", "--server-option", "novalue"]))).toEqual([
      "--tls: expected one of none, starttls, direct, got 'ssl'",
      "--server-option: expected NAME=VALUE, got 'novalue'",
      "--xmpp-port: expected a whole number 1–65535, got '70000'",
    ]);
    const base = ["--domain", "e.org", "--component-domain", "p.e.org", "--component-secret", "s", "--register"];
    expect(problems(() => xmppSettingsFromArgs([...base, "--server-option", "push_max_errors=lots", "--server-option", "nonsense=1"], {}))).toEqual([
      "--server-option: option push_max_errors: expected a number, got \"lots\"",
      expect.stringMatching(/^--server-option: option nonsense: unknown option; known: push_notification_with_body, /),
    ]);
    const s = xmppSettingsFromArgs([...base, "--server-option", "push_notification_with_body=true", "--server-option", "push_notification_important_body=", "--server-option", "smacks_max_ack_delay=2.5"], {});
    expect(s.serverOptions).toEqual({ push_notification_with_body: true, push_notification_important_body: "", smacks_max_ack_delay: 2.5 });
    expect(problems(() => parseXmppFlags(["--xmpp-hots", "x"]))[0]).toMatch(/Unknown option '--xmpp-hots'/);
  });

  it("accounts file: bare JIDs on the target's domain, no duplicates, strict keys", () => {
    const file = tmp.write("accts.yaml", `accounts:\n  - jid: a@example.org\n    password: p\n  - jid: b@other.org\n    password: p\n  - jid: A@example.org\n    password: q\n  - jid: c@example.org/res\n    password: p\n    pass: x\n`);
    const p = problems(() => readAccountsFile(file, "example.org"));
    expect(p[0]).toMatch(new RegExp(`^${file}:8:10: accounts\\.3\\.jid: must match pattern`));
    expect(p[1]).toBe(`${file}:10:5: unknown key 'pass' in accounts.3; expected one of: jid, password`);
    const file2 = tmp.write("accts2.yaml", `accounts:\n  - jid: a@example.org\n    password: p\n  - jid: b@other.org\n    password: p\n  - jid: A@example.org\n    password: q\n`);
    expect(problems(() => readAccountsFile(file2, "example.org"))).toEqual([
      `${file2}:4:10: b@other.org is not on the target's domain example.org`,
      `${file2}:6:10: A@example.org is listed twice (first at line 2)`,
    ]);
  });

  it("the config schema lists exactly the option vocabulary, with matching types", () => {
    const schema = JSON.parse(readFileSync(new URL("../../simulator/targets/xmpp/xmpp-config.schema.json", import.meta.url), "utf8"));
    const props = schema.properties["server-options"].properties as Record<string, { type: string }>;
    expect(Object.keys(props).sort()).toEqual([...OPTION_NAMES].sort());
    for (const n of OPTION_NAMES) expect(props[n]!.type, n).toBe({ boolean: "boolean", string: "string", count: "integer", seconds: "number" }[OPTIONS[n].kind]);
  });

  it("resolveSettings without any source fails rather than guessing", () => {
    expect(() => resolveSettings(undefined, undefined, {})).toThrow(SettingsError);
  });
});

describe("the xmpp target's examples and docs", () => {
  const ex = (f: string) => fileURLToPath(new URL(`../../simulator/targets/xmpp/examples/${f}`, import.meta.url));

  it("the CI example's settings resolve as they are; the maintainer example passes the schema", () => {
    const ci = resolveSettings(readConfigFile(ex("ci-xmpp.yaml")), undefined, {});
    expect([ci.domain, ci.tls.mode, ci.component.domain, ci.accounts.kind]).toEqual(["localhost", "none", "push.localhost", "register"]);
    const mine = readConfigFile(ex("my-server.yaml"));
    expect(mine.input).toMatchObject({ domain: "test.example.org", tls: "starttls", accounts: ex("accounts.yaml") });
    expect(readAccountsFile(ex("accounts.yaml"), "test.example.org")).toHaveLength(8);
  });

  it("the README shows the example workflow as it is in .github/workflows", () => {
    const readme = readFileSync(new URL("../../simulator/targets/xmpp/README.md", import.meta.url), "utf8");
    const shown = readme.split("## In CI: GitHub Actions")[1]!.split("```yaml\n")[1]!.split("```")[0]!;
    const file = readFileSync(new URL("../../.github/workflows/conformance-example.yml", import.meta.url), "utf8");
    expect(file.replace(/^(#.*\n)+/, "")).toBe(shown);
  });
});

describe("xmpp flags in the CLI", () => {
  it("takes the target's flags out of argv, values included, in both spellings", () => {
    expect(takeXmppFlags(["run", "scenarios/offline", "--target", "xmpp", "--domain", "e.org", "--tls=direct", "--insecure-tls", "-g", "R-OFF", "--server-option", "a=1"])).toEqual({
      xmpp: ["--domain", "e.org", "--tls=direct", "--insecure-tls", "--server-option", "a=1"],
      rest: ["run", "scenarios/offline", "--target", "xmpp", "-g", "R-OFF"],
    });
  });

  it("refuses xmpp flags without the xmpp target, and bad settings with their problems (exit 2)", async () => {
    // main throws a UsageError for the caller's mistakes; the CLI's entry prints it and exits EXIT.usage (2).
    const wrongTarget = main(["run", "--target", "engine", "--domain", "e.org"]);
    await expect(wrongTarget).rejects.toBeInstanceOf(UsageError);
    await expect(wrongTarget).rejects.toThrow("--domain: flags of the xmpp target, but --target has no xmpp");
    const noDomain = main(["run", "--target", "xmpp", "--tls", "none"]);
    await expect(noDomain).rejects.toBeInstanceOf(UsageError);
    await expect(noDomain).rejects.toThrow(/the server's XMPP domain is missing/);
    expect(EXIT.usage).toBe(2);
  });

  it("help shows the xmpp target's flags with examples, and warns about --tls none", async () => {
    const out = captureStream(process.stdout);
    try {
      expect(await main(["run", "--help"])).toBe(0); // the xmpp flags are run's (pushlab --help is the overview)
    } finally {
      out.restore();
    }
    expect(out.text()).toContain("--xmpp-config FILE");
    expect(out.text()).toContain("none sends passwords in clear");
    expect(out.text()).toContain("pushlab run --target xmpp --xmpp-config conformance/xmpp.yaml");
  });
});

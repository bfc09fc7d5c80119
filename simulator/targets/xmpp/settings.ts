// Settings of the xmpp target (any server on host:port, nothing started): from a YAML config
// file (--xmpp-config) and/or flags, flags winning. Every problem names where it came from:
// file:line:col for the config file and the accounts file, the flag's name otherwise.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ClientTls, TlsMode } from "../../wire/client-tls.ts";
import type { AccountCredentials } from "../../wire/wire-server.ts";
import { checkOptionValue, OPTION_NAMES, ScenarioOptionError } from "../../options.ts";
import type { OptionName } from "../../target.ts";
import { at, loadYamlFile, SettingsError, type Loc } from "./yaml-file.ts";

const CONFIG_SCHEMA = JSON.parse(readFileSync(new URL("./xmpp-config.schema.json", import.meta.url), "utf8"));
const ACCOUNTS_SCHEMA = JSON.parse(readFileSync(new URL("./accounts.schema.json", import.meta.url), "utf8"));

export const DEFAULT_PARALLELISM = 8;
export const DEFAULT_COMPONENT_PORT = 5347;
export const SECRET_ENV = "PUSHLAB_COMPONENT_SECRET";

export type OptionValue = boolean | number | string;

/** What a config file or the flags say, before defaults (names as in the config file). */
export interface XmppSettingsInput {
  host?: string;
  port?: number;
  domain?: string;
  tls?: TlsMode;
  ca?: string; // a path (made absolute by the reader)
  "insecure-tls"?: boolean;
  component?: { host?: string; port?: number; domain?: string; secret?: string };
  register?: boolean;
  accounts?: string; // a path (made absolute by the reader)
  "server-options"?: Record<string, unknown>;
  parallelism?: number;
}

/** Input plus where each value came from, for error messages. */
export interface SourcedInput {
  input: XmppSettingsInput;
  /** e.g. "xmpp.yaml:4:7" or "--xmpp-port", for a key path like ["component", "port"]. */
  where(path: string[]): string;
}

export type AccountSupply = { kind: "register" } | { kind: "file"; file: string; accounts: AccountCredentials[] };

export interface XmppSettings {
  host: string;
  port: number;
  domain: string;
  tls: ClientTls;
  caFile?: string;
  component: { host: string; port: number; domain: string; secret: string };
  accounts: AccountSupply;
  /** The server's own values for option names of the vocabulary, as the user declared them. */
  serverOptions: Partial<Record<OptionName, OptionValue>>;
  parallelism: number;
}

/** Reads --xmpp-config FILE: strict schema, relative paths resolved against the file's folder. */
export function readConfigFile(file: string): SourcedInput {
  const y = loadYamlFile<XmppSettingsInput>(file, CONFIG_SCHEMA);
  const input = { ...y.data };
  const base = dirname(resolve(file));
  if (input.ca) input.ca = resolve(base, input.ca);
  if (input.accounts) input.accounts = resolve(base, input.accounts);
  const where = (path: string[]) => {
    const l = y.loc(path);
    return `${l.file}:${l.line}:${l.col}`;
  };
  return { input, where };
}

function pick<T>(flags: SourcedInput | undefined, file: SourcedInput | undefined, get: (i: XmppSettingsInput) => T | undefined, path: string[]): { value: T | undefined; where: string } {
  const f = flags && get(flags.input);
  if (f !== undefined) return { value: f, where: flags!.where(path) };
  const c = file && get(file.input);
  return { value: c, where: c !== undefined ? file!.where(path) : "" };
}

/**
 * Merges config file and flags (flags win), applies defaults, loads the CA and accounts files,
 * and checks what a schema cannot (conflicting choices, a missing secret). Throws SettingsError
 * listing every problem.
 */
export function resolveSettings(file: SourcedInput | undefined, flags: SourcedInput | undefined, env: NodeJS.ProcessEnv = process.env): XmppSettings {
  const problems: string[] = [];
  const get = <T>(g: (i: XmppSettingsInput) => T | undefined, path: string[]) => pick(flags, file, g, path);

  const domain = get((i) => i.domain, ["domain"]);
  if (!domain.value) problems.push("the server's XMPP domain is missing: --domain D or 'domain:' in --xmpp-config");
  const tlsMode = get((i) => i.tls, ["tls"]).value ?? "starttls";
  const host = get((i) => i.host, ["host"]).value ?? "127.0.0.1";
  const port = get((i) => i.port, ["port"]).value ?? (tlsMode === "direct" ? 5223 : 5222);

  const ca = get((i) => i.ca, ["ca"]);
  const insecure = get((i) => i["insecure-tls"], ["insecure-tls"]);
  let caText: string | undefined;
  if (ca.value !== undefined) {
    if (tlsMode === "none") problems.push(`${ca.where}: a CA is given but tls is none (nothing to check it against)`);
    if (insecure.value) problems.push(`${insecure.where}: insecure-tls and a CA (${ca.where}) contradict each other; choose one`);
    try {
      caText = readFileSync(ca.value, "utf8");
      if (!caText.includes("-----BEGIN CERTIFICATE-----")) problems.push(`${ca.where}: ${ca.value} holds no PEM certificate`);
    } catch (e) {
      problems.push(`${ca.where}: cannot read CA file: ${(e as Error).message}`);
    }
  }
  if (insecure.value && tlsMode === "none") problems.push(`${insecure.where}: insecure-tls with tls none: there is no certificate to accept`);

  const cHost = get((i) => i.component?.host, ["component", "host"]).value ?? host;
  const cPort = get((i) => i.component?.port, ["component", "port"]).value ?? DEFAULT_COMPONENT_PORT;
  const cDomain = get((i) => i.component?.domain, ["component", "domain"]);
  if (!cDomain.value) problems.push("the app server's component domain is missing: --component-domain D or 'component: { domain: … }' in --xmpp-config");
  const secret = get((i) => i.component?.secret, ["component", "secret"]).value ?? env[SECRET_ENV];
  if (!secret) problems.push(`the component secret is missing: --component-secret S, 'component: { secret: … }' or $${SECRET_ENV}`);
  if (cDomain.value && domain.value && cDomain.value === domain.value) problems.push(`${cDomain.where}: the component domain must differ from the users' domain ${domain.value}`);

  const register = get((i) => i.register, ["register"]);
  const accountsFile = get((i) => i.accounts, ["accounts"]);
  let accounts: AccountSupply | undefined;
  if (register.value && accountsFile.value) {
    problems.push(`${register.where} and ${accountsFile.where}: choose in-band registration or an accounts file, not both`);
  } else if (accountsFile.value) {
    try {
      if (domain.value) accounts = { kind: "file", file: accountsFile.value, accounts: readAccountsFile(accountsFile.value, domain.value) };
    } catch (e) {
      if (!(e instanceof SettingsError)) throw e;
      problems.push(...e.problems);
    }
  } else if (register.value) {
    accounts = { kind: "register" };
  } else {
    problems.push("no accounts: --register (XEP-0077 in-band registration) or --accounts FILE (existing test accounts)");
  }

  const serverOptions: Partial<Record<OptionName, OptionValue>> = {};
  for (const src of [file, flags]) {
    for (const [name, v] of Object.entries(src?.input["server-options"] ?? {})) {
      try {
        serverOptions[name as OptionName] = checkOptionValue(name, v);
      } catch (e) {
        if (!(e instanceof ScenarioOptionError)) throw e;
        problems.push(`${src!.where(["server-options", name])}: ${e.message}`);
      }
    }
  }

  const parallelism = get((i) => i.parallelism, ["parallelism"]).value ?? DEFAULT_PARALLELISM;
  if (problems.length > 0) throw new SettingsError(problems);
  return {
    host,
    port,
    domain: domain.value!,
    tls: { mode: tlsMode, ...(caText !== undefined && { ca: caText }), ...(insecure.value && { insecure: true }) },
    ...(ca.value !== undefined && { caFile: ca.value }),
    component: { host: cHost, port: cPort, domain: cDomain.value!, secret: secret! },
    accounts: accounts!,
    serverOptions,
    parallelism,
  };
}

/** The accounts file: bare JIDs on `domain` with passwords, no duplicates. */
export function readAccountsFile(file: string, domain: string): AccountCredentials[] {
  const y = loadYamlFile<{ accounts: { jid: string; password: string }[] }>(file, ACCOUNTS_SCHEMA);
  const problems: string[] = [];
  const seen = new Map<string, Loc>();
  const out: AccountCredentials[] = [];
  y.data.accounts.forEach((a, i) => {
    const l = y.loc(["accounts", i, "jid"]);
    const [local, d] = a.jid.split("@") as [string, string];
    if (d.toLowerCase() !== domain.toLowerCase()) problems.push(at(l, `${a.jid} is not on the target's domain ${domain}`));
    const key = local.toLowerCase();
    const first = seen.get(key);
    if (first) problems.push(at(l, `${a.jid} is listed twice (first at line ${first.line})`));
    else seen.set(key, l);
    out.push({ local, password: a.password });
  });
  if (problems.length > 0) throw new SettingsError(problems);
  return out;
}

/** Option names of the vocabulary, for help texts. */
export const SERVER_OPTION_NAMES: readonly string[] = OPTION_NAMES;

// Command-line flags of the xmpp target. The CLI hands us every flag we own (takeXmppFlags),
// so its own parser stays unaware of them; a config file (--xmpp-config) gives the same settings.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { OPTIONS } from "../../options.ts";
import { TLS_MODES, type TlsMode } from "../../wire/client-tls.ts";
import { readConfigFile, resolveSettings, SECRET_ENV, type SourcedInput, type XmppSettings, type XmppSettingsInput } from "./settings.ts";
import { SettingsError } from "./yaml-file.ts";

const FLAGS = {
  "xmpp-config": { type: "string" },
  "xmpp-host": { type: "string" },
  "xmpp-port": { type: "string" },
  domain: { type: "string" },
  tls: { type: "string" },
  ca: { type: "string" },
  "insecure-tls": { type: "boolean" },
  "component-host": { type: "string" },
  "component-port": { type: "string" },
  "component-domain": { type: "string" },
  "component-secret": { type: "string" },
  register: { type: "boolean" },
  accounts: { type: "string" },
  "server-option": { type: "string", multiple: true },
  "xmpp-parallelism": { type: "string" },
} as const;

export const XMPP_FLAG_NAMES = Object.keys(FLAGS);

export const XMPP_HELP = `Target xmpp — any running XMPP server on host:port (pushlab starts nothing):
  --xmpp-config FILE       YAML file with the settings below (schema: simulator/targets/xmpp/xmpp-config.schema.json)
  --xmpp-host HOST         client port's host (default 127.0.0.1)
  --xmpp-port N            client port (default 5222; 5223 with --tls direct)
  --domain D               the XMPP domain of the test accounts
  --tls MODE               starttls (default) | direct (xmpps) | none — none sends passwords in clear
  --ca FILE                trust this CA or self-signed certificate (PEM)
  --insecure-tls           accept any certificate, unchecked (test servers only)
  --component-host H       XEP-0114 component host for the fake app server (default: --xmpp-host)
  --component-port N       component port (default 5347)
  --component-domain D     component domain, e.g. push.example.org
  --component-secret S     component secret (or $${SECRET_ENV})
  --register               create accounts by in-band registration (XEP-0077), remove them after
  --accounts FILE          use existing test accounts from a YAML file instead
  --server-option N=V      declare the server's value of an option (repeatable); scenarios that
                           need another value are skipped
  --xmpp-parallelism N     scenarios at once (default 8)
Examples:
  pushlab run --target xmpp --xmpp-config conformance/xmpp.yaml
  pushlab run --target xmpp --domain example.org --ca ca.pem --component-domain push.example.org \\
    --component-secret s3cr3t --register --server-option push_notification_with_body=false
`;

/** Splits argv into the xmpp target's flags (with their values) and everything else. */
export function takeXmppFlags(argv: string[]): { xmpp: string[]; rest: string[] } {
  const xmpp: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : "";
    const def = (FLAGS as Record<string, { type: string }>)[name];
    if (!def) {
      rest.push(arg);
      continue;
    }
    xmpp.push(arg);
    if (def.type === "string" && !arg.includes("=") && i + 1 < argv.length) xmpp.push(argv[++i]!);
  }
  return { xmpp, rest };
}

function int(flag: string, v: string | undefined, problems: string[], min = 1, max = 65535): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${flag}: expected a whole number ${min}–${max}, got '${v}'`);
  return n;
}

/** A declared option value, typed by the vocabulary (booleans, numbers, strings). */
function optionValue(name: string, raw: string): unknown {
  const kind = (OPTIONS as Record<string, { kind: string }>)[name]?.kind;
  if (kind === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  if (kind === "count" || kind === "seconds") return raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return raw;
}

/** Parses the xmpp target's flags; throws SettingsError naming each bad flag. */
export function parseXmppFlags(args: string[]): { configFile?: string; flags: SourcedInput } {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new SettingsError([(e as Error).message]);
  }
  const problems: string[] = [];
  const s = (k: string) => values[k] as string | undefined;
  const tls = s("tls");
  if (tls !== undefined && !TLS_MODES.includes(tls as TlsMode)) problems.push(`--tls: expected one of ${TLS_MODES.join(", ")}, got '${tls}'`);
  const serverOptions: Record<string, unknown> = {};
  for (const pair of (values["server-option"] as string[] | undefined) ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) problems.push(`--server-option: expected NAME=VALUE, got '${pair}'`);
    else serverOptions[pair.slice(0, eq)] = optionValue(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const component = {
    ...(s("component-host") !== undefined && { host: s("component-host") }),
    ...(s("component-port") !== undefined && { port: int("component-port", s("component-port"), problems) }),
    ...(s("component-domain") !== undefined && { domain: s("component-domain") }),
    ...(s("component-secret") !== undefined && { secret: s("component-secret") }),
  };
  const input: XmppSettingsInput = {
    ...(s("xmpp-host") !== undefined && { host: s("xmpp-host") }),
    ...(s("xmpp-port") !== undefined && { port: int("xmpp-port", s("xmpp-port"), problems) }),
    ...(s("domain") !== undefined && { domain: s("domain") }),
    ...(tls !== undefined && { tls: tls as TlsMode }),
    ...(s("ca") !== undefined && { ca: resolve(s("ca")!) }),
    ...(values["insecure-tls"] === true && { "insecure-tls": true }),
    ...(Object.keys(component).length > 0 && { component }),
    ...(values.register === true && { register: true }),
    ...(s("accounts") !== undefined && { accounts: resolve(s("accounts")!) }),
    ...(Object.keys(serverOptions).length > 0 && { "server-options": serverOptions }),
    ...(s("xmpp-parallelism") !== undefined && { parallelism: int("xmpp-parallelism", s("xmpp-parallelism"), problems, 1, 64) }),
  };
  if (problems.length > 0) throw new SettingsError(problems);
  const FLAG_OF: Record<string, string> = { host: "xmpp-host", port: "xmpp-port", parallelism: "xmpp-parallelism", "server-options": "server-option" };
  const where = (path: string[]) => `--${path[0] === "component" ? `component-${path[1]}` : (FLAG_OF[path[0]!] ?? path[0])}`;
  return { ...(s("xmpp-config") !== undefined && { configFile: s("xmpp-config") }), flags: { input, where } };
}

/** Settings from the xmpp target's flags (and the config file they name). */
export function xmppSettingsFromArgs(args: string[], env: NodeJS.ProcessEnv = process.env): XmppSettings {
  const { configFile, flags } = parseXmppFlags(args);
  const file = configFile !== undefined ? readConfigFile(configFile) : undefined;
  return resolveSettings(file, flags, env);
}

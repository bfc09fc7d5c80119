// Writes the Prosody config for one harness run: loopback only, our own ports and data dir,
// no TLS, the push modules, one VirtualHost per option set and the harness's components.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { HostSpec } from "./option-hosts.ts";
import { luaString, luaValue } from "./lua-value.ts";

export const MODULE_DIR = "/usr/lib/prosody/modules";
/** Our own Lua modules (host activation on reload, test controls). */
export const OWN_MODULE_DIR = fileURLToPath(new URL("./lua/", import.meta.url));

export interface ProsodyLayout {
  dir: string; // the temp dir; everything lives under it
  configFile: string;
  dataDir: string;
  readyDir: string; // our host-activation module drops one file per active host here
  logFile: string;
}

export interface ConfigInput {
  layout: ProsodyLayout;
  c2sPort: number;
  componentPort: number;
  hosts: HostSpec[];
  components: { domain: string; secret: string }[];
  controller: string; // the component allowed to use mod_pushlab_control
  logLevel: "debug" | "info" | "warn" | "error";
  /** Hosts whose mod_cloud_notify store goes through our mod_storage_pushlab_flaky. */
  flakyStoreHosts?: string[];
  /** Test-only: reach this Prosody like a maintainer's server (the xmpp target's tests). */
  extras?: ProsodyExtras;
  directTlsPort?: number; // with extras.tls.directTls
  /** Where Prosody keeps its data: files (default) or SQLite through mod_storage_sql (lua-dbi-sqlite3). */
  storage?: ProsodyStorage;
  /** Our own modules left out (the load mode runs without pushlab_control's per-message reports). */
  withoutModules?: string[];
}

export type ProsodyStorage = "internal" | "sql";
/** The SQLite file of `storage: "sql"`, relative to data_path. */
export const SQLITE_FILE = "prosody.sqlite";

export interface ProsodyExtras {
  /** XEP-0077 in-band registration (mod_register; loopback is on its default allowlist). */
  registration?: boolean;
  /** TLS with this certificate; `require` refuses plain c2s; `directTls` adds a direct-TLS port. */
  tls?: { certificate: string; key: string; require: boolean; directTls?: boolean };
}

function extraLines(c: ConfigInput): string[] {
  const lines: string[] = [];
  if (c.extras?.registration) lines.push(`allow_registration = true`);
  const tls = c.extras?.tls;
  if (tls) {
    lines.push(`ssl = { certificate = ${luaString(tls.certificate)}, key = ${luaString(tls.key)} }`);
    lines.push(`c2s_require_encryption = ${tls.require}`);
    if (c.directTlsPort) lines.push(`c2s_direct_tls_ports = { ${c.directTlsPort} }`);
  }
  return lines;
}

/** The store mod_cloud_notify opens (module:open_store() without a name = the module's name). */
export const CLOUD_NOTIFY_STORE = "cloud_notify";

export function layoutIn(dir: string): ProsodyLayout {
  return {
    dir,
    configFile: join(dir, "prosody.cfg.lua"),
    dataDir: join(dir, "data"),
    readyDir: join(dir, "ready"),
    logFile: join(dir, "prosody.log"),
  };
}

const MODULES = [
  "roster", "saslauth", "disco", "ping", "smacks", "carbons", "mam", "offline",
  "csi_simple", "cloud_notify", "pushlab_hosts", "pushlab_control",
  // XEP-0077 account removal (mod_user_account_management); allow_registration stays off.
  "register",
];

function storageLines(storage: ProsodyStorage): string[] {
  if (storage === "internal") return [`storage = "internal"`];
  return [`storage = "sql"`, `sql = { driver = "SQLite3", database = ${luaString(SQLITE_FILE)} }`];
}

export function renderConfig(c: ConfigInput): string {
  const L = c.layout;
  const runAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const lines = [
    "-- Written by pushlab for one run; deleted with its temp dir.",
    `data_path = ${luaString(L.dataDir)}`,
    `certificates = ${luaString(join(L.dir, "certs"))}`,
    runAsRoot ? "run_as_root = true -- mod_posix refuses root otherwise" : "",
    `interfaces = { "127.0.0.1" }`,
    `c2s_interfaces = { "127.0.0.1" }`,
    `component_interfaces = { "127.0.0.1" }`,
    `c2s_ports = { ${c.c2sPort} }`,
    `component_ports = { ${c.componentPort} }`,
    `s2s_ports = { }`,
    `modules_disabled = { "s2s" }`,
    c.extras?.tls ? "" : `c2s_require_encryption = false`,
    `allow_unencrypted_plain_auth = true`,
    `authentication = "internal_plain"`,
    ...storageLines(c.storage ?? "internal"),
    `plugin_paths = ${luaValue([OWN_MODULE_DIR, MODULE_DIR])}`,
    `modules_enabled = ${luaValue([...MODULES.filter((m) => !c.withoutModules?.includes(m)), ...(c.extras?.registration ? ["register"] : []), ...(c.extras?.tls ? ["tls"] : [])])}`,
    ...extraLines(c),
    `pushlab_ready_dir = ${luaString(L.readyDir)}`,
    `pushlab_controller = ${luaString(c.controller)}`,
    `log = { { levels = { min = ${luaString(c.logLevel)} }, to = "file", filename = ${luaString(L.logFile)} } }`,
    "",
  ];
  for (const h of c.hosts) {
    lines.push(`VirtualHost ${luaString(h.name)}`, `  -- ${h.key}`);
    for (const [k, v] of Object.entries(h.options)) lines.push(`  ${k} = ${luaValue(v)}`);
    if (c.flakyStoreHosts?.includes(h.name)) lines.push(`  storage = { ${CLOUD_NOTIFY_STORE} = "pushlab_flaky" }`);
    if (h.archive) lines.push(`  default_archive_policy = true`);
    else lines.push(`  modules_disabled = { "s2s", "mam" }`);
    lines.push("");
  }
  for (const comp of c.components) {
    lines.push(`Component ${luaString(comp.domain)}`, `  component_secret = ${luaString(comp.secret)}`, "");
  }
  return lines.filter((l, i, a) => l !== "" || a[i - 1] !== "").join("\n");
}

/** Creates the dirs Prosody needs and (re)writes the config file. */
export function writeConfig(c: ConfigInput): void {
  const L = c.layout;
  for (const d of [L.dataDir, L.readyDir, join(L.dir, "certs")]) mkdirSync(d, { recursive: true });
  writeFileSync(L.configFile, renderConfig(c));
}

// Writes ejabberd.yml and ejabberdctl.cfg for one harness run: loopback only, our own ports and
// spool, no TLS, no shaper, no session/offline caps, one vhost per option set (each with its
// complete module list in host_config), the app-server component and mod_http_api for the harness.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { HostSpec } from "./option-hosts.ts";

export interface EjabberdLayout {
  dir: string; // the temp dir; everything lives under it
  configDir: string; // ejabberd.yml, ejabberdctl.cfg
  configFile: string;
  ctlConfigFile: string;
  spoolDir: string; // Mnesia, the pid file, the Erlang cookie ($HOME)
  logsDir: string;
  logFile: string;
  pidFile: string;
}

export interface EjabberdPorts {
  c2s: number;
  component: number;
  http: number; // mod_http_api (accounts, reload)
  dist: number; // Erlang distribution: ERL_DIST_PORT, so no epmd is needed at all
}

export interface ConfigInput {
  layout: EjabberdLayout;
  ports: EjabberdPorts;
  node: string; // unique Erlang node name per run, e.g. pushlab-1a2b3c@localhost
  hosts: HostSpec[];
  /**
   * XEP-0114 components. Those without a port share the `component` listener; one with a port
   * gets a listener of its own: ejabberd 23.01 gives a component that connects for one domain of
   * a listener the routes of every domain of that listener (NOTES.md, "Components").
   */
  components: { domain: string; secret: string; port?: number }[];
  logLevel: "debug" | "info" | "warning" | "error";
  /**
   * XEP-0077 in-band registration from loopback on every vhost (mod_register), for clients that
   * create their own accounts (the xmpp target's tests), with no wait between registrations.
   */
  inBandRegistration?: boolean;
}

/** The mod_http_api commands the harness uses; nothing else is open, and only to loopback. */
export const API_COMMANDS = ["register", "unregister", "reload_config", "registered_vhosts", "status"];

/** Caps Debian's sample config sets low (100 offline messages, 10 sessions); ours never bind. */
const NO_LIMIT = 1_000_000;

export function layoutIn(dir: string): EjabberdLayout {
  const configDir = join(dir, "etc");
  const spoolDir = join(dir, "spool");
  const logsDir = join(dir, "logs");
  return {
    dir,
    configDir,
    configFile: join(configDir, "ejabberd.yml"),
    ctlConfigFile: join(configDir, "ejabberdctl.cfg"),
    spoolDir,
    logsDir,
    logFile: join(logsDir, "ejabberd.log"),
    pidFile: join(spoolDir, "ejabberd.pid"),
  };
}

/** The access rule mod_register's ip_access names: registration from loopback only. */
const REGISTER_FROM = "register_from_loopback";

/** Every module a vhost runs; the option-set part comes from the HostSpec. */
export function modulesFor(h: HostSpec, inBandRegistration = false): Record<string, Record<string, unknown>> {
  return {
    mod_disco: {},
    mod_roster: {},
    mod_ping: {},
    mod_carboncopy: {},
    mod_client_state: {},
    mod_offline: { access_max_user_messages: "max_user_offline_messages" },
    mod_register: registerOptions(inBandRegistration),
    ...(h.archive && { mod_mam: { default: "always", db_type: "mnesia" } }),
    // resend_on_timeout: as in ejabberd's and Debian's sample configs (unacked messages of an
    // expired session go to offline storage when no other resource is online).
    mod_stream_mgmt: { ...h.modules.mod_stream_mgmt, resend_on_timeout: "if_offline", max_ack_queue: NO_LIMIT },
    mod_push: { ...h.modules.mod_push },
    mod_push_keepalive: { ...h.modules.mod_push_keepalive },
  };
}

/**
 * mod_register is always loaded: XEP-0077 account removal (`<remove/>`, R-ACCOUNT-REMOVED) needs
 * it. Who may remove is `access_remove`, who may register is `access` (+ `ip_access`): removal
 * stays open to every user in both cases; registration is open only when asked, and then only
 * from loopback (mod_register's own default ip_access allows any address).
 */
export function registerOptions(inBandRegistration: boolean): Record<string, string> {
  return inBandRegistration ? { access: "all", ip_access: REGISTER_FROM, access_remove: "all" } : { access: "none", access_remove: "all" };
}

/**
 * Listen queue per port. ejabberd's default (5) drops the connection attempts of parallel
 * scenarios: with 100 registrations at once only ~60 were accepted in time, the rest waited for
 * the kernel's SYN retries (1 s, 3 s, 7 s …).
 */
const BACKLOG = 1024;

/**
 * A client's stanza size limit, as Prosody's default (256 KiB): ejabberd's own default is no limit;
 * past it ejabberd ends the stream with policy-violation ("XML stanza is too big").
 */
export const MAX_STANZA_SIZE = 262_144;

/** One ejabberd_service listener per component port, the shared `component` port first. */
function componentListeners(c: ConfigInput): Record<string, unknown>[] {
  const byPort = new Map<number, ConfigInput["components"]>([[c.ports.component, []]]);
  for (const comp of c.components) {
    const port = comp.port ?? c.ports.component;
    byPort.set(port, [...(byPort.get(port) ?? []), comp]);
  }
  return [...byPort]
    .filter(([port, comps]) => comps.length > 0 || port === c.ports.component)
    .map(([port, comps]) => ({
      port,
      ip: "127.0.0.1",
      module: "ejabberd_service",
      backlog: BACKLOG,
      hosts: Object.fromEntries(comps.map((comp) => [comp.domain, { password: comp.secret }])),
    }));
}

export function renderConfig(c: ConfigInput): string {
  const listen = [
    { port: c.ports.c2s, ip: "127.0.0.1", module: "ejabberd_c2s", backlog: BACKLOG, starttls: false, access: "c2s", max_stanza_size: MAX_STANZA_SIZE },
    ...componentListeners(c),
    { port: c.ports.http, ip: "127.0.0.1", module: "ejabberd_http", backlog: BACKLOG, request_handlers: { "/api": "mod_http_api" } },
  ];
  const config = {
    hosts: c.hosts.map((h) => h.name),
    loglevel: c.logLevel,
    log_rotate_count: 0,
    auth_method: "internal",
    auth_password_format: "plain", // PLAIN logins over loopback; no SCRAM cost per account
    acme: { auto: false }, // never reach out for certificates
    s2s_access: "none", // no server-to-server traffic: an absent component fails at once
    listen,
    acl: { loopback: { ip: ["127.0.0.0/8"] } },
    access_rules: { c2s: { allow: "all" }, harness: { allow: "loopback" }, ...(c.inBandRegistration && { [REGISTER_FROM]: { allow: "loopback" } }) },
    // The default lets one address register once every 600 s; every account here comes from loopback.
    ...(c.inBandRegistration && { registration_timeout: "infinity" }),
    api_permissions: {
      "pushlab harness": { from: ["mod_http_api"], who: { access: "harness" }, what: API_COMMANDS },
    },
    shaper_rules: { max_user_sessions: NO_LIMIT, max_user_offline_messages: NO_LIMIT },
    // Global modules: none but the API; every vhost states its own full list below.
    modules: { mod_http_api: {} },
    host_config: Object.fromEntries(c.hosts.map((h) => [h.name, { modules: modulesFor(h, c.inBandRegistration) }])),
  };
  return `# Written by pushlab for one run; deleted with its temp dir.\n${stringify(config)}`;
}

/** Shell-sourced by ejabberdctl: node name, loopback-only distribution without epmd, pid file. */
export function renderCtlConfig(c: Pick<ConfigInput, "layout" | "ports" | "node">): string {
  return [
    "# Written by pushlab for one run.",
    `ERLANG_NODE=${c.node}`,
    "INET_DIST_INTERFACE=127.0.0.1",
    "ERL_EPMD_ADDRESS=127.0.0.1",
    // With ERL_DIST_PORT ejabberdctl starts the node with -start_epmd false: no epmd daemon that
    // could outlive us or be shared with another harness.
    `ERL_DIST_PORT=${c.ports.dist}`,
    `EJABBERD_PID_PATH=${c.layout.pidFile}`,
    "EJABBERD_BYPASS_WARNINGS=true",
    'ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"',
    "",
  ].join("\n");
}

/** Creates the dirs and (re)writes both files. */
export function writeConfig(c: ConfigInput): void {
  const L = c.layout;
  for (const d of [L.configDir, L.spoolDir, L.logsDir]) mkdirSync(d, { recursive: true });
  writeFileSync(L.configFile, renderConfig(c));
  writeFileSync(L.ctlConfigFile, renderCtlConfig(c));
}

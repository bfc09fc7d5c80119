// The ejabberd target's pure parts, without a server: option mapping, config, capabilities and
// skip reasons, the session log it reads, and the expectation file.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hostFor, moduleOptionsFor, vhostOf } from "../../simulator/targets/ejabberd/option-hosts.ts";
import { layoutIn, renderConfig, renderCtlConfig } from "../../simulator/targets/ejabberd/ejabberd-config.ts";
import { EJABBERD_CAPABILITIES } from "../../simulator/targets/ejabberd/capabilities.ts";
import { createEjabberdTarget } from "../../simulator/targets/ejabberd/index.ts";
import { loadAll } from "../../simulator/runner.ts";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import { SessionLog } from "../../simulator/targets/ejabberd/session-log.ts";
import { OPTION_NAMES } from "../../simulator/options.ts";
import type { WorldSpec } from "../../simulator/target.ts";

const w = (options: WorldSpec["options"], extra: Partial<WorldSpec> = {}): WorldSpec => ({ scenarioId: "u", options, personas: [], apps: [], archive: true, ...extra });
const bundled = new Map(loadAll(["scenarios"]).flatMap((l) => (l.ok ? [[l.scenario.key, l.scenario] as const] : [])));
const scenario = (key: string): Scenario => bundled.get(key)!;
function text(name: string, options: string, steps: string): Scenario {
  const [l] = loadScenarioText(`name: ${name}\nrules: [R-OFFLINE]\noptions: { ${options} }\npersonas: { alice: {} }\nsteps:\n${steps}`, `${name}.yaml`);
  if (!l!.ok) throw new Error(JSON.stringify(l!.broken.errors));
  return l!.scenario;
}

describe("ejabberd option mapping", () => {
  it("configures the vocabulary's defaults, not ejabberd's", () => {
    expect(moduleOptionsFor({})).toEqual({
      mod_push: { include_body: "New Message!", include_sender: false },
      mod_push_keepalive: { resume_timeout: 259200 },
      mod_stream_mgmt: { resume_timeout: 600, ack_timeout: 30 },
    });
  });

  it("maps with_body, the placeholder and the timers onto mod_push, mod_push_keepalive and mod_stream_mgmt", () => {
    expect(moduleOptionsFor({ push_notification_with_body: true }).mod_push!.include_body).toBe(true);
    expect(moduleOptionsFor({ push_notification_important_body: "" }).mod_push!.include_body).toBe(false);
    expect(moduleOptionsFor({ push_notification_important_body: "You have mail" }).mod_push!.include_body).toBe("You have mail");
    expect(moduleOptionsFor({ push_notification_with_sender: true }).mod_push!.include_sender).toBe(true);
    expect(moduleOptionsFor({ smacks_hibernation_time: 4, smacks_max_ack_delay: 3, push_max_hibernation_timeout: 60 })).toMatchObject({
      mod_stream_mgmt: { resume_timeout: 4, ack_timeout: 3 },
      mod_push_keepalive: { resume_timeout: 60 },
    });
  });

  it("gives one vhost per distinct option set and archive setting", () => {
    expect(hostFor(w({})).name).toBe(hostFor(w({ push_max_devices: 3 })).name); // not a module option
    expect(hostFor(w({})).name).not.toBe(hostFor(w({ push_notification_with_body: true })).name);
    expect(hostFor(w({})).name).not.toBe(hostFor(w({}, { archive: false })).name);
    expect(hostFor(w({})).name).toMatch(/^e[0-9a-f]{8}\.localhost$/);
  });

  it("says why an option set cannot be expressed", () => {
    expect(vhostOf(w({ smacks_hibernation_time: 2.5 }))).toEqual({ why: expect.stringMatching(/whole seconds/) });
    expect(vhostOf(w({ push_notification_with_body: true, push_notification_important_body: "x" }))).toEqual({ why: expect.stringMatching(/include_body/) });
    expect(vhostOf(w({ push_notification_with_body: true }))).toEqual({ host: hostFor(w({ push_notification_with_body: true })) });
  });
});

describe("ejabberd capabilities and skips", () => {
  it("covers every option of the vocabulary", () => {
    expect(Object.keys(EJABBERD_CAPABILITIES.options).sort()).toEqual([...OPTION_NAMES].sort());
  });

  it("the runner skips only what a scenario asks for: a set option ejabberd lacks, a control, a hook", () => {
    const caps = EJABBERD_CAPABILITIES;
    expect(unmetNeed(scenario("offline/R-OFFLINE-each-message"), caps, "ejabberd")).toBeUndefined();
    expect(unmetNeed(scenario("errors/R-ERR-COUNT-small-max"), caps, "ejabberd")).toMatch(/^sets push_max_errors: 3 \(ejabberd: 1\).*first app-server error/);
    expect(unmetNeed(text("fixed", "push_max_errors: 1", "  - connect: alice\n"), caps, "ejabberd")).toBeUndefined(); // ejabberd's fixed value
    expect(unmetNeed(scenario("registration/R-MAXDEV"), caps, "ejabberd")).toMatch(/^sets push_max_devices: 2 \(ejabberd: unknown\)/);
    expect(unmetNeed(scenario("dedup/R-DEDUP-restart"), caps, "ejabberd")).toBeUndefined();
    expect(unmetNeed(scenario("registration/R-ENABLE-STOREFAIL"), caps, "ejabberd")).toMatch(/^needs the store-failure control/);
    expect(unmetNeed(scenario("dedup/R-VETO-PUSH"), caps, "ejabberd")).toMatch(/^needs the veto-hooks control/);
    expect(unmetNeed(scenario("ping/R-PING-given"), caps, "ejabberd")).toMatch(/^needs the ping control/);
  });

  it("prepare() declares the vhosts of exactly the scenarios that will run on the shared server", () => {
    const target = createEjabberdTarget();
    const mine = (options: WorldSpec["options"]) => hostFor(w(options)).name;
    target.prepare([
      scenario("offline/R-OFFLINE-each-message"), // the default vhost
      scenario("content/R-PRIVACY-with-body"), // with_body on
      text("pinged", "smacks_hibernation_time: 7", "  - connect: alice\n  - ping: alice\n"), // skipped: no ping
      text("plain", "smacks_hibernation_time: 8", "  - connect: alice\n"), // runs on a vhost of its option set
      text("restarted", "smacks_hibernation_time: 9", "  - connect: alice\n  - restart: true\n"), // a dedicated server
      text("inexpressible", "smacks_hibernation_time: 2.5", "  - connect: alice\n"), // skipped when opened
    ]);
    expect(target.preparedHosts.sort()).toEqual([mine({}), mine({ push_notification_with_body: true }), mine({ smacks_hibernation_time: 8 })].sort());
  });
});

describe("ejabberd config", () => {
  const input = {
    layout: layoutIn("/tmp/pushlab-ejabberd-x"),
    ports: { c2s: 40001, component: 40002, http: 40003, dist: 40004 },
    node: "pushlab-abc@localhost",
    hosts: [hostFor(w({})), hostFor(w({ push_notification_with_body: true }, { archive: false }))],
    components: [{ domain: "push.localhost", secret: "s" }],
    logLevel: "info" as const,
  };

  it("listens on loopback only, without TLS, shaper or caps, and opens the API to loopback only", () => {
    const cfg = parse(renderConfig(input));
    expect(cfg.listen.map((l: { ip: string }) => l.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    expect(cfg.listen.map((l: { port: number }) => l.port)).toEqual([40001, 40002, 40003]);
    expect(cfg.listen.some((l: object) => "shaper" in l)).toBe(false);
    expect(cfg.listen[0].starttls).toBe(false);
    expect(cfg.listen[1].hosts).toEqual({ "push.localhost": { password: "s" } });
    expect(cfg.shaper_rules.max_user_offline_messages).toBeGreaterThanOrEqual(1_000_000);
    expect(cfg.api_permissions["pushlab harness"].who).toEqual({ access: "harness" });
    expect(cfg.access_rules.harness).toEqual({ allow: "loopback" });
    expect(cfg.acme).toEqual({ auto: false });
  });

  it("puts a component with a port of its own on a listener of its own, the others on the shared one", () => {
    const cfg = parse(renderConfig({ ...input, components: [...input.components, { domain: "push0.localhost", secret: "a", port: 40010 }, { domain: "push1.localhost", secret: "b", port: 40011 }] }));
    const services = cfg.listen.filter((l: { module: string }) => l.module === "ejabberd_service");
    expect(services.map((l: { port: number; hosts: object }) => [l.port, Object.keys(l.hosts)])).toEqual([
      [40002, ["push.localhost"]],
      [40010, ["push0.localhost"]],
      [40011, ["push1.localhost"]],
    ]);
    expect(services.every((l: { ip: string }) => l.ip === "127.0.0.1")).toBe(true);
  });

  it("gives each vhost its complete module list, with mod_mam only where the archive is on", () => {
    const cfg = parse(renderConfig(input));
    const [a, b] = input.hosts;
    expect(cfg.hosts).toEqual([a!.name, b!.name]);
    expect(cfg.host_config[a!.name].modules.mod_mam).toEqual({ default: "always", db_type: "mnesia" });
    expect(cfg.host_config[b!.name].modules.mod_mam).toBeUndefined();
    expect(cfg.host_config[b!.name].modules.mod_push).toEqual({ include_body: true, include_sender: false });
    expect(cfg.host_config[a!.name].modules.mod_stream_mgmt).toMatchObject({ resume_timeout: 600, ack_timeout: 30, resend_on_timeout: "if_offline" });
  });

  it("in-band registration only when asked: mod_register for loopback on every vhost, no wait between registrations", () => {
    const off = parse(renderConfig(input));
    expect(off.registration_timeout).toBeUndefined();
    expect(off.access_rules.register_from_loopback).toBeUndefined();
    // Loaded for account removal only (R-ACCOUNT-REMOVED): nobody registers.
    for (const h of input.hosts) expect(off.host_config[h.name].modules.mod_register).toEqual({ access: "none", access_remove: "all" });
    const on = parse(renderConfig({ ...input, inBandRegistration: true }));
    expect(on.registration_timeout).toBe("infinity");
    // One mod_register entry per vhost that does both: registration from loopback, removal by any user.
    for (const h of input.hosts) expect(on.host_config[h.name].modules.mod_register).toEqual({ access: "all", ip_access: "register_from_loopback", access_remove: "all" });
    expect(on.access_rules.register_from_loopback).toEqual({ allow: "loopback" });
    expect(on.acl.loopback).toEqual({ ip: ["127.0.0.0/8"] });
  });

  it("starts Erlang without epmd, distribution on loopback, with its own node name and pid file", () => {
    const ctl = renderCtlConfig(input);
    expect(ctl).toContain("ERLANG_NODE=pushlab-abc@localhost");
    expect(ctl).toContain("ERL_DIST_PORT=40004");
    expect(ctl).toContain("INET_DIST_INTERFACE=127.0.0.1");
    expect(ctl).toContain(`EJABBERD_PID_PATH=${input.layout.pidFile}`);
  });
});

describe("ejabberd session log (the server probe)", () => {
  const at = (text: string) => `2026-01-01 00:00:00.000000+00:00 [info] ${text}`;

  it("follows a session from open through hibernation and resumption to its end", async () => {
    const log = new SessionLog();
    const events: string[] = [];
    log.onEvents("h.localhost", "alice", (e) => events.push(`${e.resource ?? ""} ${e.text}`));
    const state = () => log.sessionState("h.localhost", "alice", "phone");
    expect(await state()).toBe("none");
    log.line(at("(<0.1.0>) Opened c2s session for alice@h.localhost/phone"));
    expect(await state()).toBe("live");
    log.line(at("Enabling push notifications for alice@h.localhost/phone"));
    log.line(at("(<0.1.0>) Closing c2s connection for alice@h.localhost/phone: Connection failed: connection closed; waiting 600 seconds for stream resumption"));
    expect(await state()).toBe("hibernating");
    log.line(at("(<0.9.0>) Resumed session for alice@h.localhost/phone"));
    expect(await state()).toBe("live");
    // The old process of the resumed session ends after the new one took over: still live.
    log.line(at("(<0.1.0>) Closing c2s session for alice@h.localhost/phone: Stream resumed"));
    expect(await state()).toBe("live");
    log.line(at("(<0.9.0>) Closing c2s session for alice@h.localhost/phone: Stream reset by peer"));
    expect(await state()).toBe("none");
    expect(events).toEqual([
      "phone session opened",
      "phone push enabled",
      "phone connection closed (Connection failed: connection closed); session kept 600 s for resumption",
      "phone session resumed",
      "phone session ended: Stream reset by peer",
    ]);
  });

  it("reports mod_push's removal of a registration and ignores other users and continuation lines", () => {
    const log = new SessionLog();
    const events: string[] = [];
    log.onEvents("h.localhost", "alice", (e) => events.push(e.text));
    log.line(at("push.1@push.localhost rejected notification for alice@h.localhost (n1), disabling push: Not Found (cancel)"));
    log.line(at("(<0.2.0>) Opened c2s session for bob@h.localhost/x"));
    log.line("                   {<<\"host\">>,<<\"h.localhost\">>}] from 127.0.0.1:1");
    expect(events).toEqual(["push.1@push.localhost rejected a push (node n1); registration removed: Not Found (cancel)"]);
  });
});

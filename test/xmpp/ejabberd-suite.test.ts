// The whole scenario suite through the generic xmpp target against one harness-started ejabberd
// 23.01 with a vhost per option set the suite uses (in-band registration from loopback), each
// vhost reached as its own "server" whose values are declared the way a maintainer would declare
// them: every scenario gives exactly the ejabberd target's verdict, or is skipped for what no
// client or component can do (generic-suite.ts). reports/out/xmpp-ejabberd/matrix.json holds
// both verdicts of every scenario.
import { afterAll, beforeAll } from "vitest";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { EJABBERD_CAPABILITIES } from "../../simulator/targets/ejabberd/capabilities.ts";
import { EjabberdServer } from "../../simulator/targets/ejabberd/ejabberd-server.ts";
import { EJABBERD_EXPECTATIONS } from "../../simulator/targets/ejabberd/index.ts";
import { hostFor } from "../../simulator/targets/ejabberd/option-hosts.ts";
import { resolveSettings } from "../../simulator/targets/xmpp/settings.ts";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD, EJABBERD_HINT } from "../ejabberd/support.ts";
import { runSuite, SUITE, suiteTests, type SuiteOutcome, type SuiteServer } from "./generic-suite.ts";
import { declaredFor } from "./support.ts";

const hostOf = (s: Pick<Scenario, "options">) => hostFor({ options: s.options, archive: true });
const HOSTS = new Map(SUITE.map((s) => [hostOf(s).name, hostOf(s)]));
const LANES = 4;
// One component per lane, each on a listener of its own: ejabberd 23.01 routes every domain of an
// ejabberd_service listener's `hosts` to the component that connected last, so lanes sharing a
// listener would take each other's pushes (measured; see simulator/targets/ejabberd/NOTES.md).
const COMPONENTS = Array.from({ length: LANES }, (_, i) => ({ domain: `push${i}.localhost`, secret: `lane-secret-${i}` }));

describeWithServer("the whole suite through the generic xmpp target (ejabberd, one vhost per option set)", EJABBERD, EJABBERD_HINT, () => {
  let srv: EjabberdServer;
  let outcomes = new Map<string, SuiteOutcome>();
  const server: SuiteServer = {
    own: { name: "ejabberd", caps: EJABBERD_CAPABILITIES, expectationsFile: EJABBERD_EXPECTATIONS },
    hostOf: (s) => hostOf(s).name,
    settings: (host, s, lane) =>
      resolveSettings(undefined, {
        input: {
          host: "127.0.0.1",
          port: srv.ports.c2s,
          domain: host,
          tls: "none",
          component: { host: "127.0.0.1", port: srv.componentPortOf(COMPONENTS[lane]!.domain), ...COMPONENTS[lane]! },
          register: true,
          "server-options": declaredFor(EJABBERD_CAPABILITIES, s.options),
          parallelism: 8,
        },
        where: (p) => `test:${p.join(".")}`,
      }),
    lanes: LANES,
    reportDir: "reports/out/xmpp-ejabberd",
  };

  beforeAll(async () => {
    srv = await EjabberdServer.start({ hosts: [...HOSTS.values()], inBandRegistration: true, extraComponents: COMPONENTS });
    try {
      for (const h of HOSTS.values()) await srv.ensureHost(h);
    } catch (e) {
      await srv.stop();
      throw e;
    }
    outcomes = await runSuite(server);
  }, 900_000);
  afterAll(async () => {
    await srv?.stop();
  });

  suiteTests(server, () => outcomes);
});

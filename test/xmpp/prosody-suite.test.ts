// The whole scenario suite through the generic xmpp target against one harness-started Prosody
// with a VirtualHost per option set the suite uses, each host reached as its own "server" whose
// options are declared the way a maintainer would declare them: every scenario gives exactly the
// Prosody target's verdict, or is skipped for what no client or component can do (generic-suite.ts).
// reports/out/xmpp-prosody/matrix.json holds both verdicts of every scenario.
import { afterAll, beforeAll } from "vitest";
import { hostFor } from "../../simulator/targets/prosody/option-hosts.ts";
import { prosodyCapabilities } from "../../simulator/targets/prosody/capabilities.ts";
import { PROSODY_EXPECTATIONS } from "../../simulator/targets/prosody/index.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { runSuite, SUITE, suiteTests, type SuiteOutcome, type SuiteServer } from "./generic-suite.ts";
import { settingsFor, startProsody } from "./support.ts";

const LANES = 4;
// One component per lane: a component domain takes one connection at a time.
const COMPONENTS = Array.from({ length: LANES }, (_, i) => ({ domain: `push${i}.localhost`, secret: `lane-secret-${i}` }));
const hostOf = (s: Pick<Scenario, "options" | "archive">) => hostFor({ options: s.options, archive: true });
const HOSTS = new Map(SUITE.map((s) => [hostOf(s).name, hostOf(s)]));

describeWithServer("the whole suite through the generic xmpp target (Prosody, one VirtualHost per option set)", PROSODY, PROSODY_HINT, () => {
  let srv: ProsodyServer;
  let outcomes = new Map<string, SuiteOutcome>();
  const server: SuiteServer = {
    own: { name: "prosody", caps: prosodyCapabilities(true), expectationsFile: PROSODY_EXPECTATIONS },
    hostOf: (s) => hostOf(s).name,
    settings: (host, _s, lane) => settingsFor(srv, HOSTS.get(host)!, { parallelism: 6, component: { port: srv.componentPort, ...COMPONENTS[lane]! } }),
    lanes: LANES,
    reportDir: "reports/out/xmpp-prosody",
  };

  beforeAll(async () => {
    srv = await startProsody([...HOSTS.values()], { extras: { registration: true }, extraComponents: COMPONENTS });
    outcomes = await runSuite(server);
  }, 900_000);
  afterAll(async () => {
    await srv?.stop();
  });

  suiteTests(server, () => outcomes);
});

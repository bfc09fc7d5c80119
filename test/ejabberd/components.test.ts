// Several XEP-0114 components on one ejabberd, each on a listener of its own (extraComponents):
// every one of them is answered while all are connected. (On one listener with several domains
// ejabberd 23.01 gives the routes of all of them to the component that connected last; NOTES.md.)
import { expect, it } from "vitest";
import { EjabberdServer } from "../../simulator/targets/ejabberd/ejabberd-server.ts";
import { hostFor } from "../../simulator/targets/ejabberd/option-hosts.ts";
import { AppGateway } from "../../simulator/wire/wire-app-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { EJABBERD, EJABBERD_HINT } from "./support.ts";

const LANES = ["push0.localhost", "push1.localhost", "push2.localhost"].map((domain, i) => ({ domain, secret: `lane-secret-${i}` }));

describeWithServer("ejabberd with a listener per extra component", EJABBERD, EJABBERD_HINT, () => {
  it("routes to each component while all are connected", async () => {
    const host = hostFor({ options: {}, archive: true });
    const server = await EjabberdServer.start({ hosts: [host], extraComponents: LANES });
    const gateways = [new AppGateway(server.pushDomain, server.pushSecret, server.componentPort), ...LANES.map((l) => new AppGateway(l.domain, l.secret, server.componentPortOf(l.domain)))];
    try {
      const ports = [server.componentPort, ...LANES.map((l) => server.componentPortOf(l.domain))];
      expect(new Set(ports).size).toBe(4); // a port each
      for (const g of gateways) await g.start(); // all connected before any is asked
      // A ping from each: ejabberd's answer is routed back to exactly the component that asked.
      await Promise.all(gateways.map((g) => g.ping(host.name, 3_000)));
      expect(() => server.componentPortOf("nobody.localhost")).toThrow(/no extra component nobody\.localhost/);
    } finally {
      await Promise.allSettled(gateways.map((g) => g.stop()));
      await server.stop();
    }
  }, 60_000);
});

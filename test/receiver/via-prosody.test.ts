// The via-a-server way: a harness-started Prosody with two components, pushlab
// (pushlab.localhost) and the reference receiver (push.localhost); Prosody routes every publish,
// disco and ad-hoc command between them. Skipped without Prosody unless PUSHLAB_REQUIRE_SERVERS=1.
import { afterAll, beforeAll, expect, it } from "vitest";
import { prosodyInstalled } from "../../simulator/targets/prosody/index.ts";
import { PUSHLAB_COMPONENT, startDemoWorld, type DemoWorld } from "../../simulator/receiver/reference/demo.ts";
import { describeWithServer } from "../support/require-server.ts";

describeWithServer("receiver checks through Prosody", prosodyInstalled(), "install prosody prosody-modules", () => {
  let world: DemoWorld;
  beforeAll(async () => {
    world = await startDemoWorld("prosody");
  });
  afterAll(async () => {
    await world?.close();
  });

  it(
    "runs every check through Prosody's component routing, and the reference passes them all",
    async () => {
      const { report } = await world.session.run([]);
      const problems = report.scenarios.filter((s) => s.verdict !== "passed").map((s) => `${s.rules[0]}: ${s.findings[0]?.message}`);
      expect(problems).toEqual([]);
      expect(report.scenarios).toHaveLength(15);
      const details = report.targets[0]!.details!;
      expect(details.connection).toBe(`via a server: pushlab is component ${PUSHLAB_COMPONENT} on 127.0.0.1:${world.prosody!.componentPort}`);
      // The publishes really went through Prosody: they carry pushlab's component as sender.
      const publish = report.scenarios.find((s) => s.rules[0] === "R-RCV-PUBLISH")!.timeline.find((e) => e.kind === "push")!;
      expect(publish.xml).toContain(`from="${PUSHLAB_COMPONENT}"`);
      expect(world.prosody!.running).toBe(true);
    },
    240_000,
  );

  it("a receiver that is not connected yields a clear answer, not a hang", async () => {
    await world.receiver.stop();
    const { report } = await world.session.run([], undefined, "R-RCV-PUBLISH");
    const s = report.scenarios[0]!;
    expect(s.verdict).toBe("failed");
    // Prosody answers for a component that is not connected (as ../shared/notes/receivers.md says).
    expect(s.findings[0]!.message).toMatch(/error wait\/remote-server-timeout/);
  }, 60_000);
});

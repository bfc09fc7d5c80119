// The simulated server settles stanzas with the engine once it holds them no more, so the
// engine's de-duplication memory follows what is in flight: it empties when devices acknowledge
// or messages go to offline storage, and keeps what a hibernated queue still holds (R-DEDUP-EXPIRY
// needs those keys until the queue moves offline).
import { describe, expect, it } from "vitest";
import { loadScenarioText } from "../../simulator/scenario/load.ts";
import { performStep, type StepContext } from "../../simulator/scenario/steps.ts";
import { EngineSession } from "../../simulator/targets/engine/index.ts";
import { worldOf } from "../../simulator/scenario/run-scenario.ts";

async function play(yaml: string) {
  const [l] = loadScenarioText(yaml, "settled.yaml");
  if (!l!.ok) throw new Error(JSON.stringify(l!.broken.errors));
  const s = l!.scenario;
  const session = new EngineSession(worldOf(s));
  const ctx: StepContext = { session, scenario: s, target: "engine", pushCursor: new Map(), receivedCursor: new Map(), msgSeq: 0 };
  return { session, run: async (from: number, to: number) => { for (const st of s.steps.slice(from, to)) await performStep(ctx, st.action, st.args); } };
}

const head = `name: settled keys
rules: [R-DEDUP]
options: { smacks_hibernation_time: 5, push_max_devices: 5 }
personas: { phone: { account: alice, resource: phone }, desk: { account: alice, resource: desk }, bob: {} }
steps:
  - connect: phone
  - enable: { persona: phone, node: n1 }
  - connect: desk
  - connect: bob
`;

describe("the engine's key memory follows what the server holds", () => {
  it("acknowledged by every device: nothing kept", async () => {
    const w = await play(`${head}  - drop: phone\n  - send: { from: bob, to: alice, body: hi, count: 20 }\n  - wait: 2s\n  - resume: phone\n  - wait: 1s\n`);
    await w.run(0, 6);
    await w.session.sleep(2000);
    expect(w.session.server.engine.stats().dedupKeys).toBe(20); // queued in the hibernated phone's session
    await w.run(7, 9);
    expect(w.session.server.engine.stats().dedupKeys).toBe(0); // resumed and acknowledged
  });

  it("moved offline at expiry: not pushed again, then forgotten", async () => {
    const w = await play(`${head}  - drop: phone\n  - disconnect: desk\n  - send: { from: bob, to: alice, body: hi, count: 5 }\n  - wait: 8s\n`);
    await w.run(0, 8);
    expect(w.session.server.engine.stats().dedupKeys).toBe(0);
  });
});

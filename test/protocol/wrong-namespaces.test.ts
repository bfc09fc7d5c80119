// The oracle stands apart: give the engine a wrong namespace and the suite must see it. Each
// fact below is corrupted in the engine only (at run time, in its own NS table or in what it
// composes); the whole scenario suite then runs on the engine target and must fail somewhere.
// disco#info itself is answered by the simulated server with the harness's own namespace
// (simulator/protocol/stanza-kit.ts, XMPP_NS); the engine's part of disco is the feature it
// lists, accountFeatures(), so that is what the disco case corrupts.
import { afterEach, describe, expect, it, vi } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import { NS } from "../../engine/xmlns.ts";
import { loadAll } from "../../simulator/runner.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";

const corrupt = { publishOptionsFormType: false };

// The engine copies publish-options verbatim; the one way to get their FORM_TYPE wrong is in
// what it composes, so that corruption goes through compose.ts.
vi.mock("../../engine/compose.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/compose.ts")>();
  return {
    ...real,
    buildPush: (args: Parameters<typeof real.buildPush>[0]) => {
      const push = real.buildPush(args);
      if (!corrupt.publishOptionsFormType) return push;
      const form = push.getChild("pubsub")?.getChild("publish-options")?.getChild("x");
      const value = form?.getChildren("field").find((f) => f.attrs.var === "FORM_TYPE")?.getChild("value");
      if (value) value.children = ["http://jabber.org/protocol/pubsub#publish-optionz"];
      return push;
    },
  };
});

const scenarios = loadAll(["scenarios"]).flatMap((l) => (l.ok ? [l.scenario] : []));

async function failuresOfSuite(): Promise<string[]> {
  const failed: string[] = [];
  for (const s of scenarios) {
    const r = await runScenario(s, createEngineTarget());
    if (r.verdict !== "passed") failed.push(s.key);
  }
  return failed;
}

const table = NS as unknown as Record<string, string>;
const saved = { ...table };
const features = PushEngine.prototype.accountFeatures;
afterEach(() => {
  Object.assign(table, saved);
  corrupt.publishOptionsFormType = false;
  PushEngine.prototype.accountFeatures = features;
});

describe("a wrong namespace in the engine makes the suite fail", () => {
  it("the unbroken engine passes every scenario", async () => {
    expect(await failuresOfSuite()).toEqual([]);
  });

  const cases: [string, string, string][] = [
    ["pubsub", "http://jabber.org/protocol/pubsubb", "content/R-FROM"],
    ["data", "jabber:x:dataa", "content/R-SUMMARY-form-shape"],
    ["push", "urn:xmpp:push:1", "registration/R-DISCO"],
    ["summary", "urn:xmpp:push:summaryy", "content/R-NOTIFICATION"],
  ];
  for (const [key, wrong, example] of cases) {
    it(`NS.${key} = ${wrong}`, async () => {
      table[key] = wrong;
      const failed = await failuresOfSuite();
      expect(failed.length, `no scenario failed with NS.${key} wrong`).toBeGreaterThan(0);
      expect(failed).toContain(example);
    });
  }

  it("the account's disco feature alone wrong (urn:xmpp:push:1 listed; enable still understood)", async () => {
    PushEngine.prototype.accountFeatures = () => ["urn:xmpp:push:1"];
    const failed = await failuresOfSuite();
    expect(failed).toContain("registration/R-DISCO");
    expect(failed).not.toContain("registration/R-ENABLE"); // only disco saw it: the enable namespace is intact
  });

  it("publish-options with a wrong FORM_TYPE", async () => {
    corrupt.publishOptionsFormType = true;
    const failed = await failuresOfSuite();
    expect(failed).toContain("content/R-PUBOPTS-verbatim");
  });
});

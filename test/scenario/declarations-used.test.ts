// A declaration for a scenario its own target never runs (skipped for a capability it lacks) can
// never be checked, so it can never go stale: the bundled expectation files hold none.
import { describe, expect, it } from "vitest";
import { expectationsFor, loadAll } from "../../simulator/runner.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import type { Target } from "../../simulator/target.ts";
import { createEjabberdTarget } from "../../simulator/targets/ejabberd/index.ts";
import { createProsodyTarget } from "../../simulator/targets/prosody/index.ts";

const loaded = loadAll(["scenarios"]);
const byKey = new Map(loaded.flatMap((l) => (l.ok ? [[l.scenario.key, l.scenario] as const] : [])));

describe("every bundled declaration applies to a scenario its target runs", () => {
  for (const target of [createProsodyTarget(), createEjabberdTarget()] as Target[]) {
    it(target.name, () => {
      const set = expectationsFor(target, loaded)!;
      const unused = [...set.scenarios.keys()].flatMap((key) => {
        const why = unmetNeed(byKey.get(key)!, target.capabilities(), target.name);
        return why ? [`${key}: ${why}`] : [];
      });
      expect(unused).toEqual([]);
    });
  }
});

// What a server target must give a scenario, as its expectation file and capabilities say: the
// rule the conformance suites (test/prosody, test/ejabberd) hold each target to, and the one the
// generic xmpp target is compared with on the same server (test/xmpp).
import type { ExpectationSet } from "../../simulator/expectations/model.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { unmetNeed } from "../../simulator/scenario/needs.ts";
import type { TargetCapabilities } from "../../simulator/target.ts";

export type DeclaredVerdict = "passed" | "deviation" | "skipped";

/** Skipped (declared so, or a need the capabilities lack); a declared difference; else passed. */
export function declaredVerdict(s: Scenario, set: ExpectationSet, caps: TargetCapabilities, target: string): DeclaredVerdict {
  const entry = set.scenarios.get(s.key);
  if (entry?.skip || unmetNeed(s, caps, target)) return "skipped";
  if (entry?.whole || [...(entry?.steps.values() ?? [])].some((d) => d.kind === "deviation")) return "deviation";
  return "passed";
}

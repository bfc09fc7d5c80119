// A failing (shrunk) run → a ready-to-save scenario in our YAML format. The executed steps are
// copied as they ran; a final expect-pushes states what a correct server would have sent, so the
// scenario fails while the bug is there and passes once it is fixed.
import { Document, isMap, isSeq, type Scalar } from "yaml";
import { classify } from "../../engine/classify.ts";
import { resolvePushOptions } from "../../engine/options.ts";
import { ruleMap } from "../../simulator/rules-catalog.ts";
import type { RunOutcome } from "./run.ts";
import { appsOf, personasOf } from "./schedule.ts";

/** The closing check for the violation, or null when no push expectation can express it. */
function expectation(run: RunOutcome): Record<string, unknown> | null {
  const v = run.violation;
  const p = v?.push;
  if (!v || !p) return null;
  if (v.invariant === "privacy") {
    const o = resolvePushOptions(Object.fromEntries(Object.entries(run.world.options).filter(([k]) => k.startsWith("push_"))));
    // Not compose.ts's summarize: the bug may be there. Off → placeholder for important stanzas.
    const placeholder = o.push_notification_important_body;
    const match: Record<string, string> = { body: placeholder !== "" && p.stanza && classify(p.stanza).important ? placeholder : "absent" };
    if (!o.push_notification_with_sender) match.sender = "absent";
    const pushes = [...Array.from({ length: p.index }, () => ({})), match];
    return { "expect-pushes": { app: p.app, "at-least": p.index + 1, within: "0ms", pushes } };
  }
  // One push too many (twice, to a live device, or to a removed registration).
  return { "expect-pushes": { app: p.app, count: (run.pushCounts[p.app] ?? 1) - 1, within: "0ms" } };
}

/** A scenario names rules of one level: keep those of the first rule's level. */
function oneLevel(rules: string[]): string[] {
  const catalog = ruleMap();
  const level = catalog.get(rules[0]!)?.level;
  return [...new Set(rules.filter((r) => catalog.get(r)?.level === level))];
}

export function toYaml(run: RunOutcome, seed?: { seed: number; path?: string }): string {
  const v = run.violation;
  const personas = Object.fromEntries(personasOf(run.world).map((p) => [p.name, { account: p.account, resource: p.resource }]));
  const steps: Record<string, unknown>[] = run.steps.map((s) => ({ [s.action]: s.yaml }));
  const check = expectation(run);
  if (check) steps.push({ ...check, note: `property invariant ${v!.invariant}: ${v!.message}` });
  else if (v && steps.length > 0) steps[steps.length - 1]!.note = `property invariant ${v.invariant} broken after this step: ${v.message}`;
  const doc = new Document({
    name: `property ${v?.invariant ?? "schedule"}: ${run.steps.length} step(s)`,
    rules: oneLevel(v?.rules ?? ["R-DEDUP"]),
    description: v ? `Found by the property test (test/property). ${v.message}` : "A schedule from the property test.",
    options: run.world.options,
    ...(run.world.archive ? {} : { archive: false }),
    personas,
    apps: appsOf(run.world),
    steps,
  });
  // One line per step, as our hand-written scenarios look.
  const stepSeq = doc.get("steps", true);
  if (isSeq(stepSeq))
    for (const item of stepSeq.items)
      if (isMap(item)) for (const pair of item.items) if (isMap(pair.value) || isSeq(pair.value)) (pair.value as { flow?: boolean }).flow = true;
  const personaMap = doc.get("personas", true);
  if (isMap(personaMap)) for (const pair of personaMap.items) (pair.value as { flow?: boolean }).flow = true;
  for (const key of ["rules", "apps", "options"]) {
    const n = doc.get(key, true) as Scalar | { flow?: boolean } | undefined;
    if (n && typeof n === "object") (n as { flow?: boolean }).flow = true;
  }
  const where = seed ? ` (seed ${seed.seed}${seed.path ? `, path ${seed.path}` : ""})` : "";
  doc.commentBefore = ` Shrunk counterexample from the property test${where}.\n ${v ? `${v.invariant}: ${v.message}` : "no violation"}\n Save under scenarios/ to keep it as a regression scenario.`;
  return doc.toString({ lineWidth: 0 });
}

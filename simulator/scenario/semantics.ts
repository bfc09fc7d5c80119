// Checks the schema cannot express: rule ids that exist in the catalog (of one level), exactly one
// action per step, persona/app names that exist, durations, option values.
import { effectiveOptions, ScenarioOptionError } from "../options.ts";
import type { RuleInfo, SourceLocation } from "../results.ts";
import { parseDuration, parseOffset } from "./duration.ts";
import type { LoadError, Scenario } from "./model.ts";
import { rawXmlProblem } from "./raw-xml.ts";

/** Which argument names a persona: `from` only for send (app: { from: spoofed } is not one). */
const personaKeys = (action: string): string[] => (action === "send" ? ["from"] : ["persona"]);

export function checkSemantics(s: Scenario, nodeAt: (p: (string | number)[]) => SourceLocation, catalog: Map<string, RuleInfo>): LoadError[] {
  const errors: LoadError[] = [];
  const personas = new Set(s.personas.map((p) => p.name));
  const accounts = new Set(s.personas.map((p) => p.account));
  const apps = new Set(s.apps);
  const err = (path: (string | number)[], message: string) => errors.push({ message, loc: nodeAt(path) });

  s.rules.forEach((id, i) => {
    if (!catalog.has(id)) err(["rules", i], `unknown rule id '${id}'; see scenarios/rules.yaml (e.g. ${nearest(id, [...catalog.keys()])})`);
  });
  const levels = new Map(s.rules.filter((id) => catalog.has(id)).map((id) => [id, catalog.get(id)!.level]));
  if (new Set(levels.values()).size > 1)
    err(["rules"], `a scenario names rules of one level, so its verdict counts under one level; here: ${[...levels].map(([id, l]) => `${id} (${l})`).join(", ")}`);

  try {
    effectiveOptions(s.options);
  } catch (e) {
    if (e instanceof ScenarioOptionError) err(["options", e.option], e.message);
    else throw e;
  }
  if (new Set(s.apps).size !== s.apps.length) err(["apps"], "app server names must be unique");

  for (const step of s.steps) {
    const base = ["steps", step.index];
    const args = step.args;
    if (!step.action) {
      err(base, "a step needs an action (connect, enable, send, expect-pushes, …)");
      continue;
    }
    const path = step.action === "wait" || step.action === "restart" ? base : [...base, step.action];
    for (const k of personaKeys(step.action)) {
      const v = args[k];
      if (typeof v === "string" && !personas.has(v)) err([...path, k], `unknown persona '${v}'; declared: ${[...personas].join(", ")}`);
    }
    if (step.action === "send" && typeof args.to === "string" && !args.to.includes("@") && !args.to.includes("${") && !personas.has(args.to) && !accounts.has(args.to) && !s.apps.includes(args.to))
      err([...path, "to"], `unknown persona or account '${args.to}' (use a persona name, an account, a JID or \${persona.full})`);
    const app = step.action === "app" ? args.name : args.app;
    if (typeof app === "string" && !apps.has(app)) err([...path, step.action === "app" ? "name" : "app"], `unknown app server '${app}'; declared: ${[...apps].join(", ")}`);
    for (const k of ["within", "every", "duration"]) {
      if (k in args && parseDuration(args[k]) === null) err([...path, k], `${k}: not a duration (use 500ms, 5s, 2m, 72h)`);
    }
    if ("not-before" in args && parseOffset(args["not-before"]) === null) err([...path, "not-before"], "not-before: not a duration (use 500ms, 5s, or -400ms for a push before the step began)");
    if (step.action === "expect-pushes" && "count" in args && ("at-least" in args || "at-most" in args))
      err(path, "expect-pushes: give either count, or at-least and/or at-most");
    if (step.action === "expect-pushes" && Array.isArray(args.nodes) && typeof args.count === "number" && args.nodes.length !== args.count)
      err([...path, "nodes"], `expect-pushes: ${args.nodes.length} nodes listed but count is ${args.count}`);
    if (step.action === "app" && Array.isArray(args.pushes) && (args.pushes[0] as number) > (args.pushes[1] as number))
      err([...path, "pushes"], "pushes: [first, last] with first ≤ last");
    // Raw XML is parsed here too, with run's parser and limits: validate must not pass what run breaks on.
    const rawXml = step.action === "stanza" ? args.xml : step.action === "send" ? args.payload : undefined;
    const xmlProblem = typeof rawXml === "string" ? rawXmlProblem(rawXml, step.action === "stanza" ? "element" : "fragment") : undefined;
    if (xmlProblem) err([...path, step.action === "stanza" ? "xml" : "payload"], `${step.action === "stanza" ? "xml" : "payload"}: not usable XML: ${xmlProblem}`);
  }
  return errors;
}

/** The catalog id closest to a misspelt one (shared prefix, then length). */
function nearest(id: string, known: string[]): string {
  const score = (k: string) => {
    let i = 0;
    while (i < k.length && i < id.length && k[i] === id[i]) i++;
    return i * 100 - Math.abs(k.length - id.length);
  };
  return [...known].sort((a, b) => score(b) - score(a))[0] ?? "R-OFFLINE";
}

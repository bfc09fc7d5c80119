// Checks the schema cannot express: exactly one action per step, persona/app names that exist,
// durations, option values, per-target overrides that replace real arguments.
import { effectiveOptions, ScenarioOptionError } from "../options.ts";
import type { SourceLocation } from "../../reports/model.ts";
import { parseDuration } from "./duration.ts";
import { mergeOverride } from "./override.ts";
import type { LoadError, Scenario } from "./model.ts";
import { rawXmlProblem } from "./raw-xml.ts";

/** Which argument names a persona: `from` only for send (app: { from: spoofed } is not one). */
const personaKeys = (action: string): string[] => (action === "send" ? ["from"] : ["persona"]);

/** Argument names each action accepts, read from the JSON Schema. */
export type ActionArgs = Record<string, string[]>;

export function checkSemantics(s: Scenario, nodeAt: (p: (string | number)[]) => SourceLocation, actionArgs: ActionArgs): LoadError[] {
  const errors: LoadError[] = [];
  const personas = new Set(s.personas.map((p) => p.name));
  const accounts = new Set(s.personas.map((p) => p.account));
  const apps = new Set(s.apps);
  const err = (path: (string | number)[], message: string) => errors.push({ message, loc: nodeAt(path) });

  try {
    effectiveOptions(s.options);
  } catch (e) {
    if (e instanceof ScenarioOptionError) err(["options", e.option], e.message);
    else throw e;
  }
  if (new Set(s.apps).size !== s.apps.length) err(["apps"], "app server names must be unique");

  for (const step of s.steps) {
    const base = ["steps", step.index];
    const raw = step.args;
    if (!step.action) {
      err(base, "a step needs an action (connect, enable, send, expect-pushes, …)");
      continue;
    }
    const check = (args: Record<string, unknown>, path: (string | number)[]) => {
      for (const k of personaKeys(step.action)) {
        const v = args[k];
        if (typeof v === "string" && !personas.has(v))
          err([...path, k], `unknown persona '${v}'; declared: ${[...personas].join(", ")}`);
      }
      if (step.action === "send" && typeof args.to === "string" && !args.to.includes("@") && !args.to.includes("${") && !personas.has(args.to) && !accounts.has(args.to) && !s.apps.includes(args.to))
        err([...path, "to"], `unknown persona or account '${args.to}' (use a persona name, an account, a JID or \${persona.full})`);
      const app = step.action === "app" ? args.name : args.app;
      if (typeof app === "string" && !apps.has(app)) err([...path, step.action === "app" ? "name" : "app"], `unknown app server '${app}'; declared: ${[...apps].join(", ")}`);
      for (const k of ["within", "every", "not-before", "duration"]) {
        if (k in args && parseDuration(args[k]) === null) err([...path, k], `${k}: not a duration (use 500ms, 5s, 2m, 72h)`);
      }
      if (step.action === "expect-pushes" && "count" in args && ("at-least" in args || "at-most" in args))
        err(path, "expect-pushes: give either count, or at-least and/or at-most");
      if (step.action === "app" && Array.isArray(args.pushes) && (args.pushes[0] as number) > (args.pushes[1] as number))
        err([...path, "pushes"], "pushes: [first, last] with first ≤ last");
      // Raw XML is parsed here too, with run's parser and limits: validate must not pass what run breaks on.
      const raw = step.action === "stanza" ? args.xml : step.action === "send" ? args.payload : undefined;
      const xmlProblem = typeof raw === "string" ? rawXmlProblem(raw, step.action === "stanza" ? "element" : "fragment") : undefined;
      if (xmlProblem) err([...path, step.action === "stanza" ? "xml" : "payload"], `${step.action === "stanza" ? "xml" : "payload"}: not usable XML: ${xmlProblem}`);
    };
    const argPath = step.action === "wait" || step.action === "restart" ? base : [...base, step.action];
    check(raw, argPath);
    for (const [target, o] of Object.entries(step.on)) {
      if (!o.deviation && !o.skip) err([...base, "on", target], `on.${target}: give a deviation reason (why this target differs) or skip`);
      const allowed = actionArgs[step.action] ?? [];
      for (const k of Object.keys(o.args)) {
        if (!allowed.includes(k))
          err([...base, "on", target, k], `on.${target}.${k}: not an argument of ${step.action}; expected one of: ${allowed.join(", ")}`);
      }
      check(mergeOverride(step.action, raw, o.args), [...base, "on", target]);
    }
  }
  return errors;
}

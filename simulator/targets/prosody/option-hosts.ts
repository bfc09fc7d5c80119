// Scenario options → one Prosody VirtualHost per distinct option set, so scenarios with
// different module options can run side by side on one server process.
import { createHash } from "node:crypto";
import { effectiveOptions } from "../../options.ts";
import type { ScenarioOptions, WorldSpec } from "../../target.ts";
import { PROSODY_OPTIONS } from "./capabilities.ts";

export interface HostSpec {
  name: string; // the VirtualHost, e.g. o1a2b3c4d.localhost
  key: string; // canonical form of what distinguishes it
  archive: boolean;
  options: Record<string, boolean | number | string>; // module options as Prosody names them
}

/** The vocabulary's options Prosody can set, each under its own (identical) name. */
const MODULE_OPTIONS = (Object.keys(PROSODY_OPTIONS) as (keyof ScenarioOptions)[]).filter((k) => PROSODY_OPTIONS[k].ok);

/** Every settable option at the scenario's value or the vocabulary's default, as on any target. */
export function hostFor(world: Pick<WorldSpec, "options" | "archive">): HostSpec {
  const all = effectiveOptions(world.options);
  const options: Record<string, boolean | number | string> = {};
  for (const k of MODULE_OPTIONS) options[k] = all[k];
  const sorted = Object.keys(options).sort().map((k) => [k, options[k]]);
  const key = JSON.stringify({ archive: world.archive, options: sorted });
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 8);
  return { name: `o${hash}.localhost`, key, archive: world.archive, options };
}

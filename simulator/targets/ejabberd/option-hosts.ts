// Scenario options → one ejabberd virtual host per distinct option set (its own `host_config`
// modules), so scenarios with different module options run side by side on one server.
// Every target configures the vocabulary's defaults (effectiveOptions), not its own.
import { createHash } from "node:crypto";
import { effectiveOptions } from "../../options.ts";
import type { ScenarioOptions, WorldSpec } from "../../target.ts";

/** Module options as ejabberd names them, per module. */
export type ModuleOptions = Record<string, Record<string, boolean | number | string>>;

export interface HostSpec {
  name: string; // the vhost, e.g. e1a2b3c4d.localhost
  key: string; // canonical form of what distinguishes it
  archive: boolean; // mod_mam on this host
  modules: ModuleOptions; // only the options that vary per option set
}

/** Why an option set cannot be expressed in ejabberd's settings (the scenario is skipped). */
export class InexpressibleOptions extends Error {}

/** ejabberd takes timeouts in whole seconds here; a fraction would be silently rounded. */
function wholeSeconds(name: string, v: number): number {
  if (!Number.isInteger(v)) throw new InexpressibleOptions(`${name} = ${v}: ejabberd takes whole seconds for this timeout`);
  return v;
}

/**
 * mod_push has one body setting for both of our options: `include_body: true` sends the body,
 * a text sends that text instead of the body (our placeholder), false sends no body field.
 */
function includeBody(o: Required<ScenarioOptions>): boolean | string {
  if (o.push_notification_with_body) {
    if (o.push_notification_important_body !== "New Message!") {
      throw new InexpressibleOptions("push_notification_important_body together with push_notification_with_body: mod_push's include_body is either the body or a fixed text");
    }
    return true;
  }
  return o.push_notification_important_body === "" ? false : o.push_notification_important_body;
}

export function moduleOptionsFor(options: ScenarioOptions): ModuleOptions {
  const o = effectiveOptions(options);
  return {
    mod_push: { include_body: includeBody(o), include_sender: o.push_notification_with_sender },
    mod_push_keepalive: { resume_timeout: wholeSeconds("push_max_hibernation_timeout", o.push_max_hibernation_timeout) },
    mod_stream_mgmt: {
      resume_timeout: wholeSeconds("smacks_hibernation_time", o.smacks_hibernation_time),
      ack_timeout: wholeSeconds("smacks_max_ack_delay", o.smacks_max_ack_delay),
    },
  };
}

export function hostFor(world: Pick<WorldSpec, "options" | "archive">): HostSpec {
  const modules = moduleOptionsFor(world.options);
  const key = JSON.stringify({ archive: world.archive, modules });
  const hash = createHash("sha1").update(key).digest("hex").slice(0, 8);
  return { name: `e${hash}.localhost`, key, archive: world.archive, modules };
}

/** The vhost for a world, or why none can express its option set (each option alone can). */
export function vhostOf(world: Pick<WorldSpec, "options" | "archive">): { host: HostSpec } | { why: string } {
  try {
    return { host: hostFor(world) };
  } catch (e) {
    if (e instanceof InexpressibleOptions) return { why: e.message };
    throw e;
  }
}

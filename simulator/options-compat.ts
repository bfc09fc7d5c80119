// Can a target run a world as written? The option side (optionsCompatible) and the server
// side (worldCompatible: archive off, restart, storage failure, veto hooks). Each answers with
// the reason the scenario is skipped, or undefined when it can run. Used by targets whose
// options are fixed by the server (the xmpp target) and meant for the runner's capability skips.
import { OPTION_NAMES, OPTIONS } from "./options.ts";
import type { ControlName, OptionName, TargetCapabilities, WorldSpec } from "./target.ts";

/**
 * mod_smacks' timers are the exception to "left out means the default": the real-server
 * targets shorten them for every scenario (the Prosody target runs with 6 s and 3 s, the engine
 * with 600 s and 30 s), so a scenario whose verdict depends on a timer sets it, and one that
 * leaves it out holds for any value at least this long.
 */
export const SHORTEST_UNSET_TIMER: Partial<Record<OptionName, number>> = {
  smacks_hibernation_time: 6,
  smacks_max_ack_delay: 3,
};

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * Whether the target can give the world its options. An option the target sets itself always
 * fits. For a fixed one (`ok: false`), `value` is the server's declared value, if any:
 * - set by the scenario: it must equal the declared value; undeclared, only the vocabulary's
 *   default is assumed (never for a timer);
 * - left out: a declared value must be the default (timers: at least SHORTEST_UNSET_TIMER);
 *   an undeclared one is assumed to be the default.
 * Returns the skip reason, or undefined.
 */
export function optionsCompatible(world: Pick<WorldSpec, "options">, caps: Pick<TargetCapabilities, "options">): string | undefined {
  const misfits: string[] = [];
  const why = new Set<string>();
  for (const name of OPTION_NAMES) {
    const support = caps.options[name];
    if (support.ok) continue;
    const wanted = world.options[name];
    const declared = support.value;
    const def = OPTIONS[name].default;
    const floor = SHORTEST_UNSET_TIMER[name];
    let misfit: string | undefined;
    if (wanted !== undefined) {
      if (declared === undefined) {
        if (floor !== undefined || wanted !== def) misfit = `${name}=${show(wanted)} (server's value undeclared)`;
      } else if (declared !== wanted) {
        misfit = `${name}=${show(wanted)} (server: ${show(declared)})`;
      }
    } else if (declared !== undefined) {
      if (floor !== undefined) {
        if (typeof declared !== "number" || declared < floor) misfit = `${name} ≥ ${floor} s, as it leaves it out (server: ${show(declared)})`;
      } else if (declared !== def) {
        misfit = `the default ${name}=${show(def)}, as it leaves it out (server: ${show(declared)})`;
      }
    }
    if (misfit) {
      misfits.push(misfit);
      why.add(support.reason);
    }
  }
  return misfits.length > 0 ? `scenario needs ${misfits.join(", ")}; ${[...why].join("; ")}` : undefined;
}

function control(caps: TargetCapabilities, name: ControlName, what: string): string | undefined {
  const c = caps.controls[name];
  return c.ok ? undefined : `scenario needs to ${what}: ${c.reason}`;
}

/** Everything about a world a target may be unable to provide; the first reason found, or undefined. */
export function worldCompatible(world: WorldSpec, caps: TargetCapabilities): string | undefined {
  const reasons: (string | undefined)[] = [];
  if (!world.archive && !caps.features["archive-off"].ok) reasons.push(`scenario needs the message archive off: ${caps.features["archive-off"].reason}`);
  if (world.needs?.includes("restart")) reasons.push(control(caps, "restart", "restart the server"));
  if (world.needs?.includes("store-failure")) reasons.push(control(caps, "store-failure", "make the server's storage fail"));
  const hooks = (world.hooks?.vetoRegistration?.length ?? 0) + (world.hooks?.vetoPush?.length ?? 0);
  if (hooks > 0) reasons.push(control(caps, "veto-hooks", "install server-side veto hooks"));
  reasons.push(optionsCompatible(world, caps));
  return reasons.find((r) => r !== undefined);
}

// Targets by name: the runner picks one with --target. Adding a target is its own folder under
// targets/ plus one line here.
import type { Target } from "../target.ts";

/** args: the target's own command-line flags (the xmpp target's, see targets/xmpp/flags.ts). */
type Factory = (args: string[]) => Promise<Target>;

export const TARGETS: Record<string, Factory> = {
  engine: async () => (await import("./engine/index.ts")).createEngineTarget(),
  prosody: async () => (await import("./prosody/index.ts")).createProsodyTarget(),
  ejabberd: async () => (await import("./ejabberd/index.ts")).createEjabberdTarget(),
  xmpp: async (args) => (await import("./xmpp/index.ts")).createXmppTarget((await import("./xmpp/flags.ts")).xmppSettingsFromArgs(args)),
};

export const TARGET_NAMES = Object.keys(TARGETS);

export async function createTarget(name: string, args: string[] = []): Promise<Target> {
  const f = TARGETS[name];
  if (!f) throw new Error(`unknown target '${name}'; known: ${TARGET_NAMES.join(", ")}`);
  return f(args);
}

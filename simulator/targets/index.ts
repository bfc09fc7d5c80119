// Targets by name: the runner picks one with --target.
import type { Target } from "../target.ts";
import { createEngineTarget } from "./engine/index.ts";

/** args: the target's own command-line flags (the xmpp target's, see targets/xmpp/flags.ts). */
type Factory = (args: string[]) => Promise<Target>;

export const TARGETS: Record<string, Factory> = {
  engine: async () => createEngineTarget(),
  prosody: async () => (await import("./prosody/index.ts")).createProsodyTarget(),
  xmpp: async (args) => (await import("./xmpp/index.ts")).createXmppTarget((await import("./xmpp/flags.ts")).xmppSettingsFromArgs(args)),
};

export async function createTarget(name: string, args: string[] = []): Promise<Target> {
  const f = TARGETS[name];
  if (!f) throw new Error(`unknown target '${name}'; known: ${Object.keys(TARGETS).join(", ")}`);
  return f(args);
}

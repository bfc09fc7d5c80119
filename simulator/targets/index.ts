// Targets by name: the runner picks one with --target.
import type { Target } from "../target.ts";
import { createEngineTarget } from "./engine/index.ts";

type Factory = () => Promise<Target>;

export const TARGETS: Record<string, Factory> = {
  engine: async () => createEngineTarget(),
  prosody: async () => (await import("./prosody/index.ts")).createProsodyTarget(),
  ejabberd: async () => (await import("./ejabberd/index.ts")).createEjabberdTarget(),
};

export async function createTarget(name: string): Promise<Target> {
  const f = TARGETS[name];
  if (!f) throw new Error(`unknown target '${name}'; known: ${Object.keys(TARGETS).join(", ")}`);
  return f();
}

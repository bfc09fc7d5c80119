// The property test's world: the engine target's own in-process session, with a push observer
// (every push with its stanza key, seen at emit time) and no timeline (50,000 schedules).
import type { PushInfo } from "../../engine/engine.ts";
import { ENGINE_DOMAIN, EngineSession } from "../../simulator/targets/engine/index.ts";
import type { WorldSpec } from "../../simulator/target.ts";

export const DOMAIN = ENGINE_DOMAIN; // same as the engine target, so JIDs in the YAML match

export class PropertyWorld extends EngineSession {
  constructor(world: WorldSpec, onPush: (info: PushInfo) => void) {
    super(world, { onPush, trace: false });
  }
}

// Wire-layer logging through the harness's pino logger (simulator/log.ts: quiet by default,
// PUSHLAB_LOG or --verbose for more). Looked up per call: the CLI may swap the logger later.
import { log } from "../log.ts";

type Fields = Record<string, unknown>;

export interface WireLogger {
  debug(fields: Fields, msg: string): void;
  info(fields: Fields, msg: string): void;
  warn(fields: Fields, msg: string): void;
}

export function wireLog(component: string): WireLogger {
  const child = () => log().child({ component });
  return {
    debug: (f, m) => child().debug(f, m),
    info: (f, m) => child().info(f, m),
    warn: (f, m) => child().warn(f, m),
  };
}

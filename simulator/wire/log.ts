// One pino logger for the wire layer: quiet unless PUSHLAB_LOG names a level.
import { pino, type Logger } from "pino";

const root: Logger = pino({ name: "pushlab-wire", level: process.env.PUSHLAB_LOG || "silent" });

export function wireLog(component: string): Logger {
  return root.child({ component });
}

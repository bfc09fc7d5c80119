// One pino logger for the harness: quiet by default (errors only), debug with --verbose or PUSHLAB_LOG.
import { pino, type Logger } from "pino";

let logger: Logger = pino({ level: process.env.PUSHLAB_LOG ?? "error" }, pino.destination(2));

export function setLogLevel(level: string): void {
  logger.level = level;
}

export function log(): Logger {
  return logger;
}

export function useLogger(l: Logger): void {
  logger = l;
}

// xmpp.js 0.14 throws from its socket 'data' handler when bytes arrive after the server closed
// its stream (the XML parser is already detached): an uncaught TypeError that ends the whole
// process. ejabberd sends such bytes on a clean close. We drop them (and log what they were).
import { wireLog } from "./log.ts";

const log = wireLog("late-data");

/** Call right after creating an xmpp.js client or component, before it connects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ignoreDataAfterStreamEnd(xmpp: any, who: string): void {
  const onData = xmpp._onData;
  if (typeof onData !== "function") return;
  // Bound once at the first connect (Connection._attachSocket), so replacing it here is enough.
  xmpp._onData = function (this: { parser: unknown }, data: Buffer | string) {
    if (this.parser) return onData.call(this, data);
    log.debug({ who, data: String(data).slice(0, 200) }, "bytes after the stream ended, dropped");
  };
}

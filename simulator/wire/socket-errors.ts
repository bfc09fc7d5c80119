// Socket errors the harness can act on: every socket gets a listener of ours for its whole life
// (an 'error' with no listener kills Node), and every failure names the address and the code.
import type { Socket } from "node:net";
import { wireLog } from "./log.ts";

const log = wireLog("socket");

const CODES: Record<string, string> = {
  ECONNREFUSED: "refused the connection",
  ECONNRESET: "reset the connection",
  EADDRINUSE: "address already in use",
  ETIMEDOUT: "timed out",
  EPIPE: "closed the connection while we were writing",
  EHOSTUNREACH: "is unreachable",
  ENETUNREACH: "is unreachable",
};

/** "127.0.0.1:5222: refused the connection (ECONNREFUSED)", never an empty reason. */
export function describeSocketError(err: unknown, address: string): string {
  // Node 20 may wrap the per-address attempts of one connect() in an AggregateError with an empty message.
  const first = err instanceof AggregateError && err.errors.length > 0 ? err.errors[0] : err;
  const e = first as Partial<NodeJS.ErrnoException> | undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code) return `${address}: ${CODES[code] ?? "socket error"} (${code})`;
  const message = typeof e?.message === "string" ? e.message.trim() : "";
  if (message) return `${address}: ${message}`;
  // @xmpp/connection rejects a stream step that gets no answer with an empty TimeoutError.
  if (e?.name === "TimeoutError") return `${address}: no answer in time (the server is slow, frozen or not an XMPP server)`;
  return `${address}: connection closed by the other side without a reason (is another program listening on this port?)`;
}

const guarded = new WeakSet<object>();

/**
 * Keeps an 'error' listener on the socket for as long as it exists. @xmpp/connection removes its
 * own listeners when a close times out (a frozen server), while the socket stays open; a later
 * ECONNRESET on it would then be an unhandled 'error' that ends the whole harness.
 */
export function guardSocket(socket: Socket | undefined | null, what: string, onError?: (message: string) => void): void {
  if (!socket || guarded.has(socket)) return;
  guarded.add(socket);
  socket.on("error", (err: Error) => {
    const address = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : what;
    const message = describeSocketError(err, address);
    log.debug({ what, err: message }, "socket error");
    onError?.(message);
  });
}

/**
 * Wraps an @xmpp connection so that every socket it creates (first connect, reconnects) gets
 * our permanent error listener before it connects.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function guardXmppSockets(xmpp: any, what: string, onError?: (message: string) => void): void {
  const attach = xmpp._attachSocket?.bind(xmpp);
  if (typeof attach !== "function") throw new Error("@xmpp connection without _attachSocket: cannot guard its sockets");
  xmpp._attachSocket = (socket: Socket) => {
    guardSocket(socket, what, onError);
    return attach(socket);
  };
}

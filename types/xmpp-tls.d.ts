// Typing for the one xmpp.js internal we reuse: its TLS socket wrapper (used for STARTTLS with
// our own TLS options, see simulator/wire/client-tls.ts).
declare module "@xmpp/tls/lib/Socket.js" {
  import { EventEmitter } from "node:events";
  import type { ConnectionOptions, TLSSocket } from "node:tls";
  export default class XmppTlsSocket extends EventEmitter {
    socket: TLSSocket | null;
    secure: true;
    connect(options: ConnectionOptions): void;
    end(): void;
    write(data: string, fn?: (err?: Error) => void): void;
  }
}

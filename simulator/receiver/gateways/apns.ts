// APNs imitation on node:http2 (msw does not serve HTTP/2). Cleartext HTTP/2 with prior knowledge
// (h2c) on 127.0.0.1: a receiver is pointed at http://127.0.0.1:PORT instead of
// https://api.push.apple.com. POST /3/device/{token} with apns-push-type, apns-priority, apns-topic;
// answers like APNs: 200 + apns-id, or {"reason": …} with 400/403/410/413/503.
import { createServer, type Http2Server, type Http2Session, type ServerHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import { randomUUID } from "node:crypto";
import { apsTexts, stringsOf, type GatewayRecorder } from "./recorder.ts";

export const APNS_MAX_PAYLOAD_BYTES = 4096;
const PUSH_TYPES = ["alert", "background", "voip", "location", "complication", "fileprovider", "mdm", "liveactivity", "pushtotalk"];
const MAX_BODY = 64 * 1024; // read at most this much of a request, then refuse

export class ApnsGateway {
  private readonly streams = new Set<ServerHttp2Stream>();
  private readonly sessions = new Set<Http2Session>();

  private constructor(
    private readonly server: Http2Server,
    readonly port: number,
  ) {}

  static start(rec: GatewayRecorder, port = 0): Promise<ApnsGateway> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.removeListener("error", reject);
        const addr = server.address();
        const gw = new ApnsGateway(server, typeof addr === "object" && addr ? addr.port : port);
        server.on("stream", (stream, headers) => gw.onStream(rec, stream, headers));
        server.on("session", (session) => {
          gw.sessions.add(session);
          session.on("close", () => gw.sessions.delete(session));
          session.on("error", () => {});
        });
        resolve(gw);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private onStream(rec: GatewayRecorder, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    this.streams.add(stream);
    stream.on("close", () => this.streams.delete(stream));
    stream.on("error", () => {});
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    stream.on("end", () => this.answer(rec, stream, headers, Buffer.concat(chunks), size));
  }

  private answer(rec: GatewayRecorder, stream: ServerHttp2Stream, h: IncomingHttpHeaders, body: Buffer, size: number): void {
    const reply = (status: number, reason?: string, extra: Record<string, string | number> = {}) => {
      if (stream.destroyed || stream.closed) return;
      const apnsId = String(h["apns-id"] ?? randomUUID()).toUpperCase();
      stream.respond({ ":status": status, "apns-id": apnsId, ...(reason && { "content-type": "application/json" }) });
      stream.end(reason ? JSON.stringify({ reason, ...extra }) : undefined);
    };
    const path = String(h[":path"] ?? "");
    const m = /^\/3\/device\/([^/?]*)$/.exec(path);
    const token = m?.[1] ?? "";
    const pushType = String(h["apns-push-type"] ?? "");
    const prio = String(h["apns-priority"] ?? "10"); // APNs default is 10
    const priority = prio === "10" ? "high" : prio === "5" ? "normal" : prio === "1" ? "low" : "invalid";
    let payload: unknown;
    try {
      payload = body.length ? JSON.parse(body.toString("utf8")) : undefined;
    } catch {
      payload = undefined;
    }
    const aps = (payload as { aps?: unknown } | undefined)?.aps;
    const visibleText = apsTexts(aps);
    const base = { gateway: "apns" as const, token, priority, pushType: pushType || "(none)", visibleText, strings: stringsOf(payload), payloadBytes: size } as const;
    const line = `APNs ${token.slice(0, 12)}… ${pushType || "no push type"}, priority ${prio}${visibleText.length ? `, alert "${visibleText.join(" / ")}"` : ", no text"}, ${size} B`;
    const refuse = (status: number, reason: string, extra: Record<string, string | number> = {}) => {
      rec.record({ ...base, status, refusal: reason, summary: `${line} → ${status} ${reason}` });
      reply(status, reason, extra);
    };
    if (h[":method"] !== "POST") return refuse(405, "MethodNotAllowed");
    if (!m) return refuse(404, "BadPath");
    if (!/^[0-9a-f]{64}$/i.test(token)) return refuse(400, "BadDeviceToken");
    if (!h["apns-topic"]) return refuse(400, "MissingTopic");
    if (!PUSH_TYPES.includes(pushType)) return refuse(400, "InvalidPushType");
    if (priority === "invalid") return refuse(400, "BadPriority");
    if (pushType === "background" && prio === "10") return refuse(400, "BadPriority"); // background must be 5 (or 1)
    if (size === 0) return refuse(400, "PayloadEmpty");
    if (size > APNS_MAX_PAYLOAD_BYTES) return refuse(413, "PayloadTooLarge");
    if (payload === undefined || typeof aps !== "object") return refuse(400, "BadPayload"); // not a dictionary with aps
    const answer = rec.answerFor("apns", token);
    if (answer === "unregistered") return refuse(410, "Unregistered", { timestamp: Date.now() });
    if (answer === "unavailable") return refuse(503, "ServiceUnavailable");
    rec.record({ ...base, status: 200, summary: `${line} → 200` });
    reply(200);
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.close();
    for (const s of this.sessions) s.destroy(); // clients keep sessions open; close() would wait for them
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// Web Push (RFC 8030) push-service imitation as msw handlers: POST /push/{subscription} with TTL
// (required, §5.2), optional Urgency (§5.3); a payload must be encrypted (RFC 8291, aes128gcm) and
// at most 4096 bytes. 201 + Location on success, 410 Gone for an expired subscription.
import { http, HttpResponse } from "msw";
import type { GatewayRecorder } from "./recorder.ts";

export const WEBPUSH_MAX_PAYLOAD_BYTES = 4096;
const URGENCIES = ["very-low", "low", "normal", "high"];

export function webPushHandlers(rec: GatewayRecorder) {
  return [
    http.post("/push/:token", async ({ request, params }) => {
      const token = String(params.token);
      const ttl = request.headers.get("ttl");
      const urgency = (request.headers.get("urgency") ?? "normal").toLowerCase();
      const encoding = (request.headers.get("content-encoding") ?? "").toLowerCase();
      const payload = Buffer.from(await request.arrayBuffer());
      const priority = !URGENCIES.includes(urgency) ? "invalid" : urgency === "high" ? "high" : urgency === "normal" ? "normal" : "low";
      // An encrypted payload is opaque; plaintext is what would reach the phone as is.
      const plain = payload.length > 0 && encoding !== "aes128gcm" ? payload.toString("utf8") : "";
      const base = {
        gateway: "webpush" as const,
        token,
        priority,
        pushType: "push",
        visibleText: plain ? [plain] : [],
        strings: plain ? [plain] : [],
        payloadBytes: payload.length,
      } as const;
      const line = `Web Push ${token.slice(0, 12)}… Urgency ${urgency}, TTL ${ttl ?? "-"}, ${payload.length} B${encoding ? ` ${encoding}` : ""}`;
      const refuse = (status: number, refusal: string, text: string) => {
        rec.record({ ...base, status, refusal, summary: `${line} → ${status} ${refusal}` });
        return new HttpResponse(text, { status, headers: { "content-type": "text/plain" } });
      };
      if (ttl === null || !/^\d+$/.test(ttl)) return refuse(400, "TTL missing", "TTL header required (RFC 8030 §5.2)");
      if (priority === "invalid") return refuse(400, "bad Urgency", "Urgency must be very-low, low, normal or high (RFC 8030 §5.3)");
      if (plain) return refuse(400, "unencrypted payload", "payload must be encrypted: Content-Encoding aes128gcm (RFC 8291)");
      if (payload.length > WEBPUSH_MAX_PAYLOAD_BYTES) return refuse(413, "PayloadTooLarge", "payload over 4096 bytes");
      const answer = rec.answerFor("webpush", token);
      if (answer === "unregistered") return refuse(410, "Gone", "subscription expired");
      if (answer === "unavailable") return refuse(503, "ServiceUnavailable", "try again later");
      const c = rec.record({ ...base, status: 201, summary: `${line} → 201` });
      return new HttpResponse(null, { status: 201, headers: { location: `/message/${c.seq}` } });
    }),
  ];
}

// FCM HTTP v1 imitation as msw handlers: POST /v1/projects/{id}/messages:send with a bearer token
// and {"message": {...}}; answers as FCM documents it (200 {"name"}, 404 UNREGISTERED, 503
// UNAVAILABLE, 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED). Everything it sees goes to the recorder.
import { http, HttpResponse } from "msw";
import { stringsOf, type GatewayRecorder } from "./recorder.ts";

/** FCM's limit for a message's payload (data + notification), in bytes. */
export const FCM_MAX_PAYLOAD_BYTES = 4096;
const FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

function fcmError(code: number, status: string, message: string, errorCode?: string) {
  return HttpResponse.json(
    { error: { code, message, status, ...(errorCode && { details: [{ "@type": FCM_ERROR_TYPE, errorCode }] }) } },
    { status: code },
  );
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export function fcmHandlers(rec: GatewayRecorder) {
  return [
    http.post(/\/v1\/projects\/([^/]+)\/messages:send$/, async ({ request }) => {
      const base = { gateway: "fcm" as const, token: "", priority: "normal" as const, pushType: "data", visibleText: [], strings: [], payloadBytes: 0 };
      const auth = request.headers.get("authorization") ?? "";
      if (!/^Bearer \S+/.test(auth)) {
        rec.record({ ...base, status: 401, refusal: "UNAUTHENTICATED", summary: "FCM: refused (no bearer token)" });
        return fcmError(401, "UNAUTHENTICATED", "Request is missing required authentication credential.");
      }
      let body: Json | undefined;
      try {
        body = obj(JSON.parse(await request.text()));
      } catch {
        body = undefined;
      }
      const message = obj(body?.message);
      const token = typeof message?.token === "string" ? message.token : "";
      if (!message || !token) {
        rec.record({ ...base, status: 400, refusal: "INVALID_ARGUMENT", summary: "FCM: refused (no message.token)" });
        return fcmError(400, "INVALID_ARGUMENT", "Invalid JSON payload: message.token is required.", "INVALID_ARGUMENT");
      }
      const android = obj(message.android);
      const rawPriority = android?.priority ?? "NORMAL";
      const priority = rawPriority === "HIGH" ? "high" : rawPriority === "NORMAL" ? "normal" : "invalid";
      const notification = obj(message.notification);
      const androidNotification = obj(android?.notification);
      const visibleText = [notification?.title, notification?.body, androidNotification?.title, androidNotification?.body].filter(
        (s): s is string => typeof s === "string" && s !== "",
      );
      const data = obj(message.data);
      const payloadBytes = Buffer.byteLength(JSON.stringify({ data: data ?? {}, notification: notification ?? {} }));
      const strings = stringsOf({ data, notification, android, apns: message.apns, webpush: message.webpush });
      const call = { ...base, token, priority, pushType: notification || androidNotification ? "notification" : "data", visibleText, strings, payloadBytes } as const;
      const line = `FCM ${token.slice(0, 12)}… priority ${String(rawPriority)}${visibleText.length ? `, text "${visibleText.join(" / ")}"` : ", no text"}, ${payloadBytes} B`;

      const badData = data && Object.values(data).some((v) => typeof v !== "string");
      if (priority === "invalid" || badData) {
        rec.record({ ...call, status: 400, refusal: "INVALID_ARGUMENT", summary: `${line} → 400 INVALID_ARGUMENT` });
        return fcmError(400, "INVALID_ARGUMENT", badData ? "data values must be strings" : `Invalid value at 'message.android.priority'`, "INVALID_ARGUMENT");
      }
      if (payloadBytes > FCM_MAX_PAYLOAD_BYTES) {
        rec.record({ ...call, status: 400, refusal: "INVALID_ARGUMENT (too big)", summary: `${line} → 400 message too big` });
        return fcmError(400, "INVALID_ARGUMENT", `Message is too big (${payloadBytes} > ${FCM_MAX_PAYLOAD_BYTES} bytes)`, "INVALID_ARGUMENT");
      }
      const answer = rec.answerFor("fcm", token);
      if (answer === "unregistered") {
        rec.record({ ...call, status: 404, refusal: "UNREGISTERED", summary: `${line} → 404 UNREGISTERED` });
        return fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
      }
      if (answer === "unavailable") {
        rec.record({ ...call, status: 503, refusal: "UNAVAILABLE", summary: `${line} → 503 UNAVAILABLE` });
        return fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
      }
      const c = rec.record({ ...call, status: 200, summary: `${line} → 200` });
      const project = new URL(request.url).pathname.split("/")[3];
      return HttpResponse.json({ name: `projects/${project}/messages/0:${c.seq}` });
    }),
  ];
}

// The reference receiver's clients for the three push services, and how it reads their answers:
// ok, unregistered (the token is gone for good), transient (try later), failed (our own request
// was refused). Every call is bounded. No message text is forwarded: only whether there is one.
import { connect, type ClientHttp2Session } from "node:http2";
import type { GatewayName } from "../gateways/recorder.ts";
import type { Device } from "./registry.ts";

export const FORWARD_TIMEOUT_MS = 5_000;

export interface ForwardTargets {
  fcm: string; // base URL of FCM HTTP v1
  fcmProject: string;
  fcmAccessToken: string; // OAuth2 bearer token (a real deployment refreshes it)
  apns: string; // base URL of APNs (http://… = h2c)
  apnsTopic: string; // the app's bundle id
  apnsAuthToken: string; // provider JWT
  webpush: string; // base of subscription endpoints: {webpush}/push/{token}
}

export interface Notice {
  important: boolean;
  /** Text a user would see, if any (the reference sends a fixed placeholder, never the body). */
  alert?: string;
}

export type ForwardResult = { kind: "ok" | "unregistered" | "transient" | "failed"; detail: string };

function byStatus(gateway: GatewayName, status: number, detail: string): ForwardResult {
  if (status >= 200 && status < 300) return { kind: "ok", detail: `${gateway} ${status}` };
  if (status === 429 || status >= 500) return { kind: "transient", detail: `${gateway} ${status} ${detail}` };
  return { kind: "failed", detail: `${gateway} ${status} ${detail}` };
}

async function fcm(t: ForwardTargets, d: Device, n: Notice): Promise<ForwardResult> {
  const message: Record<string, unknown> = {
    token: d.token,
    data: { "xmpp-push": "1", important: n.important ? "1" : "0" },
    android: { priority: n.important ? "HIGH" : "NORMAL" },
  };
  if (n.alert) message.notification = { title: n.alert };
  const res = await fetch(`${t.fcm}/v1/projects/${encodeURIComponent(t.fcmProject)}/messages:send`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.fcmAccessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ message }),
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
  const text = await res.text();
  // FCM says a token is gone with 404 + errorCode UNREGISTERED (FcmError detail).
  if (res.status === 404 && text.includes("UNREGISTERED")) return { kind: "unregistered", detail: "fcm 404 UNREGISTERED" };
  return byStatus("fcm", res.status, text.slice(0, 120));
}

async function webpush(t: ForwardTargets, d: Device, n: Notice): Promise<ForwardResult> {
  // No payload: the app wakes and fetches from its server (RFC 8030 allows an empty push message).
  const res = await fetch(`${t.webpush}/push/${encodeURIComponent(d.token)}`, {
    method: "POST",
    headers: { ttl: "86400", urgency: n.important ? "high" : "normal" },
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
  await res.arrayBuffer();
  if (res.status === 404 || res.status === 410) return { kind: "unregistered", detail: `webpush ${res.status}` };
  return byStatus("webpush", res.status, res.statusText);
}

/** One HTTP/2 session to APNs, reopened when it dies. */
export class ApnsClient {
  private session?: ClientHttp2Session;

  constructor(private readonly t: ForwardTargets) {}

  private open(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const s = connect(this.t.apns);
    s.on("error", () => s.destroy());
    s.on("goaway", () => s.close());
    this.session = s;
    return s;
  }

  send(d: Device, n: Notice): Promise<ForwardResult> {
    const aps = n.important
      ? { alert: { title: n.alert ?? "New message" }, sound: "default" }
      : { "content-available": 1, ...(n.alert && { alert: { title: n.alert } }) };
    const headers = {
      ":method": "POST",
      ":path": `/3/device/${d.token}`,
      authorization: `bearer ${this.t.apnsAuthToken}`,
      "apns-topic": this.t.apnsTopic,
      "apns-push-type": n.important ? "alert" : "background",
      "apns-priority": n.important ? "10" : "5",
      "content-type": "application/json",
    };
    return new Promise((resolve) => {
      let req;
      try {
        req = this.open().request(headers);
      } catch (e) {
        return resolve({ kind: "transient", detail: `apns: ${(e as Error).message}` });
      }
      let status = 0;
      let body = "";
      req.setEncoding("utf8");
      req.setTimeout(FORWARD_TIMEOUT_MS, () => {
        req.close();
        resolve({ kind: "transient", detail: "apns: no answer in time" });
      });
      req.on("response", (h) => (status = Number(h[":status"])));
      req.on("data", (c: string) => (body += c));
      req.on("error", (e) => resolve({ kind: "transient", detail: `apns: ${e.message}` }));
      req.on("end", () => {
        // APNs: 410 Unregistered, or 400 BadDeviceToken, means the token will never work.
        if (status === 410 || (status === 400 && body.includes("BadDeviceToken"))) return resolve({ kind: "unregistered", detail: `apns ${status} ${body}` });
        resolve(byStatus("apns", status, body));
      });
      req.end(JSON.stringify({ aps }));
    });
  }

  close(): void {
    this.session?.destroy();
  }
}

export class Forwarders {
  private readonly apns: ApnsClient;

  constructor(private readonly t: ForwardTargets) {
    this.apns = new ApnsClient(t);
  }

  async forward(d: Device, n: Notice): Promise<ForwardResult> {
    try {
      if (d.gateway === "fcm") return await fcm(this.t, d, n);
      if (d.gateway === "webpush") return await webpush(this.t, d, n);
      return await this.apns.send(d, n);
    } catch (e) {
      return { kind: "transient", detail: `${d.gateway}: ${(e as Error).message}` };
    }
  }

  close(): void {
    this.apns.close();
  }
}

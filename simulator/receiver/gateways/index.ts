// The three gateway imitations a receiver is pointed at, sharing one recorder: FCM HTTP v1 and Web
// Push from msw handlers served by @mswjs/http-middleware (one HTTP/1.1 server), APNs on node:http2.
import type { Server } from "node:http";
import { createServer } from "@mswjs/http-middleware";
import { ApnsGateway } from "./apns.ts";
import { fcmHandlers } from "./fcm.ts";
import { GatewayRecorder } from "./recorder.ts";
import { webPushHandlers } from "./webpush.ts";

export const FCM_PROJECT = "pushlab";

export interface GatewayUrls {
  /** FCM HTTP v1 base: the receiver posts to {fcm}/v1/projects/{project}/messages:send. */
  fcm: string;
  /** APNs base (h2c): the receiver posts to {apns}/3/device/{token}. */
  apns: string;
  /** Web Push: a subscription's endpoint is {webpush}/push/{token}. */
  webpush: string;
}

export class Gateways {
  private constructor(
    readonly recorder: GatewayRecorder,
    private readonly http: Server,
    private readonly apns: ApnsGateway,
    readonly httpPort: number,
  ) {}

  static async start(opts: { httpPort?: number; apnsPort?: number } = {}): Promise<Gateways> {
    const recorder = new GatewayRecorder();
    // msw's ESM handlers run fine in the middleware's CommonJS msw; only their .d.ts differ.
    const handlers = [...fcmHandlers(recorder), ...webPushHandlers(recorder)] as unknown as Parameters<typeof createServer>;
    const app = createServer(...handlers);
    const http: Server = await new Promise((resolve, reject) => {
      const s: Server = app.listen(opts.httpPort ?? 0, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    http.keepAliveTimeout = 5_000;
    const addr = http.address();
    const httpPort = typeof addr === "object" && addr ? addr.port : 0;
    let apns: ApnsGateway;
    try {
      apns = await ApnsGateway.start(recorder, opts.apnsPort ?? 0);
    } catch (e) {
      http.close();
      throw e;
    }
    return new Gateways(recorder, http, apns, httpPort);
  }

  get urls(): GatewayUrls {
    const base = `http://127.0.0.1:${this.httpPort}`;
    return { fcm: base, apns: this.apns.url, webpush: base };
  }

  describe(): Record<string, string> {
    const u = this.urls;
    return {
      "FCM HTTP v1": `${u.fcm}/v1/projects/${FCM_PROJECT}/messages:send`,
      "APNs (HTTP/2 cleartext, h2c)": `${u.apns}/3/device/{token}`,
      "Web Push (RFC 8030)": `${u.webpush}/push/{subscription}`,
    };
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections?.();
    await Promise.all([new Promise<void>((r) => this.http.close(() => r())), this.apns.stop()]);
  }
}

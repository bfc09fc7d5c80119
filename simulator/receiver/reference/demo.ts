// npm run demo:receiver [-- --via prosody]: starts the reference receiver and validates it with
// every bundled check, printing the verdict table and writing the reports. Embedded by default
// (the receiver connects to pushlab's XEP-0114 listener); --via prosody starts a Prosody of the
// harness's own and goes through it (pushlab and the receiver are both its components).
// Exit 0 only when every check passed.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { exitCodeOf } from "../../runner.ts";
import { prosodyInstalled } from "../../targets/prosody/index.ts";
import { ProsodyServer } from "../../targets/prosody/prosody-server.ts";
import { P2_STYLE } from "../adhoc-client.ts";
import { receiverReporters, RECEIVER_REPORT_DIR } from "../cli.ts";
import { FCM_PROJECT, type GatewayUrls } from "../gateways/index.ts";
import { GATEWAY_NAMES } from "../gateways/recorder.ts";
import { ReceiverSession } from "../session.ts";
import { ReferenceReceiver, type ReceiverBehaviour } from "./receiver.ts";
import type { RateLimit } from "./rate-limit.ts";

export const PUSHLAB_COMPONENT = "pushlab.localhost";

/** The reference receiver pointed at a session's push-service imitations. */
export function referenceReceiver(urls: GatewayUrls, link: { service: string; domain: string; secret: string }, extra: { behaviour?: Partial<ReceiverBehaviour>; rateLimit?: RateLimit } = {}): ReferenceReceiver {
  return new ReferenceReceiver({
    ...link,
    targets: { fcm: urls.fcm, fcmProject: FCM_PROJECT, fcmAccessToken: "pushlab-demo", apns: urls.apns, apnsTopic: "im.pushlab.reference", apnsAuthToken: "pushlab-demo", webpush: urls.webpush },
    ...extra,
  });
}

/** Everything the demo (and the tests) start: a session, the reference receiver, maybe Prosody. */
export interface DemoWorld {
  session: ReceiverSession;
  receiver: ReferenceReceiver;
  prosody?: ProsodyServer;
  close(): Promise<void>;
}

export async function startDemoWorld(via: "embedded" | "prosody", extra: { behaviour?: Partial<ReceiverBehaviour>; rateLimit?: RateLimit } = {}): Promise<DemoWorld> {
  const common = { registration: { kind: "command" as const, command: P2_STYLE }, gatewayNames: GATEWAY_NAMES };
  let prosody: ProsodyServer | undefined;
  let session: ReceiverSession | undefined;
  let receiver: ReferenceReceiver | undefined;
  const close = async () => {
    await receiver?.stop();
    await session?.close();
    await prosody?.stop();
  };
  try {
    if (via === "embedded") {
      const secret = randomBytes(9).toString("hex");
      const jid = "push.pushlab.localhost";
      session = await ReceiverSession.open({ ...common, jid, connect: { kind: "embedded", port: 0, secret } });
      receiver = referenceReceiver(session.gateways.urls, { service: `xmpp://127.0.0.1:${session.listenPort}`, domain: jid, secret }, extra);
    } else {
      const ours = randomBytes(9).toString("hex");
      prosody = await ProsodyServer.start({ extraComponents: [{ domain: PUSHLAB_COMPONENT, secret: ours }] });
      session = await ReceiverSession.open({ ...common, jid: prosody.pushDomain, connect: { kind: "server", host: "127.0.0.1", port: prosody.componentPort, domain: PUSHLAB_COMPONENT, secret: ours } });
      receiver = referenceReceiver(session.gateways.urls, { service: `xmpp://127.0.0.1:${prosody.componentPort}`, domain: prosody.pushDomain, secret: prosody.pushSecret }, extra);
    }
    await receiver.start();
    await session.channel.waitUp(10_000);
    return { session, receiver, ...(prosody && { prosody }), close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { via: { type: "string", default: "embedded" }, "report-dir": { type: "string", default: RECEIVER_REPORT_DIR } } });
  const via = values.via === "prosody" ? "prosody" : values.via === "embedded" ? "embedded" : undefined;
  if (!via) {
    process.stderr.write(`--via: 'embedded' or 'prosody', not '${values.via}'\n`);
    return 2;
  }
  if (via === "prosody") {
    const avail = prosodyInstalled();
    if (!avail.ok) {
      process.stderr.write(`${avail.reason}\n`);
      return 2;
    }
  }
  const world = await startDemoWorld(via);
  const stop = () => void world.close().then(() => process.exit(130));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    process.stdout.write(`pushlab receiver demo: the reference receiver ${world.receiver.jid}, reached ${via === "embedded" ? "through pushlab's own XEP-0114 listener" : `through Prosody (PID ${world.prosody!.pid})`}\n`);
    const { report } = await world.session.run(receiverReporters(values["report-dir"]!));
    return exitCodeOf(report);
  } finally {
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  demo(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`demo: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}

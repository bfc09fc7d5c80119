// Runs the reference receiver on its own, as an app developer would run theirs:
//   npx tsx simulator/receiver/reference/main.ts --connect 127.0.0.1:5347 --domain push.example.test \
//     --secret s3cret --fcm http://127.0.0.1:8480 --apns http://127.0.0.1:8481 --webpush http://127.0.0.1:8480
// It connects as an XEP-0114 component (to pushlab's listener or to a server) and stays until
// Ctrl-C / SIGTERM, reconnecting by itself when the link drops.
import { parseArgs } from "node:util";
import { setLogLevel } from "../../log.ts";
import { FCM_PROJECT } from "../gateways/index.ts";
import { ReferenceReceiver } from "./receiver.ts";

const USAGE = `reference push receiver (pushlab)

Usage:
  tsx simulator/receiver/reference/main.ts --connect HOST:PORT --domain D --secret S \\
      --fcm URL --apns URL --webpush URL [--fcm-project ID] [--rate-burst N] [--rate-per-second N] [-v]

  --connect HOST:PORT   component port of pushlab's listener or of an XMPP server
  --domain D            the receiver's JID (component domain); --secret S its component secret
  --fcm URL             FCM HTTP v1 base (posts to URL/v1/projects/ID/messages:send)
  --apns URL            APNs base, http:// = HTTP/2 cleartext (posts to URL/3/device/TOKEN)
  --webpush URL         Web Push base (a device's endpoint is URL/push/TOKEN)
`;

export async function referenceMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      connect: { type: "string" },
      domain: { type: "string" },
      secret: { type: "string" },
      fcm: { type: "string" },
      apns: { type: "string" },
      webpush: { type: "string" },
      "fcm-project": { type: "string", default: FCM_PROJECT },
      "rate-burst": { type: "string", default: "100" },
      "rate-per-second": { type: "string", default: "50" },
      verbose: { type: "boolean", short: "v", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const missing = ["connect", "domain", "secret", "fcm", "apns", "webpush"].filter((k) => !values[k as keyof typeof values]);
  if (missing.length) {
    process.stderr.write(`missing --${missing.join(", --")}\n\n${USAGE}`);
    return 2;
  }
  if (values.verbose) setLogLevel("debug");
  const receiver = new ReferenceReceiver({
    service: `xmpp://${values.connect}`,
    domain: values.domain!,
    secret: values.secret!,
    targets: { fcm: values.fcm!, fcmProject: values["fcm-project"]!, fcmAccessToken: "pushlab-reference", apns: values.apns!, apnsTopic: "im.pushlab.reference", apnsAuthToken: "pushlab-reference", webpush: values.webpush! },
    rateLimit: { burst: Number(values["rate-burst"]), perSecond: Number(values["rate-per-second"]) },
  });
  await receiver.start();
  process.stdout.write(`reference receiver ${values.domain} connected to ${values.connect}; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await receiver.stop();
  process.stdout.write(`stopped (${receiver.stats.publishes} publishes, ${receiver.stats.results} results, ${receiver.stats.errors} errors)\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  referenceMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`reference receiver: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}

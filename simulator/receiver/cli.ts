// `pushlab receiver …`: validates an app developer's push receiver (XEP-0357 app server). pushlab
// plays the user's XMPP server toward it (embedded XEP-0114 listener, or a component on an
// existing server) and serves the push-service imitations it forwards to.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseArgsProblem } from "../cli/parse.ts";
import { ConsoleReporter } from "../../reports/console.ts";
import { createReporters, DEFAULT_REPORT_DIR, HTML_REPORT_FILE, JSON_REPORT_FILE, JUNIT_REPORT_FILE } from "../../reports/index.ts";
import { exitCodeOf } from "../runner.ts";
import { parseDuration } from "../scenario/duration.ts";
import { setLogLevel } from "../log.ts";
import { P2_STYLE, type RegistrationCommand } from "./adhoc-client.ts";
import { FCM_PROJECT } from "./gateways/index.ts";
import { GATEWAY_NAMES, type GatewayName } from "./gateways/recorder.ts";
import type { Registration } from "./run-state.ts";
import { ReceiverSession, type Connect } from "./session.ts";
import { ReceiverTableReporter } from "./table-reporter.ts";

export const RECEIVER_REPORT_DIR = join(DEFAULT_REPORT_DIR, "receiver");

export const RECEIVER_USAGE = `pushlab receiver — validate a push receiver (XEP-0357 app server) as the user's XMPP server would

Usage:
  pushlab receiver --jid JID (--listen PORT --secret S | --server HOST:PORT --component-domain D --component-secret S) [options]

How pushlab reaches the receiver (one of):
  --listen PORT            embedded: listen on 127.0.0.1:PORT as the server side of XEP-0114; the
  --secret S               receiver's component connects with domain = --jid and this secret
  --server HOST:PORT       via a server: pushlab connects to that server's component port as
  --component-domain D     component D (secret S) and publishes to --jid through it
  --component-secret S

How a device is registered (default: the receiver's ad-hoc command, p2 style):
  --register-command NODE  XEP-0050 command node; {gateway} becomes fcm|apns|webpush
                           (default ${P2_STYLE.node})
  --register-fields LIST   fields to submit, k=v,…; values may use {token}, {device}, {gateway}
                           (default ${Object.entries(P2_STYLE.fields).map(([k, v]) => `${k}=${v}`).join(",")})
  --node N --push-secret S use this node and secret instead (name its one push service in --gateways)

Options:
  --gateways LIST          push services the receiver forwards to (default fcm,apns,webpush)
  --http-gateway-port P    port of the FCM + Web Push imitation (default: a free port)
  --apns-port P            port of the APNs imitation, HTTP/2 cleartext (default: a free port)
  --server-domain D        embedded: the user's server pushlab plays (default pushlab.localhost)
  --connect-timeout T      embedded: how long to wait for the receiver to connect (default 60s)
  --settle T               how long to collect push-service calls after each answer (default 200ms)
  --checks PATH            check file or directory (default: the bundled checks)
  -g, --grep TEXT          only checks whose name, rule or file contains TEXT
  -r, --report-dir DIR     report.json, junit.xml, index.html (default ${RECEIVER_REPORT_DIR})
  -v, --verbose            debug logs (pino, stderr)
  -h, --help               this help

Point the receiver at the push-service imitations pushlab prints at start:
  FCM HTTP v1   http://127.0.0.1:P/v1/projects/${FCM_PROJECT}/messages:send   (any bearer token)
  APNs          http://127.0.0.1:P2/3/device/{token}   (HTTP/2 without TLS: h2c, prior knowledge)
  Web Push      http://127.0.0.1:P/push/{token}        (a subscription's endpoint)

Examples:
  # embedded: start pushlab, then start your receiver's component against 127.0.0.1:5347
  pushlab receiver --jid push.example.test --listen 5347 --secret s3cret \\
      --http-gateway-port 8480 --apns-port 8481
  # via a server where both pushlab.example.test and push.example.test are components
  pushlab receiver --jid push.example.test --server 127.0.0.1:5347 \\
      --component-domain pushlab.example.test --component-secret pw --gateways fcm
  # a receiver without ad-hoc registration: one known node, forwarding to FCM
  pushlab receiver --jid push.example.test --listen 5347 --secret s3cret \\
      --node n1 --push-secret abc --gateways fcm

Exit code: 0 when every check passed, 1 when any failed or could not run, 2 for usage errors.
`;

class UsageError extends Error {}

function port(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${what}: '${v}' is not a port number`);
  return n;
}

function duration(v: string | undefined, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (ms === null) throw new UsageError(`${what}: '${v}' is not a duration (e.g. 500ms, 30s)`);
  return ms;
}

function fields(list: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of list.split(",").filter(Boolean)) {
    const i = part.indexOf("=");
    if (i <= 0) throw new UsageError(`--register-fields: '${part}' is not k=v`);
    out[part.slice(0, i).trim()] = part.slice(i + 1);
  }
  return out;
}

export function parseReceiverArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      jid: { type: "string" },
      listen: { type: "string" },
      secret: { type: "string" },
      server: { type: "string" },
      "component-domain": { type: "string" },
      "component-secret": { type: "string" },
      "server-domain": { type: "string" },
      node: { type: "string" },
      "push-secret": { type: "string" },
      "register-command": { type: "string" },
      "register-fields": { type: "string" },
      gateways: { type: "string", default: GATEWAY_NAMES.join(",") },
      "http-gateway-port": { type: "string" },
      "apns-port": { type: "string" },
      "connect-timeout": { type: "string" },
      settle: { type: "string" },
      checks: { type: "string", multiple: true },
      grep: { type: "string", short: "g" },
      "report-dir": { type: "string", short: "r", default: RECEIVER_REPORT_DIR },
      verbose: { type: "boolean", short: "v", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { help: true as const };
  if (!values.jid) throw new UsageError("--jid is required (the receiver's JID, e.g. push.example.test)");
  let connect: Connect;
  if (values.listen !== undefined) {
    if (values.server !== undefined) throw new UsageError("give --listen or --server, not both");
    if (!values.secret) throw new UsageError("--listen needs --secret (the component secret the receiver connects with)");
    connect = { kind: "embedded", port: port(values.listen, "--listen")!, secret: values.secret, ...(values["server-domain"] && { serverDomain: values["server-domain"] }) };
  } else if (values.server !== undefined) {
    const m = /^(.+):(\d+)$/.exec(values.server);
    if (!m) throw new UsageError(`--server: '${values.server}' is not HOST:PORT`);
    if (!values["component-domain"] || !values["component-secret"]) throw new UsageError("--server needs --component-domain and --component-secret (pushlab's own component on that server)");
    connect = { kind: "server", host: m[1]!, port: port(m[2], "--server")!, domain: values["component-domain"], secret: values["component-secret"] };
  } else {
    throw new UsageError("say how to reach the receiver: --listen PORT --secret S, or --server HOST:PORT --component-domain D --component-secret S");
  }
  const gatewayNames = values.gateways!.split(",").map((g) => g.trim()).filter(Boolean) as GatewayName[];
  const unknown = gatewayNames.filter((g) => !GATEWAY_NAMES.includes(g));
  if (unknown.length || gatewayNames.length === 0) throw new UsageError(`--gateways: unknown ${unknown.join(", ") || "(none given)"}; known: ${GATEWAY_NAMES.join(", ")}`);
  let registration: Registration;
  if (values.node !== undefined || values["push-secret"] !== undefined) {
    if (!values.node || values["push-secret"] === undefined) throw new UsageError("--node and --push-secret go together");
    if (values["register-command"]) throw new UsageError("give --node/--push-secret or --register-command, not both");
    registration = { kind: "given", node: values.node, secret: values["push-secret"] };
  } else {
    const command: RegistrationCommand = {
      node: values["register-command"] ?? P2_STYLE.node,
      fields: values["register-fields"] ? fields(values["register-fields"]) : P2_STYLE.fields,
    };
    registration = { kind: "command", command };
  }
  return {
    help: false as const,
    session: {
      jid: values.jid,
      connect,
      registration,
      gatewayNames,
      ...(values["http-gateway-port"] !== undefined && { httpGatewayPort: port(values["http-gateway-port"], "--http-gateway-port")! }),
      ...(values["apns-port"] !== undefined && { apnsPort: port(values["apns-port"], "--apns-port")! }),
      settleMs: duration(values.settle, "--settle", 200),
    },
    connectTimeoutMs: duration(values["connect-timeout"], "--connect-timeout", 60_000),
    checks: values.checks,
    grep: values.grep,
    reportDir: values["report-dir"]!,
    verbose: values.verbose!,
  };
}

/** Reporters of a receiver run: files, the verdict table, then the usual console summary. */
export function receiverReporters(reportDir: string, stream: NodeJS.WritableStream = process.stdout) {
  const files = [JSON_REPORT_FILE, JUNIT_REPORT_FILE, HTML_REPORT_FILE].map((f) => join(reportDir, f));
  return [
    ...createReporters({ reportDir, formats: ["json", "junit", "html"] }),
    new ReceiverTableReporter(stream),
    new ConsoleReporter({ stream, reportFiles: files }),
  ];
}

export async function receiverMain(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseReceiverArgs>;
  try {
    args = parseReceiverArgs(argv);
  } catch (e) {
    const flags = [...RECEIVER_USAGE.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]!); // Node's parseArgs text in our words
    process.stderr.write(`pushlab receiver: ${parseArgsProblem(e, "pushlab receiver", flags, false) ?? (e as Error).message}\n\nRun 'pushlab receiver --help' for the options.\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(RECEIVER_USAGE);
    return 0;
  }
  if (args.verbose) setLogLevel("debug");
  const session = await ReceiverSession.open(args.session);
  const stop = async (signal: string) => {
    process.stderr.write(`\n${signal}: stopping pushlab receiver\n`);
    await session.close();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  try {
    const out = process.stdout;
    out.write(`pushlab receiver: validating ${args.session.jid}\nPush-service imitations (point the receiver here):\n`);
    for (const [k, v] of Object.entries(session.gateways.describe())) out.write(`  ${k.padEnd(30)} ${v}\n`);
    if (session.listenPort !== undefined) {
      out.write(`Waiting up to ${args.connectTimeoutMs / 1000}s for the receiver's component: 127.0.0.1:${session.listenPort}, domain ${args.session.jid}\n`);
      try {
        await session.channel.waitUp(args.connectTimeoutMs);
      } catch (e) {
        process.stderr.write(`pushlab receiver: ${(e as Error).message}\n`);
        return 1;
      }
      out.write("Receiver connected.\n");
    }
    const { report } = await session.run(receiverReporters(args.reportDir), args.checks, args.grep);
    return exitCodeOf(report);
  } finally {
    await session.close();
  }
}

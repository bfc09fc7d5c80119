// `pushlab load`: drive senders toward push-enabled recipients on a real server and measure the
// pushes at our app server. Every loop is bounded (see options.ts); loopback only.
import { parseArgs } from "node:util";
import { LIMITS, LOAD_MIXES, LoadOptionError, parseLoadOptions } from "./options.ts";
import { runLoad, type LoadConnect } from "./run-load.ts";
import { takeXmppFlags, xmppSettingsFromArgs } from "../targets/xmpp/flags.ts";
import { SettingsError } from "../targets/xmpp/yaml-file.ts";
import { loadFigures } from "./report.ts";
import { writeLoadReport } from "./write-report.ts";
import { formatGoal, formatValue, meets } from "../../bench/figures.ts";

export const LOAD_USAGE = `pushlab load — push throughput and latency of a real server

Usage:
  pushlab load --target prosody|ejabberd|xmpp --users N --rate R --duration S [options]

Options:
  --target NAME       prosody or ejabberd (started by pushlab on loopback), or xmpp (a server
                      already running on this machine; its flags below)
  --users N           push-enabled recipients (${LIMITS.users.min}–${LIMITS.users.max}; default 100)
  --rate R            messages per second, all senders together (up to ${LIMITS.rate.max}; default 100)
  --duration S        seconds of sending (up to ${LIMITS.duration.max}; default 10); rate × duration ≤ ${LIMITS.totalMessages}
  --mix LIST          kinds of recipient, dealt in turn: ${LOAD_MIXES.join(", ")} (default offline)
  --driver NAME       native (default) or tsung (writes and runs a Tsung scenario; offline only)
  --senders N         sending clients (default min(10, users))
  --drain S           at most this many seconds for late pushes after the last message (default 60;
                      ends as soon as every push came, or the server is idle and silent)
  --archive on|off    message archive (MAM) on the load's host (default on; Prosody and ejabberd)
  --storage file|sql  Prosody's storage: files (default) or SQLite (needs lua-dbi-sqlite3)
  --server-pid N      --target xmpp: the server process to sample (default: the one listening
                      on the client port, when visible)
  --report-dir DIR    where load.json and load.html go (default reports/out)

With --target xmpp, the connection flags of \`pushlab run --target xmpp\` apply (--xmpp-config
FILE, or --xmpp-host, --xmpp-port, --domain, --tls, --component-domain, --component-port,
--component-secret, --register); loopback addresses only; accounts by in-band registration.

Examples:
  pushlab load --target prosody --users 200 --rate 500 --duration 20
  pushlab load --target prosody --storage sql --users 100 --rate 200 --duration 20
  pushlab load --target ejabberd --archive off --users 200 --rate 1000 --duration 20
  pushlab load --target xmpp --xmpp-port 5222 --domain localhost --tls none \\
    --component-domain push.localhost --component-port 5347 --component-secret s3cr3t --register
  pushlab load --target prosody --users 300 --rate 100 --duration 15 --mix offline,hibernated,ack-delay
  pushlab load --target prosody --users 100 --rate 300 --duration 10 --driver tsung
`;

export async function loadMain(argv: string[]): Promise<number> {
  const { xmpp: xmppArgs, rest } = takeXmppFlags(argv);
  const { values } = parseArgs({
    args: rest,
    allowPositionals: false,
    options: {
      target: { type: "string", short: "t" },
      users: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      mix: { type: "string" },
      driver: { type: "string" },
      senders: { type: "string" },
      drain: { type: "string" },
      archive: { type: "string" },
      storage: { type: "string" },
      "server-pid": { type: "string" },
      "report-dir": { type: "string", short: "r" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(LOAD_USAGE);
    return 0;
  }
  let o;
  const connect: LoadConnect = {};
  try {
    o = parseLoadOptions(values);
    if (o.target === "xmpp") connect.xmpp = xmppSettingsFromArgs(xmppArgs);
    else if (xmppArgs.length > 0) throw new LoadOptionError(xmppArgs[0]!.slice(2).split("=")[0]!, "only with --target xmpp");
  } catch (e) {
    if (e instanceof LoadOptionError || e instanceof SettingsError) {
      process.stderr.write(`pushlab load: ${e.message}\n\n${LOAD_USAGE}`);
      return 2;
    }
    throw e;
  }
  const result =
    o.driver === "tsung"
      ? await (await import("./tsung.ts")).runTsungLoad(o, connect)
      : await runLoad(o, undefined, connect);
  const files = await writeLoadReport(result, o.reportDir);
  let missed = 0;
  const details = Object.values(result.server.details).join(", ");
  process.stdout.write(`\n${result.server.label}${details ? ` (${details})` : ""}: ${result.sent} messages in ${result.sendSeconds} s (${o.mix.join("+")}, ${o.driver}); drain ended: ${result.drainEnded}\n`);
  for (const f of loadFigures(result)) {
    const ok = meets(f);
    if (ok === false) missed++;
    process.stdout.write(`${ok === undefined ? "    " : ok ? "ok  " : "MISS"} ${f.name.padEnd(62).slice(0, 62)} ${formatValue(f.value, f.unit).padStart(14)}  ${f.goal ? formatGoal(f) : ""}\n`);
  }
  process.stdout.write(`wrote ${files.join(", ")}\n`);
  return missed > 0 ? 1 : 0;
}

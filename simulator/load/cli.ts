// `pushlab load`: drive senders toward push-enabled recipients on a real server and measure the
// pushes at our app server. Every loop is bounded (see options.ts); loopback only.
import { parseArgs } from "node:util";
import { LIMITS, LOAD_MIXES, LoadOptionError, parseLoadOptions } from "./options.ts";
import { runLoad } from "./run-load.ts";
import { loadFigures } from "./report.ts";
import { writeLoadReport } from "./write-report.ts";
import { formatGoal, formatValue, meets } from "../../bench/figures.ts";

export const LOAD_USAGE = `pushlab load — push throughput and latency of a real server

Usage:
  pushlab load --target prosody --users N --rate R --duration S [options]

Options:
  --target NAME       prosody (ejabberd and xmpp once they are plugged in)
  --users N           push-enabled recipients (${LIMITS.users.min}–${LIMITS.users.max}; default 100)
  --rate R            messages per second, all senders together (up to ${LIMITS.rate.max}; default 100)
  --duration S        seconds of sending (up to ${LIMITS.duration.max}; default 10); rate × duration ≤ ${LIMITS.totalMessages}
  --mix LIST          kinds of recipient, dealt in turn: ${LOAD_MIXES.join(", ")} (default offline)
  --driver NAME       native (default) or tsung (writes and runs a Tsung scenario; offline only)
  --senders N         sending clients (default min(10, users))
  --drain S           seconds to wait for late pushes after the last message (default 10)
  --archive on|off    message archive (MAM) on the load's host (default on)
  --report-dir DIR    where load.json and load.html go (default reports/out)

Examples:
  pushlab load --target prosody --users 200 --rate 500 --duration 20
  pushlab load --target prosody --users 300 --rate 100 --duration 15 --mix offline,hibernated,ack-delay
  pushlab load --target prosody --users 100 --rate 300 --duration 10 --driver tsung
`;

export async function loadMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
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
      "report-dir": { type: "string", short: "r" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(LOAD_USAGE);
    return 0;
  }
  let o;
  try {
    o = parseLoadOptions(values);
  } catch (e) {
    if (e instanceof LoadOptionError) {
      process.stderr.write(`pushlab load: ${e.message}\n\n${LOAD_USAGE}`);
      return 2;
    }
    throw e;
  }
  const result =
    o.driver === "tsung"
      ? await (await import("./tsung.ts")).runTsungLoad(o)
      : await runLoad(o);
  const files = await writeLoadReport(result, o.reportDir);
  let missed = 0;
  process.stdout.write(`\n${result.server.label}: ${result.sent} messages in ${result.sendSeconds} s (${o.mix.join("+")}, ${o.driver})\n`);
  for (const f of loadFigures(result)) {
    const ok = meets(f);
    if (ok === false) missed++;
    process.stdout.write(`${ok === undefined ? "    " : ok ? "ok  " : "MISS"} ${f.name.padEnd(62).slice(0, 62)} ${formatValue(f.value, f.unit).padStart(14)}  ${f.goal ? formatGoal(f) : ""}\n`);
  }
  process.stdout.write(`wrote ${files.join(", ")}\n`);
  return missed > 0 ? 1 : 0;
}

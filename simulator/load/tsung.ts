// `pushlab load --driver tsung`: the senders are Tsung's (an Erlang, distributed XMPP load tool).
// We write a Tsung scenario (its jabber plugin: users tsung1…tsungN log in with SASL PLAIN and
// send chat messages at the given rate to our push-enabled offline recipients), run it locally
// with `tsung -f FILE start` (bounded; its Erlang nodes are stopped by PID at the end), and
// measure the pushes at our app server as in native mode. The same file runs on a Tsung cluster
// after changing <clients>.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { BODY_PREFIX } from "./app-recorder.ts";
import type { SentMessage } from "./measure.ts";
import type { LoadOptions } from "./options.ts";
import { runLoad, type LoadConnect, type LoadResult, type Sender } from "./run-load.ts";
import type { LoadServer } from "./load-server.ts";
import type { Recipient } from "./recipients.ts";

export const TSUNG_USER_PREFIX = "tsung";
const TSUNG_DTD = "/usr/share/tsung/tsung-1.0.dtd";

export interface TsungPlan {
  host: string; // XMPP domain
  userPrefix?: string; // Tsung's users are <prefix>1 … <prefix>N (default TSUNG_USER_PREFIX)
  c2sPort: number;
  c2sHost?: string; // default 127.0.0.1
  password: string;
  senders: number; // Tsung users, each one session
  rate: number; // messages per second, all senders
  seconds: number;
  recipients: string[]; // bare JIDs (offline, push-enabled)
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Tsung's jabber plugin logs user N in as username+N with password passwd+N. */
export function tsungPassword(passwd: string, n: number): string {
  return `${passwd}${n}`;
}

/** Messages each sender sends and the pause between two of them (seconds). */
export function senderSchedule(p: TsungPlan): { perSender: number; thinkS: number } {
  const perSender = Math.max(1, Math.round((p.rate * p.seconds) / p.senders));
  const thinkS = Math.max(0.001, p.senders / p.rate);
  return { perSender, thinkS };
}

/** The Tsung XML scenario. Bodies carry a unique number and the send time (epoch ms), so our
 * app server can match each push to its message and time it without Tsung's help. */
export function tsungScenario(p: TsungPlan): string {
  const { perSender, thinkS } = senderSchedule(p);
  // All senders log in within the first second, each at its own fixed time: static users, not an
  // arrival phase, whose random (Poisson) arrivals started 9 of 10 senders in one run here.
  const arrivalS = 1;
  const users = Array.from({ length: p.senders }, (_, i) => `    <user session="push-senders" start_time="${Math.round((i * 1000 * arrivalS) / p.senders)}" unit="millisecond"/>`).join("\n");
  const recipients = p.recipients.map((r) => `"${r}"`).join(",");
  const pick = `fun({Pid,DynVars}) -> L = [${recipients}], lists:nth(rand:uniform(length(L)), L) end.`;
  const stamp = `fun({Pid,DynVars}) -> integer_to_list(erlang:unique_integer([positive])) ++ "@" ++ integer_to_list(erlang:system_time(millisecond)) end.`;
  const message = `<message to='%%_to%%' type='chat'><body>${BODY_PREFIX}%%_stamp%%</body></message>`;
  return `<?xml version="1.0"?>
<!DOCTYPE tsung SYSTEM "${TSUNG_DTD}">
<!-- Written by pushlab load (driver tsung). ${p.senders} senders, ${p.rate} messages/s for ${p.seconds} s
     toward ${p.recipients.length} push-enabled offline recipients. For a cluster, list its nodes in <clients>. -->
<tsung loglevel="warning" version="1.0" dumptraffic="${process.env.PUSHLAB_TSUNG_DUMP === "1" ? "true" : "false"}">
  <clients>
    <client host="localhost" use_controller_vm="true" maxusers="${p.senders + 10}"/>
  </clients>
  <servers>
    <server host="${esc(p.c2sHost ?? "127.0.0.1")}" port="${p.c2sPort}" type="tcp"/>
  </servers>
  <load duration="${Math.ceil(p.seconds + arrivalS + 30)}" unit="second">
${users}
  </load>
  <options>
    <option type="ts_jabber" name="global_number" value="${p.senders}"/>
    <option type="ts_jabber" name="userid_max" value="${p.senders}"/>
    <option type="ts_jabber" name="domain" value="${esc(p.host)}"/>
    <option type="ts_jabber" name="username" value="${esc(p.userPrefix ?? TSUNG_USER_PREFIX)}"/>
    <option type="ts_jabber" name="passwd" value="${esc(p.password)}"/>
  </options>
  <sessions>
    <session probability="100" name="push-senders" type="ts_jabber">
      <request><jabber type="connect" ack="local"/></request>
      <transaction name="auth">
        <request><jabber type="auth_sasl" ack="local"/></request>
        <request><jabber type="connect" ack="local"/></request>
        <request><jabber type="auth_sasl_bind" ack="local"/></request>
        <request><jabber type="auth_sasl_session" ack="local"/></request>
      </transaction>
      <for from="1" to="${perSender}" var="i">
        <setdynvars sourcetype="eval" code="${esc(pick)}"><var name="to"/></setdynvars>
        <setdynvars sourcetype="eval" code="${esc(stamp)}"><var name="stamp"/></setdynvars>
        <request subst="true"><jabber type="raw" ack="no_ack" data="${esc(message)}"/></request>
        <thinktime value="${thinkS.toFixed(3)}" random="false"/>
      </for>
      <request><jabber type="close" ack="no_ack"/></request>
    </session>
  </sessions>
</tsung>
`;
}

export function tsungInstalled(): { ok: true } | { ok: false; reason: string } {
  try {
    execFileSync("sh", ["-c", "command -v tsung"], { stdio: "ignore" });
    return existsSync(TSUNG_DTD) ? { ok: true } : { ok: false, reason: `no ${TSUNG_DTD}: install tsung (Debian package)` };
  } catch {
    return { ok: false, reason: "no 'tsung' on PATH: install tsung (Debian package)" };
  }
}

/** How many users (senders) Tsung started, from the last "stats: users_count" line of its log
 * (the last number is the run's total); undefined when there is no such line. */
export function startedUsersIn(tsungLog: string): number | undefined {
  let n: number | undefined;
  for (const m of tsungLog.matchAll(/^stats: users_count \d+ (\d+)\s*$/gm)) n = Number(m[1]);
  return n;
}

function startedUsers(logDir: string): number | undefined {
  try {
    for (const d of readdirSync(logDir).sort().reverse()) {
      const f = join(logDir, d, "tsung.log");
      if (existsSync(f)) return startedUsersIn(readFileSync(f, "utf8"));
    }
  } catch {
    /* no log: nothing known */
  }
  return undefined;
}

/** PIDs of the Erlang VMs (beam) whose command line names this run's log dir. */
function beamsOf(marker: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (cmd.includes("beam") && cmd.includes(marker)) pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

function tsungSender(o: LoadOptions, reportDir: string, server: LoadServer, password: string, recipients: Recipient[], info: { file: string; exitCode: number | null; log: string }): Sender {
  const logDir = resolve(reportDir, "tsung-log");
  return {
    async run({ rate, seconds, onSent, stop }) {
      // Tsung's jabber plugin speaks plain TCP with SASL PLAIN here: no TLS settings to carry over.
      if (server.tls && server.tls.mode !== "none") throw new Error(`--driver tsung: the scenario connects without TLS; the server is set to tls ${server.tls.mode}`);
      const userPrefix = `${server.localPrefix ?? ""}${TSUNG_USER_PREFIX}`;
      for (let i = 1; i <= o.senders; i++) await server.addAccount(`${userPrefix}${i}`, tsungPassword(password, i));
      mkdirSync(logDir, { recursive: true });
      const plan: TsungPlan = { host: server.host, userPrefix, c2sPort: server.c2sPort, ...(server.c2sHost && { c2sHost: server.c2sHost }), password, senders: o.senders, rate, seconds, recipients: recipients.map((r) => r.jid) };
      writeFileSync(info.file, tsungScenario(plan));
      const child = spawn("tsung", ["-f", info.file, "-l", logDir, "start"], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
      child.stderr.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
      const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
      // Tsung sends on its own clock; we only bound it. Sent messages are counted from pushes'
      // stamps afterwards (each body names its number and send time).
      const bound = (seconds + 60) * 1000;
      const t0 = Date.now();
      let code: number | null = null;
      for (;;) {
        const done = await Promise.race([exited.then((c) => ({ c })), new Promise<null>((r) => setTimeout(() => r(null), 200))]);
        if (done) {
          code = done.c;
          break;
        }
        if (stop() || Date.now() - t0 > bound) {
          child.kill("SIGTERM");
          code = await exited;
          break;
        }
      }
      for (const pid of beamsOf(logDir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
      info.exitCode = code;
      info.log = out.trim().split("\n").slice(-5).join("\n");
      void onSent;
      const { perSender } = senderSchedule(plan);
      // A sender Tsung never started sent nothing: its messages are not lost pushes.
      const started = startedUsers(logDir) ?? o.senders;
      if (started < o.senders) info.log = `Tsung started ${started} of ${o.senders} senders\n${info.log}`;
      return { errors: (code === 0 ? 0 : 1) + (o.senders - started), expected: perSender * Math.min(started, o.senders) };
    },
    async close() {
      for (const pid of beamsOf(logDir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    },
  };
}

export async function runTsungLoad(o: LoadOptions, connect: LoadConnect = {}): Promise<LoadResult> {
  const avail = tsungInstalled();
  if (!avail.ok) throw new Error(avail.reason);
  mkdirSync(o.reportDir, { recursive: true });
  const info = { file: resolve(join(o.reportDir, "tsung.xml")), exitCode: null as number | null, log: "" };
  // Tsung's messages are known by their pushes' stamps (number@send ms), see runLoad.
  const result = await runLoad(o, (server, password, recipients) => tsungSender(o, o.reportDir, server, password, recipients, info), connect);
  return { ...result, tsung: info };
}

export type { SentMessage };

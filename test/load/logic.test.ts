// The load driver's logic with real numbers: option bounds, percentile maths, histogram,
// /proc parsing, push ↔ message matching, and the Tsung scenario file.
import { describe, expect, it } from "vitest";
import { LIMITS, LoadOptionError, mixOf, parseLoadOptions } from "../../simulator/load/options.ts";
import { histogram, percentile, summarize } from "../../simulator/load/stats.ts";
import { cpuPercent, parseStatTicks, parseStatusRssKiB, sampleProc, clockTicks } from "../../simulator/load/proc.ts";
import { matchPushes, type SentMessage } from "../../simulator/load/measure.ts";
import { parseBody, type PushSeen } from "../../simulator/load/app-recorder.ts";
import { senderSchedule, startedUsersIn, tsungPassword, tsungScenario } from "../../simulator/load/tsung.ts";

describe("load options", () => {
  it("takes defaults and deals the mix out in turn", () => {
    const o = parseLoadOptions({ mix: "offline,hibernated,ack-delay", users: "7" });
    expect(o).toMatchObject({ target: "prosody", users: 7, rate: 100, duration: 10, driver: "native", senders: 7, drain: 60, storage: "file" });
    expect([0, 1, 2, 3, 4].map((i) => mixOf(i, o.mix))).toEqual(["offline", "hibernated", "ack-delay", "offline", "hibernated"]);
  });

  it("refuses values outside the caps, naming the option", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ users: String(LIMITS.users.max + 1) }, /--users: must be between 1 and 2000/],
      [{ users: "1.5" }, /--users: expected a whole number/],
      [{ rate: "abc" }, /--rate: expected a number/],
      [{ rate: "5000", duration: "60" }, /rate × duration = 300000 messages, more than the cap of 200000/],
      [{ duration: "0" }, /--duration: must be between 1 and 600/],
      [{ mix: "offline,asleep" }, /--mix: unknown 'asleep'/],
      [{ mix: "offline,offline" }, /--mix: a kind is named twice/],
      [{ driver: "tsung", mix: "hibernated" }, /--mix: the tsung driver sends to offline recipients only/],
      [{ archive: "maybe" }, /--archive: expected on or off/],
      [{ users: "2", mix: "offline,hibernated,ack-delay" }, /--users: 2 user\(s\) cannot cover 3 kinds/],
      [{ target: "openfire" }, /--target: unknown 'openfire' \(known: prosody, ejabberd, xmpp\)/],
      [{ storage: "postgres" }, /--storage: unknown 'postgres'/],
      [{ target: "ejabberd", storage: "sql" }, /--storage: only --target prosody has a storage choice/],
      [{ target: "prosody", "server-pid": "42" }, /--server-pid: only for --target xmpp/],
      [{ target: "xmpp", "server-pid": "0" }, /--server-pid: must be between 1/],
      [{ drain: "301" }, /--drain: must be between 0 and 300/],
    ];
    for (const [raw, msg] of bad) {
      expect(() => parseLoadOptions(raw), JSON.stringify(raw)).toThrow(LoadOptionError);
      expect(() => parseLoadOptions(raw)).toThrow(msg);
    }
  });
});

describe("latency statistics", () => {
  it("nearest-rank percentiles of 1..100 and of a skewed sample", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(v, 0.5), percentile(v, 0.9), percentile(v, 0.99), percentile(v, 1)]).toEqual([50, 90, 99, 100]);
    const s = summarize([1000, 3, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(s).toEqual({ count: 10, p50: 5, p90: 9, p99: 1000, max: 1000, mean: 104.5 });
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });

  it("histogram buckets are inclusive upper bounds; values beyond the last go to a bucket at their max", () => {
    const h = histogram([0.5, 1, 1.5, 2, 9, 10, 11, 40_000, 45_000.2]);
    expect(h.slice(0, 5)).toEqual([
      { le: 1, count: 2 },
      { le: 2, count: 2 },
      { le: 5, count: 0 },
      { le: 10, count: 2 },
      { le: 20, count: 1 },
    ]);
    expect(h[h.length - 1]).toEqual({ le: 45_001, count: 2 });
    expect(h.reduce((n, b) => n + b.count, 0)).toBe(9);
    expect(histogram([3])).toEqual([{ le: 1, count: 0 }, { le: 2, count: 0 }, { le: 5, count: 1 }]);
  });
});

describe("/proc parsing", () => {
  it("reads utime+stime after the command name, even one with spaces and parentheses", () => {
    const line = "4242 (prosody (lua) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 750 250 0 0 20 0 1 0 100 123456 789";
    expect(parseStatTicks(line)).toBe(1000);
    expect(() => parseStatTicks("garbage")).toThrow(/not a \/proc stat line/);
  });

  it("reads VmRSS in KiB", () => {
    expect(parseStatusRssKiB("Name:\tprosody\nVmPeak:\t  40000 kB\nVmRSS:\t   17512 kB\nThreads:\t1\n")).toBe(17512);
    expect(() => parseStatusRssKiB("Name:\tkthread\n")).toThrow(/no VmRSS/);
  });

  it("samples this very process, and CPU % is the CPU seconds over the wall seconds", () => {
    const s = sampleProc(process.pid, clockTicks());
    expect(s && s.rssKiB > 10_000 && s.cpuS > 0).toBe(true);
    expect(cpuPercent({ cpuS: 10, rssKiB: 0 }, { cpuS: 10.5, rssKiB: 0 }, 2)).toBe(25);
    expect(cpuPercent(undefined, { cpuS: 1, rssKiB: 0 }, 1)).toBe(0);
    expect(sampleProc(2 ** 22 + 7, 100)).toBeUndefined();
  });
});

describe("pushes matched to messages", () => {
  const msg = (seq: number, node: string, t: number, batched = false): SentMessage => ({ seq, node, t, batched });
  const push = (t: number, node: string, seq?: number): PushSeen => ({ t, node, ...(seq !== undefined && { seq }), epochMs: 0 });

  it("latency per message, a duplicate, a lost one, a foreign push", () => {
    const sent = [msg(1, "a", 100), msg(2, "b", 110), msg(3, "a", 120)];
    const pushes = [push(103, "a", 1), push(150, "b", 2), push(151, "b", 2), push(160, "c")];
    const m = matchPushes(sent, pushes, 2000);
    expect(m).toEqual({ latenciesMs: [3, 40], pushed: 2, covered: 0, lost: 1, duplicates: 1, foreign: 1, byOrder: 0 });
  });

  it("a batched message without its own push is covered by a later push to its node within the window, else lost", () => {
    const sent = [msg(1, "h", 0, true), msg(2, "h", 200, true), msg(3, "h", 5000, true)];
    const pushes = [push(1005, "h", 2)];
    const m = matchPushes(sent, pushes, 2500);
    expect(m).toMatchObject({ pushed: 1, covered: 1, lost: 1, latenciesMs: [805] });
  });

  it("reads the number and the optional stamp out of a body", () => {
    expect(parseBody("pushlab-load #42")).toEqual({ seq: 42 });
    expect(parseBody("pushlab-load #7@1796012691459")).toEqual({ seq: 7, stampMs: 1796012691459 });
    expect(parseBody("New Message!")).toEqual({});
    expect(parseBody(undefined)).toEqual({});
  });
});

describe("tsung scenario", () => {
  const plan = { host: "o1.localhost", c2sPort: 5299, password: "p&w", senders: 4, rate: 200, seconds: 10, recipients: ["rcpt-0@o1.localhost", "rcpt-1@o1.localhost"] };

  it("reads how many senders Tsung started from its log", () => {
    const log = "stats: users 3 3\nstats: users_count 3 3\nstats: users 0 9\nstats: users_count 0 9\nstats: finish_users_count 9 9\n";
    expect(startedUsersIn(log)).toBe(9);
    expect(startedUsersIn("stats: request 45 1.19\n")).toBeUndefined();
  });

  it("spreads rate × seconds over the senders", () => {
    expect(senderSchedule(plan)).toEqual({ perSender: 500, thinkS: 0.02 });
    expect(tsungPassword("pw", 3)).toBe("pw3");
  });

  it("writes a scenario with the server, the users, the rate and the recipients, well escaped", () => {
    const x = tsungScenario(plan);
    expect(x).toContain('<server host="127.0.0.1" port="5299" type="tcp"/>');
    // exactly one static user per sender, each at its own time in the first second
    expect(x.match(/<user session="push-senders" start_time="\d+" unit="millisecond"\/>/g)).toHaveLength(4);
    expect(x).toContain('<user session="push-senders" start_time="750" unit="millisecond"/>');
    expect(x).not.toContain("arrivalphase");
    expect(x).toContain('<option type="ts_jabber" name="passwd" value="p&amp;w"/>');
    expect(x).toContain('<option type="ts_jabber" name="domain" value="o1.localhost"/>');
    expect(x).toContain('<for from="1" to="500" var="i">');
    expect(x).toContain('<thinktime value="0.020" random="false"/>');
    expect(x).toContain('[&quot;rcpt-0@o1.localhost&quot;,&quot;rcpt-1@o1.localhost&quot;]');
    expect(x).toContain("pushlab-load #%%_stamp%%");
    expect(x).toMatch(/<jabber type="auth_sasl" ack="local"\/>/);
    expect(x).not.toMatch(/<!--[^>]*--[^>]/); // no "--" inside a comment (Tsung refuses the file)
  });
});

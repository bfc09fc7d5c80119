// The coverage scenarios of issue 12 can fail: for each class the suite used to miss (option
// defaults, timer bounds, JID comparison, ties, registration identity, the app server's timing,
// stanza shapes), a deliberately broken engine makes that class's scenario go red, while the
// unbroken engine passes it. Engine modules are wrapped with vi.mock (consulting `broken`);
// the batch timer, a private method, is patched on the prototype.
import { afterEach, describe, expect, it, vi } from "vitest";
import { PushEngine } from "../../engine/engine.ts";
import { loadScenarioFile } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import type { Scenario } from "../../simulator/scenario/model.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";

const broken = vi.hoisted(() => ({ active: null as string | null }));

// Options as the engine resolves them: a limit or timer off by a factor.
vi.mock("../../engine/options.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/options.ts")>();
  return {
    ...real,
    resolvePushOptions: (input?: Record<string, unknown>) => {
      const o = real.resolvePushOptions(input);
      switch (broken.active) {
        case "max-devices-one-short":
          return { ...o, push_max_devices: o.push_max_devices - 1 };
        case "max-errors-one-short":
          return { ...o, push_max_errors: o.push_max_errors - 1 };
        case "extension-half":
          return { ...o, push_max_hibernation_timeout: o.push_max_hibernation_timeout / 2 };
        case "extension-and-half":
          return { ...o, push_max_hibernation_timeout: o.push_max_hibernation_timeout * 1.5 };
        case "reply-timeout-quarter":
          return { ...o, push_reply_timeout: o.push_reply_timeout / 4 };
        case "reply-timeout-double":
          return { ...o, push_reply_timeout: o.push_reply_timeout * 2 };
        case "reply-timeout-fixed-2s":
          return { ...o, push_reply_timeout: 2 };
        default:
          return o;
      }
    },
  };
});

// JIDs compared as strings: no case folding of local or domain parts.
vi.mock("../../engine/jid.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/jid.ts")>();
  const exact = () => broken.active === "jid-exact";
  const parseJid = (s: string) => {
    const j = real.parseJid(s);
    if (!j || !exact()) return j;
    const bare = s.split("/")[0]!;
    return { ...j, domain: bare.slice(bare.indexOf("@") + 1) };
  };
  const fullOf = (j: { local: string; domain: string; resource: string }) => {
    if (!exact()) return real.fullOf(j);
    const bare = j.local ? `${j.local}@${j.domain}` : j.domain;
    return j.resource ? `${bare}/${j.resource}` : bare;
  };
  return {
    ...real,
    parseJid,
    bareOf: (j: { local: string; domain: string; resource: string }) => (exact() ? (j.local ? `${j.local}@${j.domain}` : j.domain) : real.bareOf(j)),
    fullOf,
    // sameFull calls jid.ts's own parseJid and fullOf, which this mock does not reach: broken too.
    sameFull: (a: string, b: string) => {
      if (!exact()) return real.sameFull(a, b);
      const ja = parseJid(a);
      const jb = parseJid(b);
      return !!ja && !!jb && fullOf(ja) === fullOf(jb);
    },
  };
});

// Registration identity and eviction order.
vi.mock("../../engine/registrations.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/registrations.ts")>();
  return {
    ...real,
    enable: (args: Parameters<typeof real.enable>[0]) => {
      const user = args.session.user;
      if (broken.active === "identity-jid-only") {
        // A registration keyed by the app server's JID alone: a second node replaces the first.
        const jid = args.command.attrs.jid;
        const rec = args.store.load(user);
        const others = rec.registrations.filter((r) => r.jid !== jid);
        if (others.length !== rec.registrations.length) args.store.save(user, { ...rec, registrations: others });
        return real.enable(args);
      }
      if (broken.active === "tie-evicts-newest") {
        // Oldest enable time first, but among equal times the one enabled last goes.
        const max = args.options.push_max_devices;
        const out = real.enable({ ...args, options: { ...args.options, push_max_devices: Number.MAX_SAFE_INTEGER } });
        const rec = args.store.load(user);
        if (!out.added || rec.registrations.length <= max) return out;
        const order = [...rec.registrations].sort((a, b) => a.enabledAt - b.enabledAt || b.seq - a.seq);
        const evicted = order.slice(0, rec.registrations.length - max);
        args.store.save(user, { ...rec, registrations: rec.registrations.filter((r) => !evicted.includes(r)) });
        return { ...out, removed: evicted };
      }
      return real.enable(args);
    },
  };
});

// What makes a message important.
vi.mock("../../engine/classify.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/classify.ts")>();
  return {
    ...real,
    classify: (stanza: Parameters<typeof real.classify>[0]) => {
      const c = real.classify(stanza);
      const m = c.message;
      if (!m) return c;
      if (broken.active === "important-needs-body") return { ...c, important: c.important && real.bodyText(m) !== null };
      if (broken.active === "subject-unimportant" && m.getChild("subject")) return { ...c, important: false };
      return c;
    },
  };
});

/** The batch timer of R-HIB-QUEUE with another length. */
function batchOf(ms: number): () => void {
  const proto = PushEngine.prototype as unknown as Record<string, unknown>;
  const original = proto.stanzaQueued;
  proto.stanzaQueued = function (this: any, session: any, ks: any) {
    if (this.bound(session).length === 0) return;
    const st = this.state(session);
    st.batch.push(ks);
    st.timer ??= this.clock.setTimer(ms, () => this.flushBatch(session.id));
  };
  return () => void (proto.stanzaQueued = original);
}

function scenario(file: string): Scenario {
  const [l] = loadScenarioFile(`scenarios/${file}`);
  if (!l?.ok) throw new Error(`${file} does not load`);
  return l.scenario;
}

async function verdict(file: string): Promise<string> {
  const r = await runScenario(scenario(file), createEngineTarget());
  return r.verdict;
}

let restore: (() => void) | undefined;
afterEach(() => {
  broken.active = null;
  restore?.();
  restore = undefined;
});

/** [class, what is broken, mutant, scenarios that must fail, scenarios that still pass]. */
const CASES: [string, string, string | (() => () => void), string[], string[]][] = [
  ["defaults", "one registration fewer than push_max_devices", "max-devices-one-short", ["registration/R-MAXDEV-default.yaml"], []],
  ["defaults", "registration removed one error early", "max-errors-one-short", ["errors/R-ERR-COUNT-default.yaml"], []],
  ["timer bounds", "batch window of 500 ms", () => batchOf(500), ["hibernation/R-HIB-QUEUE-batch-window.yaml"], []],
  ["timer bounds", "batch window of 1.5 s", () => batchOf(1500), ["hibernation/R-HIB-QUEUE-batch-window.yaml"], []],
  ["timer bounds", "hibernation extension half as long", "extension-half", ["hibernation/R-HIB-EXTEND-limit.yaml"], []],
  ["timer bounds", "hibernation extension half as long again", "extension-and-half", ["hibernation/R-HIB-EXTEND-limit.yaml"], []],
  ["timer bounds", "reply timeout a quarter as long", "reply-timeout-quarter", ["errors/R-REPLY-TIMEOUT.yaml"], []],
  ["timer bounds", "reply timeout twice as long", "reply-timeout-double", ["errors/R-REPLY-TIMEOUT.yaml"], []],
  ["JID comparison", "JIDs compared as strings", "jid-exact", ["registration/R-ENABLE-SELF-case.yaml", "registration/R-DISABLE-jid-case.yaml", "registration/R-ENABLE-JID-PREP.yaml"], ["offline/R-OFFLINE-each-message.yaml"]],
  ["ties", "on equal enable times the newest is evicted", "tie-evicts-newest", ["registration/R-MAXDEV-tie.yaml"], ["registration/R-MAXDEV-default.yaml"]],
  ["registration identity", "a registration keyed by the app server's JID alone", "identity-jid-only", ["registration/R-DISABLE-same-app-nodes.yaml", "errors/R-ERR-COUNT-per-node.yaml"], ["registration/R-ENABLE.yaml"]],
  ["app server timing", "replies forgotten after 2 s whatever the option says", "reply-timeout-fixed-2s", ["errors/R-ERR-COUNT-late-reply.yaml"], []],
  ["stanza shapes", "only a message with a body element is important", "important-needs-body", ["important/R-IMPORTANT-omemo-no-body.yaml"], ["important/R-IMPORTANT-omemo.yaml"]],
  ["stanza shapes", "a subject makes any message unimportant", "subject-unimportant", ["important/R-IMPORTANT-chat-subject.yaml"], ["important/R-IMPORTANT-groupchat-subject.yaml"]],
];

describe("coverage scenarios go red on a broken engine", () => {
  const all = [...new Set(CASES.flatMap(([, , , fail, pass]) => [...fail, ...pass]))];
  it("the unbroken engine passes every one of them", async () => {
    const verdicts = await Promise.all(all.map(async (f) => [f, await verdict(f)]));
    expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(all.map((f) => [f, "passed"])));
  });

  for (const [cls, what, mutant, mustFail, stillPass] of CASES) {
    it(`${cls}: ${what}`, async () => {
      if (typeof mutant === "string") broken.active = mutant;
      else restore = mutant();
      for (const f of mustFail) expect(await verdict(f), `${f} should fail with ${what}`).toBe("failed");
      for (const f of stillPass) expect(await verdict(f), `${f} should not notice ${what}`).toBe("passed");
    });
  }
});

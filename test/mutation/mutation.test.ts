// Break the engine on purpose, one rule at a time, and watch that rule's scenarios go red.
// Module-level functions are wrapped with vi.mock (consulting mutantState); engine methods are
// patched on the prototype by each mutant. Every listed scenario must pass unbroken first.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadScenarioFile } from "../../simulator/scenario/load.ts";
import { runScenario } from "../../simulator/scenario/run-scenario.ts";
import { createEngineTarget } from "../../simulator/targets/engine/index.ts";
import { MUTANTS } from "./mutants.ts";
import { mutantState } from "./state.ts";

vi.mock("../../engine/compose.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/compose.ts")>();
  const { mutantState: st } = await import("./state.ts");
  const { classify, bodyText } = await import("../../engine/classify.ts");
  const { xml } = await import("@xmpp/xml");
  return {
    ...real,
    summarize: (s: Parameters<typeof real.summarize>[0], o: Parameters<typeof real.summarize>[1]) => {
      if (st.active === "with-body-ignored") return real.summarize(s, { ...o, push_notification_with_body: false });
      if (st.active === "sender-always") return real.summarize(s, { ...o, push_notification_with_sender: true });
      const out = real.summarize(s, o);
      if (st.active === "fallback-leaks" && s && o.push_notification_with_body) {
        const m = classify(s).message;
        const b = m ? bodyText(m) : null;
        if (b) out["last-message-body"] = b;
      }
      return out;
    },
    buildPush: (args: Parameters<typeof real.buildPush>[0]) => {
      if (st.active === "pubopts-dropped") return real.buildPush({ ...args, registration: { ...args.registration, publishOptions: undefined } });
      if (st.active === "wrong-from") return real.buildPush({ ...args, domain: "evil.example" });
      const push = real.buildPush(args);
      if (st.active === "pubopts-always" && !args.registration.publishOptions) push.getChild("pubsub")!.append(xml("publish-options", {}));
      if (st.active === "wrong-form-type") {
        const x = push.getChild("pubsub")!.getChild("publish")!.getChild("item")!.getChild("notification")!.getChild("x")!;
        const f = x.getChildren("field").find((c) => c.attrs.var === "FORM_TYPE")!;
        f.children = [xml("value", {}, "urn:example:not-summary")];
      }
      return push;
    },
  };
});

vi.mock("../../engine/registrations.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/registrations.ts")>();
  const { mutantState: st } = await import("./state.ts");
  const { resultReply } = await import("../../engine/replies.ts");
  const { parseJid, bareOf, fullOf } = await import("../../engine/jid.ts");
  return {
    ...real,
    enable: (args: Parameters<typeof real.enable>[0]) => {
      const { iq, command, options, hooks } = args;
      const jid = command.attrs.jid;
      const from = iq.attrs.from ? parseJid(iq.attrs.from) : null;
      if (st.active === "nojid-accepted" && jid === undefined) return { reply: resultReply(iq), removed: [] };
      if (st.active === "enable-not-stored") return { reply: resultReply(iq), removed: [] };
      if (st.active === "reenable-duplicates") {
        const before = args.store.load(args.session.user).registrations;
        const out = real.enable(args);
        const old = before.find((r) => r.id === out.added?.id);
        if (old) {
          const rec = args.store.load(args.session.user);
          rec.registrations.push({ ...old, id: `${old.id}#again` });
          args.store.save(args.session.user, rec);
        }
        return out;
      }
      if (st.active === "self-accepted" && from && jid === fullOf(from)) command.attrs.jid = "other.example";
      if (st.active === "bare-accepted" && from && jid === bareOf(from)) command.attrs.jid = "other.example";
      if (st.active === "maxdev-ignored") return real.enable({ ...args, options: { ...options, push_max_devices: 1000 } });
      if (st.active === "veto-reg-ignored") return real.enable({ ...args, hooks: { ...hooks, registration: undefined } });
      if (st.active === "evict-newest") {
        const out = real.enable({ ...args, options: { ...options, push_max_devices: 1000 } });
        const rec = args.store.load(args.session.user);
        rec.registrations.sort(real.byAge);
        while (rec.registrations.length > options.push_max_devices) {
          const i = rec.registrations.findLastIndex((r) => r.id !== out.added?.id);
          rec.registrations.splice(i, 1);
        }
        args.store.save(args.session.user, rec);
        return out;
      }
      const out = real.enable(args);
      if (st.active === "storefail-hidden" && out.reply.attrs.type === "error") return { reply: resultReply(iq), removed: [] };
      return out;
    },
    disable: (args: Parameters<typeof real.disable>[0]) =>
      st.active === "disable-noop" ? { reply: resultReply(args.iq), removed: [] } : real.disable(args),
    isBound: (...a: Parameters<typeof real.isBound>) => (st.active === "unbound" ? false : real.isBound(...a)),
  };
});

vi.mock("../../engine/classify.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../engine/classify.ts")>();
  const { mutantState: st } = await import("./state.ts");
  return {
    ...real,
    classify: (s: Parameters<typeof real.classify>[0]) => {
      const c = real.classify(s);
      if (st.active === "urgent-ignored") return { ...c, urgent: false };
      if (st.active === "importance-body-only" && c.message) return { ...c, important: (real.bodyText(c.message) ?? "") !== "" };
      if (st.active === "headline-important" && c.message) return { ...c, important: c.sealed || (real.bodyText(c.message) ?? "") !== "" };
      return c;
    },
  };
});

async function verdictOf(file: string): Promise<{ verdict: string; message: string }> {
  const [loaded] = loadScenarioFile(`scenarios/${file}`);
  if (!loaded?.ok) throw new Error(`scenario ${file} does not load`);
  const r = await runScenario(loaded.scenario, createEngineTarget());
  return { verdict: r.verdict, message: r.findings[0]?.message ?? "" };
}

const table: string[] = [];

afterEach(() => {
  mutantState.active = null;
});

describe("break the engine on purpose", () => {
  it("every scenario named below passes on the unbroken engine", async () => {
    const files = [...new Set(MUTANTS.flatMap((m) => m.scenarios))];
    for (const f of files) expect((await verdictOf(f)).verdict, f).toBe("passed");
  });

  for (const m of MUTANTS) {
    it(`${m.rule}: ${m.broken} → its scenarios fail`, async () => {
      mutantState.active = m.id;
      const restore = m.patch?.();
      try {
        for (const f of m.scenarios) {
          const v = await verdictOf(f);
          table.push(`| ${m.rule} | ${f} | ${m.broken} | ${v.verdict}: ${v.message.replace(/\|/g, "/").slice(0, 90)} |`);
          expect(v.verdict, `${f} under mutant ${m.id}`).toBe("failed");
        }
      } finally {
        restore?.();
      }
    });
  }

  it("writes the mutation table (reports/out/mutation.md)", () => {
    mkdirSync("reports/out", { recursive: true });
    writeFileSync("reports/out/mutation.md", ["| rule | scenario | what was broken | verdict |", "|---|---|---|---|", ...table].join("\n") + "\n");
    expect(table.length).toBeGreaterThanOrEqual(MUTANTS.length);
  });
});

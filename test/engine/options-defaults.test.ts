// Option defaults seen in behaviour (scenarios nearly always set their own limits, so a wrong
// default would go unseen there), and option validation with its messages.
import { xml } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { OptionError, resolvePushOptions } from "../../engine/options.ts";
import { fields, harness, must, noThrow } from "./harness.ts";

const cancel = (id: string) =>
  xml("iq", { type: "error", id, from: "push.example" }, xml("error", { type: "cancel" }, xml("item-not-found", { xmlns: "urn:ietf:params:xml:ns:xmpp-stanzas" })));

/** alice, offline, with one registration; push(key) pushes one message and returns the push. */
function offlineAlice(options: Record<string, unknown> = {}) {
  const h = harness(options);
  h.enable(h.session("alice", "phone"), "push.example", "n1");
  h.sessions.length = 0;
  const push = (key: string) => {
    const before = h.sent.length;
    h.engine.messageOffline("alice", { stanza: h.message("alice@example.org"), key });
    return h.sent.length > before ? must(h.sent.at(-1), "the push") : undefined;
  };
  return { ...h, push };
}

describe("option defaults, as behaviour", () => {
  it("push_max_errors defaults to 16: fifteen errors keep the registration, the sixteenth removes it", () => {
    const h = offlineAlice();
    for (let i = 1; i <= 15; i++) h.engine.handleAppReply(cancel(h.push(`m${i}`)?.attrs.id!));
    expect(h.store.load("alice").errors).toEqual({ "push.example<n1": 15 });
    h.engine.handleAppReply(cancel(h.push("m16")?.attrs.id!));
    expect(h.store.load("alice").registrations).toEqual([]);
  });

  it("push_max_devices defaults to 5: the sixth registration evicts the first", () => {
    const h = harness();
    const s = h.session("alice", "phone");
    for (let i = 1; i <= 5; i++) h.enable(s, `app${i}.example`, "n");
    expect(h.store.load("alice").registrations).toHaveLength(5);
    h.enable(s, "app6.example", "n");
    expect(h.store.load("alice").registrations.map((r) => r.jid)).toEqual(["app2.example", "app3.example", "app4.example", "app5.example", "app6.example"]);
  });

  it("push_notification_important_body defaults to 'New Message!'; with_body and with_sender default off", () => {
    const h = offlineAlice();
    expect(fields(must(h.push("m"), "the push"))).toEqual({ FORM_TYPE: "urn:xmpp:push:summary", "message-count": "1", "last-message-body": "New Message!" });
  });

  it("push_max_hibernation_timeout defaults to 259200 s (72 h)", () => {
    const h = harness();
    const phone = h.session("alice", "phone", "hibernated");
    h.enable(phone, "push.example", "n1");
    h.engine.hibernationStarted(phone, []);
    expect(h.timeouts).toEqual([{ id: phone.id, seconds: 259200 }]);
  });

  it("push_reply_timeout defaults to 120 s: an unanswered push is pending until then, forgotten from then", () => {
    const h = offlineAlice();
    const p = must(h.push("m1"), "the push");
    h.clock.advance(120_000 - 1);
    expect(h.engine.stats().pending).toBe(1);
    h.clock.advance(1);
    expect(h.engine.stats().pending).toBe(0);
    expect(h.engine.handleAppReply(cancel(p.attrs.id!))).toBe(false); // too late: not ours any more
    expect(h.store.load("alice").errors).toEqual({});
  });

  it("push_dedup_memory defaults to 4096 keys per registration: the 4097th forgets the first", () => {
    const h = offlineAlice();
    for (let i = 0; i < 4096; i++) h.push(`k${i}`);
    expect(h.push("k0")).toBeUndefined(); // still remembered
    h.push("k4096");
    expect(h.push("k0")).toBeDefined(); // the oldest key was forgotten: pushed again (and remembered,
    expect(h.push("k2")).toBeUndefined(); // which forgets k1, not k2)
    expect(h.push("k1")).toBeDefined();
  });
});

describe("option validation names the option and says what was wrong", () => {
  it.each([
    [{ push_notification_with_body: "yes" }, 'option push_notification_with_body: expected true or false, got "yes"'],
    [{ push_notification_important_body: 5 }, "option push_notification_important_body: expected a string, got number 5"],
    [{ push_notification_important_body: null }, "option push_notification_important_body: expected a string, got null"],
    [{ push_max_devices: "5" }, 'option push_max_devices: expected a number, got "5"'],
    [{ push_max_devices: [5] }, "option push_max_devices: expected a number, got a list"],
    [{ push_max_devices: { n: 5 } }, "option push_max_devices: expected a number, got a mapping"],
    [{ push_reply_timeout: Number.POSITIVE_INFINITY }, "option push_reply_timeout: expected a number, got number Infinity"],
    [{ push_reply_timeout: -1 }, "option push_reply_timeout: must not be negative, got -1"],
    [{ push_max_errors: -2 }, "option push_max_errors: must not be negative, got -2"],
    [{ push_max_devices: 0 }, "option push_max_devices: expected a whole number ≥ 1, got 0"],
    [{ push_dedup_memory: 2.5 }, "option push_dedup_memory: expected a whole number ≥ 1, got 2.5"],
    [{ push_notificaton_with_body: true }, "option push_notificaton_with_body: unknown option"],
  ])("%j → %s", (input, message) => {
    let thrown: unknown;
    try {
      resolvePushOptions(input as Record<string, unknown>);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(OptionError);
    expect((thrown as OptionError).name).toBe("OptionError");
    expect((thrown as OptionError).message).toBe(message);
    expect((thrown as OptionError).option).toBe(Object.keys(input)[0]);
  });

  it("accepts the edges: 0 seconds, fractions of seconds, 1 as a count, an empty placeholder; undefined means the default", () => {
    const opts = noThrow("resolvePushOptions", () =>
      resolvePushOptions({
        push_reply_timeout: 0,
        push_max_hibernation_timeout: 0.5,
        push_max_devices: 1,
        push_dedup_memory: 2,
        push_notification_important_body: "",
        push_max_errors: undefined,
      }),
    );
    expect(opts).toMatchObject({ push_reply_timeout: 0, push_max_hibernation_timeout: 0.5, push_max_devices: 1, push_dedup_memory: 2, push_notification_important_body: "", push_max_errors: 16 });
  });

  it("accepts every kind with a value of its type", () => {
    const given = { push_notification_with_body: true, push_notification_with_sender: false, push_notification_important_body: "Ring!", push_max_errors: 3, push_reply_timeout: 7.5 };
    expect(noThrow("resolvePushOptions", () => resolvePushOptions(given))).toMatchObject(given);
  });
});

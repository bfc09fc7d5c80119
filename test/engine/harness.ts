// A bare engine with a recording port and a virtual clock, for unit tests of single rules.
import { xml, type Element } from "@xmpp/xml";
import { expect } from "vitest";
import { PushEngine, type EngineDeps } from "../../engine/engine.ts";
import type { Logger, SessionView } from "../../engine/ports.ts";
import { MemoryStore } from "../../engine/store.ts";
import { VirtualClock } from "../../simulator/clock.ts";

/** Extra engine dependencies a test may give (a store that counts writes, hooks, a logger …). */
export type HarnessExtras = Partial<Pick<EngineDeps, "store" | "hooks" | "log" | "onPush" | "newId">>;

export function harness(options: Record<string, unknown> = {}, extras: HarnessExtras = {}) {
  const clock = new VirtualClock();
  const store = (extras.store as MemoryStore | undefined) ?? new MemoryStore();
  const sent: Element[] = [];
  const sessions: SessionView[] = [];
  const timeouts: { id: string; seconds: number | null }[] = [];
  const engine = new PushEngine({
    options,
    store,
    clock,
    port: {
      domain: "example.org",
      send: (el) => sent.push(el),
      sessions: (user) => sessions.filter((s) => s.user === user),
      setHibernationTimeout: (id, seconds) => timeouts.push({ id, seconds }),
    },
    ...extras,
  });
  const session = (user: string, resource: string, state: "live" | "hibernated" = "live", clientId?: string): SessionView => {
    const s: SessionView = { id: `${user}/${resource}`, user, resource, state, ...(clientId && { clientId }) };
    sessions.push(s);
    return s;
  };
  const enable = (s: SessionView, jid: string | undefined, node?: string, form?: Element) => {
    const attrs: Record<string, string> = { xmlns: "urn:xmpp:push:0" };
    if (jid !== undefined) attrs.jid = jid;
    if (node !== undefined) attrs.node = node;
    const iq = xml("iq", { type: "set", id: "e1", from: `${s.user}@example.org/${s.resource}` }, xml("enable", attrs, form));
    return must(engine.handleIq(s, iq), "the enable reply");
  };
  const message = (to: string, children: Element[] = [xml("body", {}, "hi")], attrs: Record<string, string> = {}) =>
    xml("message", { from: "bob@example.org/laptop", to, type: "chat", ...attrs }, ...children);
  return { engine, clock, store, sent, sessions, timeouts, session, enable, message };
}

/** The value, asserted present: a missing push or reply is a wrong behaviour, and must be seen by
 * an assertion (the mutation run does not count a TypeError in a test as a kill). */
export function must<T>(value: T | null | undefined, what: string): T {
  expect(value ?? undefined, `${what} is missing`).toBeDefined();
  return value as T;
}

/** Runs fn, asserting that it does not throw (the engine's public methods never do), and returns
 * its value: an exception out of the engine is then an assertion failure, not a crash. */
export function noThrow<T>(what: string, fn: () => T): T {
  let out: T | undefined;
  expect(() => void (out = fn()), what).not.toThrow();
  return out as T;
}

/** Runs fn and returns the one push it sent, asserting that it sent exactly one. */
export function onePush(sent: Element[], fn: () => unknown): Element {
  const before = sent.length;
  fn();
  expect(sent.length - before, "pushes sent").toBe(1);
  return sent[before]!;
}

export function fields(push: Element | undefined): Record<string, string> {
  const x = must(push?.getChild("pubsub")?.getChild("publish")?.getChild("item")?.getChild("notification")?.getChild("x"), "the push's summary form");
  return Object.fromEntries(x.getChildren("field").map((f) => [f.attrs.var!, f.getChildText("value") ?? ""]));
}

export interface LogLine {
  level: "debug" | "info" | "warn";
  obj: Record<string, unknown>;
  msg?: string;
}

/** A logger that keeps what it is told (the engine's only channel for what it ignored and why). */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine["level"]) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn") };
}

/** Error replies to a client, read with the harness's own helper, plus their <text/>. */
export function errorText(reply: Element): string | undefined {
  return reply.getChild("error")?.getChild("text", "urn:ietf:params:xml:ns:xmpp-stanzas")?.getText();
}

export const chatState = () => xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" });
export const call = () => xml("propose", { xmlns: "urn:xmpp:jingle-message:0", id: "c1" }, xml("description", { xmlns: "urn:xmpp:jingle:apps:rtp:1", media: "audio" }));
export const omemo = () => xml("encrypted", { xmlns: "eu.siacs.conversations.axolotl" }, xml("payload", {}, "ciphertext"));

/** The pushed node of each push, in order. */
export function nodesOf(pushes: Element[]): (string | undefined)[] {
  return pushes.map((p) => p.getChild("pubsub")?.getChild("publish")?.attrs.node);
}

// The accept side of XEP-0114, with @xmpp/component 0.13.1 as the connecting side (and raw
// sockets for what a well-behaved component never sends).
import { connect } from "node:net";
import { component, xml } from "@xmpp/component";
import type { Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { ComponentAcceptServer, handshakeDigest } from "../../simulator/receiver/component-accept.ts";

const DOMAIN = "push.test.localhost";
const SECRET = "s3cr3t-ä"; // non-ASCII: both sides hash the same bytes
const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close().catch(() => {});
});

async function listener(extra: Partial<Parameters<typeof ComponentAcceptServer.listen>[0]> = {}): Promise<ComponentAcceptServer> {
  const l = await ComponentAcceptServer.listen({ domain: DOMAIN, secret: SECRET, ...extra });
  open.push(l);
  return l;
}

/** Starts an @xmpp/component; resolves with it, or with the error its start() rejected with. */
async function startComponent(port: number, domain = DOMAIN, password = SECRET) {
  const c = component({ service: `xmpp://127.0.0.1:${port}`, domain, password });
  c.on("error", () => {});
  open.push({ close: async () => { c.reconnect.stop(); await c.stop().catch(() => c.socket?.destroy()); } });
  try {
    await c.start();
    return { c, error: undefined as (Error & { condition?: string }) | undefined };
  } catch (e) {
    c.reconnect.stop();
    return { c, error: e as Error & { condition?: string } };
  }
}

/** Talks raw XML; resolves with everything the listener wrote until it closed the connection. */
function raw(port: number, text: string, ms = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    let got = "";
    const t = setTimeout(() => { s.destroy(); reject(new Error(`still open after ${ms} ms; got: ${got}`)); }, ms);
    s.on("data", (d) => (got += d.toString("utf8")));
    s.on("close", () => { clearTimeout(t); resolve(got); });
    s.on("connect", () => { if (text) s.write(text); });
    s.on("error", () => {});
  });
}

const header = (ns = "jabber:component:accept", to = DOMAIN) =>
  `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='${ns}' to='${to}'>`;

describe("XEP-0114 accept listener", () => {
  it("handshake = hex SHA-1 of stream id + secret", () => {
    // sha1("abc") is the FIPS 180 test vector a9993e36…
    expect(handshakeDigest("ab", "c")).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(handshakeDigest("id", "pw")).toMatch(/^[0-9a-f]{40}$/);
    expect(handshakeDigest("id", "pw")).not.toBe(handshakeDigest("id", "pw2"));
  });

  it("lets a component with the right secret in, and carries stanzas both ways", async () => {
    const l = await listener();
    const got: Element[] = [];
    l.onStanza((el) => got.push(el));
    const { c, error } = await startComponent(l.port);
    expect(error).toBeUndefined();
    expect(l.online).toBe(true);
    const toComponent = new Promise<Element>((resolve) => c.on("stanza", resolve));
    expect(l.send(xml("message", { from: "localhost", to: DOMAIN }, xml("body", {}, "héllo <&>")))).toBe(true);
    const m = await toComponent;
    expect(m.getChildText("body")).toBe("héllo <&>");
    await c.send(xml("message", { to: "localhost" }, xml("body", {}, "back")));
    await expect.poll(() => got.length).toBe(1);
    expect(got[0]!.attrs.from).toBe(DOMAIN);
    expect(got[0]!.getChildText("body")).toBe("back");
  });

  it("refuses a wrong secret with not-authorized", async () => {
    const l = await listener();
    const { error } = await startComponent(l.port, DOMAIN, "wrong");
    expect(error?.condition ?? error?.message).toBe("not-authorized");
    expect(l.online).toBe(false);
  });

  it("refuses another domain with host-unknown", async () => {
    const l = await listener();
    const { error } = await startComponent(l.port, "other.localhost");
    expect(error?.condition ?? error?.message).toBe("host-unknown");
  });

  it("refuses a stream in another namespace with invalid-namespace", async () => {
    const l = await listener();
    const out = await raw(l.port, header("jabber:client"));
    expect(out).toContain("<invalid-namespace xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
    expect(out).toContain("<stream:stream"); // our header comes first (RFC 6120 §4.9.1.2)
    const out2 = await raw(l.port, `<stream xmlns='jabber:component:accept' to='${DOMAIN}'>`);
    expect(out2).toContain("<invalid-namespace");
  });

  it("refuses a stanza before the handshake with not-authorized", async () => {
    const l = await listener();
    const out = await raw(l.port, `${header()}<message to='x'/>`);
    expect(out).toContain("<not-authorized");
  });

  it("closes a silent connection with connection-timeout", async () => {
    const l = await listener({ headerTimeoutMs: 200, handshakeTimeoutMs: 200 });
    expect(await raw(l.port, "")).toContain("<connection-timeout");
    expect(await raw(l.port, header())).toContain("<connection-timeout");
  });

  it("bounds a stanza's size with policy-violation, and bad XML with not-well-formed", async () => {
    const l = await listener({ maxStanzaBytes: 10_000 });
    const { c } = await startComponent(l.port);
    const closed = new Promise<void>((resolve) => c.on("disconnect", () => resolve()));
    c.reconnect.stop();
    c.socket.write(`<message to='x'><body>${"a".repeat(20_000)}</body></message>`);
    await closed;
    expect(l.online).toBe(false);
    expect(l.lastClose).toMatch(/policy-violation/);
    expect(await raw(l.port, `${header()}<a></b>`)).toMatch(/not-well-formed|not-authorized/);
  });

  it("lets a second component in only after the first is gone (conflict)", async () => {
    const l = await listener();
    const first = await startComponent(l.port);
    expect(first.error).toBeUndefined();
    const second = await startComponent(l.port);
    expect(second.error?.condition ?? second.error?.message).toBe("conflict");
    first.c.reconnect.stop();
    await first.c.stop();
    await expect.poll(() => l.online).toBe(false);
    const third = await startComponent(l.port);
    expect(third.error).toBeUndefined();
    expect(l.sessions).toBe(2);
  });
});

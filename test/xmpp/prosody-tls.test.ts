// The three TLS modes of the xmpp target against a Prosody that refuses plain-text clients
// (c2s_require_encryption) with a certificate made at run time: STARTTLS and direct TLS with
// the CA given, a self-signed certificate given as its own CA, --insecure-tls, and the clear
// errors when the certificate cannot be trusted or TLS is off.
import { afterAll, beforeAll, expect, it } from "vitest";
import { run } from "../../simulator/runner.ts";
import { createXmppTarget } from "../../simulator/targets/xmpp/index.ts";
import type { ProsodyServer } from "../../simulator/targets/prosody/prosody-server.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY, PROSODY_HINT } from "../prosody/support.ts";
import { caSignedCert, selfSignedCert, type CertFiles } from "./certs.ts";
import { DEFAULT_HOST, settingsFor, startProsody } from "./support.ts";

// An offline push, a drop into hibernation, and a resumption: each reconnects through TLS.
const SCENARIOS = ["scenarios/offline/R-OFFLINE-each-message.yaml", "scenarios/hibernation/R-HIB-QUEUE.yaml", "scenarios/hibernation/R-RESUME.yaml"];

async function passes(settings: ReturnType<typeof settingsFor>): Promise<void> {
  const report = await run({ paths: SCENARIOS, targets: [createXmppTarget(settings)], reporters: [] });
  expect(report.scenarios.map((r) => `${r.verdict} ${r.findings.map((f) => f.message).join("; ")}`)).toEqual(["passed ", "passed ", "passed "]);
}

describeWithServer("xmpp target: TLS modes", PROSODY, PROSODY_HINT, () => {
  let certs: CertFiles;
  let srv: ProsodyServer;
  beforeAll(async () => {
    certs = caSignedCert([DEFAULT_HOST.name]);
    srv = await startProsody([DEFAULT_HOST], { extras: { registration: true, tls: { certificate: certs.cert, key: certs.key, require: true, directTls: true } } });
  });
  afterAll(async () => {
    await srv?.stop();
    certs?.remove();
  });

  it("STARTTLS with the CA given: scenarios pass (plain text would be refused)", async () => {
    await passes(settingsFor(srv, DEFAULT_HOST, { tls: "starttls", ca: certs.caCert }));
  });

  it("direct TLS (xmpps) with the CA given: scenarios pass", async () => {
    await passes(settingsFor(srv, DEFAULT_HOST, { tls: "direct", port: srv.directTlsPort!, ca: certs.caCert }));
  });

  it("--insecure-tls accepts the certificate unchecked", async () => {
    const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST, { tls: "starttls", "insecure-tls": true }));
    const info = await target.start();
    await target.stop();
    expect(info.details!.c2s).toBe(`127.0.0.1:${srv.c2sPort} (STARTTLS, any certificate)`);
  });

  it("an untrusted certificate, a plain-text client and a wrong port type fail start() at once, saying what to do", async () => {
    const cases: [Parameters<typeof settingsFor>[2], RegExp][] = [
      [{ tls: "starttls" }, /TLS handshake failed: unable to verify the first certificate \(trust the server's CA with --ca FILE, or --insecure-tls for a test server\)/],
      [{ tls: "direct", port: srv.directTlsPort! }, /unable to verify the first certificate \(trust the server's CA/],
      [{ tls: "none" }, /the server requires TLS \(STARTTLS <required\/>\): use --tls starttls/],
      [{ tls: "direct", ca: certs.caCert }, /wrong version number.*\(no TLS on this port: is it a STARTTLS port\? try --tls starttls\)/],
    ];
    for (const [over, message] of cases) {
      const t0 = Date.now();
      const target = createXmppTarget(settingsFor(srv, DEFAULT_HOST, over));
      await expect(target.start()).rejects.toThrow(message);
      expect(Date.now() - t0).toBeLessThan(3_000); // not a timeout
    }
  });
});

describeWithServer("xmpp target: a self-signed certificate", PROSODY, PROSODY_HINT, () => {
  it("is trusted when given as its own CA (--ca cert.pem), over direct TLS", async () => {
    const self = selfSignedCert([DEFAULT_HOST.name]);
    const srv = await startProsody([DEFAULT_HOST], { extras: { registration: true, tls: { certificate: self.cert, key: self.key, require: true, directTls: true } } });
    try {
      await passes(settingsFor(srv, DEFAULT_HOST, { tls: "direct", port: srv.directTlsPort!, ca: self.caCert }));
      const other = selfSignedCert(["someone-else.example"]);
      try {
        await expect(createXmppTarget(settingsFor(srv, DEFAULT_HOST, { tls: "direct", port: srv.directTlsPort!, ca: other.caCert })).start()).rejects.toThrow(/trust the server's CA/);
      } finally {
        other.remove();
      }
    } finally {
      await srv.stop();
      self.remove();
    }
  });
});

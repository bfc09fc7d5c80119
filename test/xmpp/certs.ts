// Certificates made at test time with openssl: a CA and a server certificate it signed, or a
// self-signed one, for the names given (subjectAltName DNS entries). Nothing is checked in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  dir: string;
  caCert: string; // the CA (for a self-signed set: the certificate itself)
  cert: string;
  key: string;
  remove(): void;
}

function openssl(args: string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
}

const san = (names: string[]) => `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}`;

/** A CA and a server certificate for `names` signed by it (one day). */
export function caSignedCert(names: string[]): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-certs-"));
  const f = (n: string) => join(dir, n);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=pushlab test CA", "-keyout", f("ca.key"), "-out", f("ca.crt"),
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${names[0]}`, "-keyout", f("server.key"), "-out", f("server.csr")]);
  openssl(["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "1", "-out", f("server.crt"),
    "-extfile", writeExt(dir, names)]);
  return { dir, caCert: f("ca.crt"), cert: f("server.crt"), key: f("server.key"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function writeExt(dir: string, names: string[]): string {
  const file = join(dir, "server.ext");
  execFileSync("sh", ["-c", `printf '%s\\n' "$1" > "$2"`, "sh", san(names), file]);
  return file;
}

/** A self-signed server certificate for `names` (one day). */
export function selfSignedCert(names: string[]): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), "pushlab-certs-"));
  const f = (n: string) => join(dir, n);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${names[0]}`, "-keyout", f("server.key"), "-out", f("server.crt"), "-addext", san(names)]);
  return { dir, caCert: f("server.crt"), cert: f("server.crt"), key: f("server.key"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Is ejabberd installed here, as whom must it run, and which version is it (Debian package).
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export const INSTALL_HINT = "install ejabberd (Debian package)";
export const EJABBERD_USER = "ejabberd";

function findOnPath(bin: string): string | undefined {
  // ejabberdctl lives in /usr/sbin, which a non-login PATH may lack.
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs.filter(Boolean)) {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return join(dir, bin);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

export function ejabberdctlPath(): string {
  const p = findOnPath("ejabberdctl");
  if (!p) throw new Error(`no 'ejabberdctl' on PATH: ${INSTALL_HINT}`);
  return p;
}

/** uid/gid of a system user from /etc/passwd, or undefined. */
function passwdEntry(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const f = line.split(":");
      if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no passwd file */
  }
  return undefined;
}

/**
 * ejabberdctl runs only as root (it then switches to user ejabberd through su) or as user
 * ejabberd. As root we start it as that user ourselves, so the beam is our direct descendant.
 * Undefined: run as we are (we are the ejabberd user).
 */
export function runAsUser(): { uid: number; gid: number } | undefined {
  const uid = process.getuid?.();
  const me = passwdEntry(EJABBERD_USER);
  if (uid === 0) {
    if (!me) throw new Error(`no system user '${EJABBERD_USER}': ${INSTALL_HINT}`);
    return me;
  }
  if (me && uid === me.uid) return undefined;
  throw new Error(`ejabberdctl runs only as root or as user ${EJABBERD_USER} (this is uid ${uid})`);
}

export function ejabberdInstalled(): { ok: true } | { ok: false; reason: string } {
  if (!findOnPath("ejabberdctl")) return { ok: false, reason: `no 'ejabberdctl' on PATH: ${INSTALL_HINT}` };
  if (!findOnPath("erl")) return { ok: false, reason: `no 'erl' on PATH: ${INSTALL_HINT}` };
  try {
    runAsUser();
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  return { ok: true };
}

/** ejabberd's own version, from its library dir (e.g. /usr/lib/x86_64-linux-gnu/ejabberd-23.01). */
export function ejabberdVersion(): string {
  for (const base of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]) {
    try {
      const dirs = readdirSync(base).filter((d) => /^ejabberd-\d+\.\d+$/.test(d));
      if (dirs.length > 0) return dirs.sort().at(-1)!.slice("ejabberd-".length);
    } catch {
      /* no such dir */
    }
  }
  return "unknown";
}

/** The Debian package version, e.g. 23.01-1 (undefined when not installed by dpkg). */
export function debianPackageVersion(): string | undefined {
  try {
    const v = execFileSync("dpkg-query", ["-W", "-f", "${Version}", "ejabberd"], { encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
    return v || undefined;
  } catch {
    return undefined;
  }
}

/** "ejabberd 23.01 (Debian 23.01-1)", the form the expectation file's observed-on uses. */
export function versionLabel(): string {
  const deb = debianPackageVersion();
  return `ejabberd ${ejabberdVersion()}${deb ? ` (Debian ${deb})` : ""}`;
}

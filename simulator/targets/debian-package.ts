// The exact build under test, for the report's target card: the version of an installed Debian
// package (dpkg's own record), or undefined where dpkg does not know the package.
import { execFileSync } from "node:child_process";

export function debianPackageVersion(pkg: string): string | undefined {
  try {
    const v = execFileSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8", timeout: 5_000, stdio: ["ignore", "pipe", "ignore"] }).trim();
    return v || undefined;
  } catch {
    return undefined; // no dpkg, or the package is not installed through it
  }
}

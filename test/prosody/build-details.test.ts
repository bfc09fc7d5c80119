// The build under test as the report's target card shows it: package versions from dpkg's own
// record (prosody-modules is versioned apart from Prosody and carries mod_cloud_notify).
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { debianPackageVersion } from "../../simulator/targets/debian-package.ts";
import { describeWithServer } from "../support/require-server.ts";
import { PROSODY } from "./support.ts";

describeWithServer("package versions of the Prosody build", PROSODY, "install prosody prosody-modules", () => {
  it("reads prosody and prosody-modules from dpkg, and says nothing for a package dpkg does not know", () => {
    const dpkg = (pkg: string) => execFileSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" }).trim();
    expect(debianPackageVersion("prosody-modules")).toBe(dpkg("prosody-modules"));
    expect(debianPackageVersion("prosody")).toBe(dpkg("prosody"));
    expect(debianPackageVersion("prosody-modules")).toMatch(/^\d/);
    expect(debianPackageVersion("no-such-package-pushlab")).toBeUndefined();
  });
});

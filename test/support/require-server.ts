// Real-server tests run only where the server is installed. Locally a missing server skips the
// suite (its name says what to install); with PUSHLAB_REQUIRE_SERVERS=1 (CI) it fails instead.
import { describe, it } from "vitest";

export type Availability = { ok: true } | { ok: false; reason: string };

export function serversRequired(): boolean {
  return process.env.PUSHLAB_REQUIRE_SERVERS === "1";
}

/**
 * describe(name, fn) when `availability` is ok; otherwise describe.skip named
 * "<name> (skipped: <hint>)", or — when servers are required — a suite with one failing test.
 */
export function describeWithServer(name: string, availability: Availability, hint: string, fn: () => void): void {
  if (availability.ok) {
    describe(name, fn);
  } else if (serversRequired()) {
    describe(name, () => {
      it("has its server installed (PUSHLAB_REQUIRE_SERVERS=1)", () => {
        throw new Error(availability.reason.includes(hint) ? availability.reason : `${availability.reason} — ${hint}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${hint})`, fn);
  }
}

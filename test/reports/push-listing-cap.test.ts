// A push listing the report's size cap cut short (a flood of long Prosody pushes is more than
// RESULT_LIMITS.text): the readable view keeps the true count, summarises only whole pushes, and
// counts the cut one among those not shown — never as a push of another kind.
import { describe, expect, it } from "vitest";
import { parsePushListing, readableValue } from "../../reports/stanza-text.ts";
import { capResult, RESULT_LIMITS } from "../../simulator/result-cap.ts";
import type { ScenarioResult } from "../../simulator/results.ts";

/** A push the size of Prosody's (long iq ids, the full summary form): ~700 characters. */
const push = (i: number) =>
  `<iq id="${i.toString(16).padStart(64, "0")}" to="push.50-r-offline-25@push.localhost" from="o1.localhost" type="set"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="n1"><item><notification xmlns="urn:xmpp:push:0"><x type="form" xmlns="jabber:x:data"><field var="FORM_TYPE" type="hidden"><value>urn:xmpp:push:summary</value></field><field var="message-count" type="text-single"><value>1</value></field><field var="pending-subscription-count" type="text-single"/><field var="last-message-sender" type="jid-single"/><field var="last-message-body" type="text-single"><value>New Message!</value></field></x></notification></item></publish></pubsub></iq>`;

const listing = `25:\n${Array.from({ length: 25 }, (_, i) => `+${60 + i}ms node=n1 ${push(i)}`).join("\n")}`;

function capped(actual: string): string {
  const r: ScenarioResult = {
    id: "f#0",
    file: "f.yaml",
    name: "flood",
    rules: ["R-OFFLINE"],
    target: "prosody",
    verdict: "failed",
    durationMs: 1,
    findings: [{ check: "push-count", message: "expected at most 1 push(es), got 25", actual }],
    timeline: [],
    source: "",
  };
  return capResult(r).findings[0]!.actual!;
}

describe("a push listing cut by the report's size cap", () => {
  it("is cut: the flood is longer than the cap, and the last line kept is half a push", () => {
    expect(listing.length).toBeGreaterThan(RESULT_LIMITS.text);
    expect(capped(listing).split("\n").at(-1)).toMatch(/… \(\d+ more characters not kept\)$/);
  });

  it("keeps the true count and summarises only whole pushes", () => {
    const cut = capped(listing);
    const parsed = parsePushListing(cut)!;
    expect(parsed.count).toBe(25);
    const whole = cut.split("\n").length - 2; // the head and the half push
    expect(parsed.pushes).toHaveLength(whole);
    expect(parsed.pushes.every((p) => p.xml.endsWith("</iq>"))).toBe(true);
    const lines = readableValue(cut, { maxPushes: 20, width: 400 }).split("\n");
    expect(lines).toEqual([
      "25 pushes in the window:",
      `  +60 ms to ${60 + whole - 1} ms ${whole}× node=n1 message-count="1" pending-subscription-count="" last-message-sender="" last-message-body="New Message!"`,
      `  … and ${25 - whole} more pushes`,
    ]);
  });

  it("an uncut listing is read whole", () => {
    const short = `3:\n${[0, 1, 2].map((i) => `+${60 + i}ms node=n1 ${push(i)}`).join("\n")}`;
    expect(capped(short)).toBe(short);
    expect(parsePushListing(short)!.pushes).toHaveLength(3);
  });
});

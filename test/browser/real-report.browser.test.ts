// The HTML report of real runs in Chromium, as a maintainer meets it: two families of the bundled
// suite on the engine and Prosody plus scenarios that fail on purpose and a stale Prosody
// declaration (the failing report), and the same families on every installed server (the passing
// report). Clicks through totals, filters, a deviation's evidence and the phone layout, and keeps
// desktop and phone screenshots of both reports in reports/out/screenshots/ (CI artifacts).
//
// The families (registration, content) give every verdict kind on every server — passes,
// declared deviations, skips — and both runs go at once, so the test does not run the whole suite
// on every server again (the conformance tests do that).
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { RunReport, ScenarioResult, Verdict } from "../../simulator/results.ts";
import { debianPackageVersion } from "../../simulator/targets/debian-package.ts";
import { BROWSER_REQUIRED, CHROMIUM, DESKTOP, HAS_CHROMIUM, PHONE, openBrowser, openReport, type Browser } from "../support/browser.ts";
import { describeWithServer } from "../support/require-server.ts";
import { BUNDLED, EJABBERD_AVAILABLE, FAILURE_FIXTURES, OUT_DIR, PROSODY_AVAILABLE, STALE_SCENARIO_KEY, expectationsDir, realRun, staleProsodyExpectations, type RealRun } from "../support/real-runs.ts";

const SCREENSHOTS = join(OUT_DIR, "screenshots");
const FAMILIES = ["registration", "content"].map((f) => `${BUNDLED}/${f}`);
const FLOOD = `${FAILURE_FIXTURES}/R-OFFLINE-flood-at-most-one.yaml`;
const CALL_KEY = "content/R-PRIVACY-ENC-call"; // Prosody's declared deviation: an empty body for a call

const count = (r: RunReport, pred: (s: ScenarioResult) => boolean) => r.scenarios.filter(pred).length;
const ofVerdict = (v: Verdict) => (s: ScenarioResult) => s.verdict === v;
const deepLink = (s: ScenarioResult) => `#scenario=${encodeURIComponent(s.id)}&on=${encodeURIComponent(s.target)}`;
const listed = (page: Page) => page.$$eval("#list a.row", (els) => els.map((e) => ({ verdict: e.getAttribute("data-verdict"), target: e.getAttribute("data-target"), id: e.getAttribute("data-id") })));

async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.screenshot({ path });
  expect(statSync(path).size).toBeGreaterThan(20_000);
  return path;
}

if (!HAS_CHROMIUM && BROWSER_REQUIRED) {
  describe("HTML report of real runs in a browser", () => {
    it(`needs ${CHROMIUM} (PUSHLAB_REQUIRE_BROWSER=1): apt-get install -y chromium`, () => {
      throw new Error(`${CHROMIUM} is missing and PUSHLAB_REQUIRE_BROWSER=1`);
    });
  });
}

describe.skipIf(!HAS_CHROMIUM)(`HTML report of real runs in a browser${HAS_CHROMIUM ? "" : " (skipped: install chromium)"}`, () => {
  describeWithServer("on the runner's output for the engine and Prosody", PROSODY_AVAILABLE, "install prosody prosody-modules", () => {
    let failing: RealRun;
    let passing: RealRun;
    let browser: Browser;
    const url = (r: RealRun) => pathToFileURL(r.files.html).href;

    beforeAll(async () => {
      [failing, passing] = await Promise.all([
        realRun({
          targets: ["engine", "prosody"],
          paths: [...FAMILIES, FAILURE_FIXTURES],
          expectations: { prosody: staleProsodyExpectations(expectationsDir("failing")) },
          reportDir: join(OUT_DIR, "real", "failing"),
        }),
        realRun({
          targets: ["engine", "prosody", ...(EJABBERD_AVAILABLE.ok ? ["ejabberd"] : [])],
          paths: FAMILIES,
          reportDir: join(OUT_DIR, "real", "passing"),
        }),
      ]);
      browser = await openBrowser(DESKTOP);
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
    });

    afterEach(() => {
      expect(browser.offSite, "the report must not touch the network").toEqual([]);
      expect(browser.pageErrors, "no script errors in the page").toEqual([]);
    });

    it("gives the runs what the reports are about: failures, deviations, a stale declaration; none failing in the passing run", () => {
      const r = failing.report;
      expect(count(r, ofVerdict("failed"))).toBeGreaterThanOrEqual(6);
      expect(count(r, ofVerdict("broken"))).toBe(2);
      expect(count(r, ofVerdict("deviation"))).toBeGreaterThanOrEqual(10);
      expect(r.scenarios.some((s) => s.findings.some((f) => f.check === "stale-declaration"))).toBe(true);
      const bad = passing.report.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "broken");
      expect(bad.map((s) => `${s.target} ${s.id}: ${s.findings[0]?.message}`), "the passing run must pass").toEqual([]);
    });

    it("desktop, failing report: an honest heading, and the failure list with the first failure's detail on screen without scrolling", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      await openReport(page, url(failing));
      const r = failing.report;
      const heading = (await page.locator("h1").textContent())!;
      const info = count(r, (s) => s.verdict === "failed" && s.counted === false);
      expect(info).toBe(2); // the hardening fixture, outside both targets' profile
      const skipped = count(r, ofVerdict("skipped"));
      const status = `${count(r, ofVerdict("failed"))} failed (${info} informational) · ${count(r, ofVerdict("broken"))} broken · ${count(r, ofVerdict("deviation"))} declared deviations${skipped ? ` · ${skipped} skipped` : ""}`;
      expect(heading).toBe(`✗ ${status}`);
      expect((await page.title()).startsWith(`pushlab: ${status} — `)).toBe(true); // then the run's date
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      // The first rows are the counted failures, and the first of them is open beside the list.
      const rows = await listed(page);
      const failingCounted = r.scenarios.filter((s) => (s.verdict === "failed" || s.verdict === "broken") && s.counted !== false);
      expect(rows.slice(0, failingCounted.length).every((x) => x.verdict === "failed" || x.verdict === "broken")).toBe(true);
      const firstRow = await page.locator("#list a.row").first().boundingBox();
      const firstFinding = await page.locator("#detail .finding").first().boundingBox();
      expect(firstRow!.y + firstRow!.height).toBeLessThanOrEqual(DESKTOP.height);
      expect(firstFinding!.y + 40).toBeLessThanOrEqual(DESKTOP.height); // at least its head line
      expect(await page.locator("#detail h3").textContent()).toBe(r.scenarios.find((s) => s.id === rows[0]!.id && s.target === rows[0]!.target)!.name);
      await shot(page, "failing-desktop.png");
    });

    it("lists a total's runs when it is clicked, and filters as asked", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      await openReport(page, url(failing));
      const r = failing.report;
      for (const v of ["failed", "broken", "deviation"] as const) {
        await page.locator(`button[data-total="${v}"]`).click();
        const rows = await listed(page);
        expect(rows.length, `${v} total`).toBe(count(r, ofVerdict(v)));
        expect(new Set(rows.map((x) => x.verdict))).toEqual(new Set([v]));
        expect(await page.locator("#f-verdict").inputValue()).toBe(v);
        expect(await page.locator("#detail .badge").first().textContent()).toBe(v); // the first of them is open
      }
      expect(await page.locator('button[data-total="skipped"]').isDisabled()).toBe(count(r, ofVerdict("skipped")) === 0);
      await page.getByRole("button", { name: "Clear filters" }).click();
      await page.getByLabel("Failures only").check();
      expect((await listed(page)).length).toBe(count(r, (s) => s.verdict === "failed" || s.verdict === "broken"));
      await page.getByLabel("Failures only").uncheck();
      await page.locator("#f-target").selectOption("prosody");
      await page.locator("#f-verdict").selectOption("deviation");
      expect((await listed(page)).length).toBe(count(r, (s) => s.target === "prosody" && s.verdict === "deviation"));
      await page.getByRole("button", { name: "Clear filters" }).click();
      // A matrix count lists exactly its cell's runs.
      const cell = page.locator('button[data-cell][data-target="prosody"][data-verdict="failed"]').first();
      const [rule, n] = [await cell.getAttribute("data-rule"), Number(await cell.getAttribute("data-count"))];
      await cell.click();
      const rows = await listed(page);
      expect(rows.length).toBe(n);
      expect(rows.every((x) => x.verdict === "failed" && x.target === "prosody")).toBe(true);
      expect(rows.every((x) => r.scenarios.find((s) => s.id === x.id)!.rules.includes(rule!))).toBe(true);
    });

    it("shows a failure's true push count and its full reason, never cut", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      const flood = failing.report.scenarios.find((s) => s.file === FLOOD && s.target === "prosody")!;
      await openReport(page, url(failing), deepLink(flood));
      const actual = (await page.locator("#detail .diff-side.actual pre").first().textContent())!;
      // The true count first; then the pushes the report kept (Prosody's pushes are long: the
      // report's size cap keeps about 22 of them whole), all of one kind, and how many more came.
      const listing = /^25 pushes in the window:\n {2}\+\d+ ms to \d+ ms (\d+)× node=n1 message-count="1" pending-subscription-count="" last-message-sender="" last-message-body="New Message!"(?:\n {2}… and (\d+) more pushes)?$/.exec(actual);
      expect(listing, actual).not.toBeNull();
      const [shown, more] = [Number(listing![1]), Number(listing![2] ?? 0)];
      expect(shown).toBeGreaterThanOrEqual(20);
      expect(shown + more).toBe(25);
      expect(await page.locator("#detail details.stanzas summary").first().textContent()).toBe("the first 20 of 25 pushes as XML");
      const stale = failing.report.scenarios.find((s) => s.key === STALE_SCENARIO_KEY && s.target === "prosody")!;
      const note = page.locator(`#list a.row[data-target="prosody"][data-id="${stale.id}"] .row-note`);
      expect(await note.textContent()).toBe(stale.findings[0]!.message);
      expect(await note.evaluate((el) => el.scrollWidth <= el.clientWidth && getComputedStyle(el).textOverflow !== "ellipsis")).toBe(true);
    });

    it("shows a declared deviation's evidence: expected vs declared vs observed, its declaration, and the deviating step marked", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      const dev = failing.report.scenarios.find((s) => s.key === CALL_KEY && s.target === "prosody")!;
      expect(dev.verdict).toBe("deviation");
      const d = dev.deviations![0]!;
      // Reached by clicking: the deviation total, then its row.
      await openReport(page, url(failing));
      await page.locator('button[data-total="deviation"]').click();
      await page.locator(`#list a.row[data-target="prosody"][data-id="${dev.id}"]`).click();
      await expect.poll(() => page.locator("#detail h3").textContent()).toBe(dev.name);
      const ev = page.locator("#detail .evidence").first();
      expect(await ev.locator(".reason").textContent()).toBe(d.reason);
      expect(await ev.locator(".diff-side.expected pre").textContent()).toBe('count: 1\nwithin: "2s"\nmatch.body: "New Message!"');
      expect(await ev.locator(".diff-side.expected mark").allTextContents()).toEqual(['match.body: "New Message!"']);
      expect(await ev.locator(".diff-side.declared pre").textContent()).toBe('match.body: "absent"');
      expect(await ev.locator(".diff-side.observed pre").textContent()).toMatch(/^1 push to push in [\d.]+s:\n {2}\+\d+ ms node=n1 message-count="1" .*last-message-body=""$/);
      const decl = await ev.locator("dl.declaration").textContent();
      expect(decl).toContain(`Declared in${d.source.file}:${d.source.line}`);
      expect(decl).toContain(`Observed on${d.source.observedOn.join("; ")}`);
      expect(decl).toContain("Linknone given");
      // The stale entry of the same file carries a link: shown as one.
      // Timeline: the step and its check are marked as a declared deviation, not as a pass.
      const stepRow = page.locator("#detail table.timeline tr.deviating");
      expect(await stepRow.count()).toBe(1);
      expect(await stepRow.textContent()).toContain(`${d.step! + 1}. expect-pushes`);
      expect(await stepRow.locator(".deviation-mark").textContent()).toBe("≈ declared deviation");
      const check = page.locator("#detail table.timeline tr.k-check.deviation");
      expect(await check.locator(".kind").textContent()).toBe("≈ deviation, as declared");
      expect(await page.locator("#detail table.timeline tr.k-check.ok", { hasText: "differs as declared" }).count()).toBe(0);
      expect(await page.locator("#detail pre.source .line.deviating").getAttribute("data-line")).toBe("13");
      await ev.scrollIntoViewIfNeeded();
      await shot(page, "deviation-desktop.png");
    });

    it("shows the build under test in the Prosody card: the prosody-modules version actually installed", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      await openReport(page, url(failing));
      const card = page.locator('li.target[data-target="prosody"] .target-build');
      const modules = debianPackageVersion("prosody-modules");
      expect(await card.textContent()).toContain(`prosody-modules${modules ?? "not a Debian package"}`);
      expect(await page.locator('li.target[data-target="prosody"] .target-more').getAttribute("open")).toBeNull(); // pid, ports, dir folded away
    });

    it("phone, failing report: no sideways page, the matrix scrolls under a fixed rule column, the timeline stacks, XML wraps", async () => {
      const page = browser.page;
      await page.setViewportSize(PHONE);
      await openReport(page, url(failing));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await shot(page, "failing-phone.png");
      // A deviation's detail: the timeline rows stack (time, actor, kind above the text at full width).
      const dev = failing.report.scenarios.find((s) => s.key === CALL_KEY && s.target === "prosody")!;
      await openReport(page, url(failing), deepLink(dev));
      const row = page.locator("#detail table.timeline tr.deviating");
      expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe("grid");
      expect((await row.locator("td.what").boundingBox())!.width).toBeGreaterThan(280);
      // No XML is cut at the edge: every stanza block fits its width.
      const cut = await page.$$eval("#detail pre.code", (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
      expect(cut).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.locator("#detail .evidence").first().scrollIntoViewIfNeeded();
      await shot(page, "deviation-phone.png");
    });

    it("phone, passing report: the matrix scrolls sideways with the rule column fixed", async () => {
      const page = browser.page;
      await page.setViewportSize(PHONE);
      await openReport(page, url(passing));
      await shot(page, "passing-phone.png");
      const scroller = page.locator(".matrix-scroll").first();
      await scroller.scrollIntoViewIfNeeded();
      const [scrollW, clientW] = await scroller.evaluate((el) => [el.scrollWidth, el.clientWidth]);
      const targets = passing.report.targets.length;
      if (targets > 2) expect(scrollW).toBeGreaterThan(clientW); // three targets do not fit a phone: it scrolls
      const ruleCell = page.locator("#matrix tbody tr[data-rule] th.rule-col").first();
      const lastCell = page.locator("#matrix tbody tr[data-rule]").first().locator("td").last();
      const before = { rule: (await ruleCell.boundingBox())!.x, last: (await lastCell.boundingBox())!.x };
      await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      const after = { rule: (await ruleCell.boundingBox())!.x, last: (await lastCell.boundingBox())!.x };
      expect(after.rule).toBe(before.rule); // the rule column stays
      if (scrollW > clientW) expect(after.last).toBeLessThan(before.last); // the targets move under it
      expect((await lastCell.boundingBox())!.x + (await lastCell.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
      await scroller.evaluate((el) => el.scrollTo({ left: 0 }));
      await page.locator("#matrix").evaluate((el) => el.scrollIntoView({ block: "start" }));
      // No rule title runs into the target columns.
      const spill = await page.$$eval("#matrix tbody th.rule-col", (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length);
      expect(spill).toBe(0);
      await shot(page, "passing-phone-matrix.png");
    });

    it("desktop, passing report: never 'all conforming' with deviations; clickable totals; the first deviation open", async () => {
      const page = browser.page;
      await page.setViewportSize(DESKTOP);
      await openReport(page, url(passing));
      const r = passing.report;
      const heading = (await page.locator("h1").textContent())!;
      const skipped = count(r, ofVerdict("skipped"));
      expect(heading).toBe(`≈ No failures · ${count(r, ofVerdict("deviation"))} declared deviations${skipped ? ` · ${skipped} skipped` : ""}`);
      expect(await page.locator("h1").getAttribute("class")).toBe("status deviating");
      expect(await page.title()).not.toMatch(/all/i);
      expect(await page.locator("#detail .badge").first().textContent()).toBe("deviation");
      expect(await page.locator("#detail .evidence").count()).toBeGreaterThan(0);
      await shot(page, "passing-desktop.png");
      await page.locator('button[data-total="passed"]').click();
      expect(await page.locator("#count").textContent()).toBe(`${count(r, ofVerdict("passed"))} of ${r.scenarios.length} scenario runs match`);
      expect(new Set((await listed(page)).map((x) => x.verdict))).toEqual(new Set(["passed"]));
    });
  });
});

// The HTML report in a real browser (Debian's Chromium driven by playwright-core): opened from
// file:// with no network, matrix counts checked against report.json, filters, the failed
// scenario's expected vs actual, deep links, a screenshot for CI, and the 500-scenario timing.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { writeReports } from "../../reports/index.ts";
import type { RunReport, ScenarioResult } from "../../simulator/results.ts";
import { NO_RULE } from "../../reports/html/matrix.ts";
import { syntheticReport, HOSTILE_TEXT } from "../support/synthetic-report.ts";

const CHROMIUM = process.env.PUSHLAB_CHROMIUM ?? "/usr/bin/chromium"; // override only to test the skip path
const hasChromium = existsSync(CHROMIUM);
const required = process.env.PUSHLAB_REQUIRE_BROWSER === "1";
const OUT = fileURLToPath(new URL("../../reports/out/", import.meta.url));
const SCREENSHOT = join(OUT, "screenshots", "report.png");

if (!hasChromium && required) {
  describe("HTML report in a browser", () => {
    it(`needs ${CHROMIUM} (PUSHLAB_REQUIRE_BROWSER=1): apt-get install -y chromium`, () => {
      throw new Error(`${CHROMIUM} is missing and PUSHLAB_REQUIRE_BROWSER=1`);
    });
  });
}

describe.skipIf(!hasChromium)(`HTML report in a browser${hasChromium ? "" : " (skipped: install chromium)"}`, () => {
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let small: { report: RunReport; url: string };
  let large: { report: RunReport; url: string };
  const offSite: string[] = [];
  const pageErrors: string[] = [];

  async function generate(name: string, report: RunReport) {
    const paths = await writeReports(report, join(OUT, "browser", name));
    // Read back what was written: the page must agree with the JSON file, not with our object.
    return { report: JSON.parse(readFileSync(paths.json, "utf8")) as RunReport, url: pathToFileURL(paths.html).href };
  }

  async function open(url: string, hash = "") {
    await page.goto(url + hash);
    await page.waitForSelector("html[data-ready]");
  }

  const deepLink = (s: ScenarioResult) => `#scenario=${encodeURIComponent(s.id)}&on=${encodeURIComponent(s.target)}`;
  const first = (report: RunReport, verdict: string, target = "prosody") =>
    report.scenarios.find((s) => s.verdict === verdict && s.target === target)!;

  beforeAll(async () => {
    small = await generate("small", syntheticReport(12));
    large = await generate("large", syntheticReport(500));
    userDataDir = mkdtempSync(join(tmpdir(), "pushlab-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
      viewport: { width: 1400, height: 900 },
    });
    context.on("request", (r) => {
      if (!/^(file|data|about):/.test(r.url())) offSite.push(r.url());
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(offSite, "the report must not touch the network").toEqual([]);
    expect(pageErrors, "no script errors in the page").toEqual([]);
  });

  it("shows matrix counts equal to report.json's, for every rule × target × verdict", async () => {
    await open(small.url);
    const shown = await page.$$eval("button[data-cell]", (els) =>
      els.map((e) => [`${e.getAttribute("data-rule")}|${e.getAttribute("data-target")}|${e.getAttribute("data-verdict")}`, Number(e.textContent!.replace(/\D/g, ""))] as const),
    );
    const expected = new Map<string, number>();
    for (const s of small.report.scenarios) {
      for (const rule of s.rules.length ? s.rules : [NO_RULE]) {
        const k = `${rule}|${s.target}|${s.verdict}`;
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
    }
    expect(new Map(shown)).toEqual(expected);
    const verdicts = new Set(small.report.scenarios.map((s) => s.verdict));
    expect([...verdicts]).toEqual(expect.arrayContaining(["passed", "failed", "deviation"]));
  });

  it("filters to failures, opens the failed scenario and shows expected vs actual side by side", async () => {
    await open(small.url);
    await page.getByLabel("Failures only").check();
    const rows = await page.$$eval("#list a.row", (els) => els.map((e) => e.getAttribute("data-verdict")));
    const failing = small.report.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "broken");
    expect(rows).toHaveLength(failing.length);
    expect(new Set(rows)).toEqual(new Set(["failed", "broken"]));
    expect(page.url()).toContain("failed=1");

    const failed = first(small.report, "failed");
    await page.locator(`#list a.row[data-target="prosody"][data-verdict="failed"]`).first().click();
    await expect.poll(() => page.locator("#detail h3").textContent()).toBe(failed.name);
    const f = failed.findings[0]!;
    expect(await page.locator("#detail .diff-side.expected pre").first().textContent()).toBe(f.expected);
    expect(await page.locator("#detail .diff-side.actual pre").first().textContent()).toBe(f.actual);
    expect(await page.locator("#detail .finding .where").first().textContent()).toContain(`${f.location!.file}:${f.location!.line}:${f.location!.col}`);
    expect(decodeURIComponent(page.url())).toContain(`scenario=${failed.id}`.replace(/ /g, "+"));
    // Report data is shown as text: the hostile message is visible and did not run.
    expect(await page.locator("#detail .finding-head").first().textContent()).toContain("</script><script>");
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    await mkdir(join(OUT, "screenshots"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });

  it("lists exactly a cell's scenarios when a matrix count is clicked", async () => {
    await open(small.url);
    const dev = first(small.report, "deviation");
    const cell = page.locator(`button[data-cell][data-rule="${dev.rules[0]}"][data-target="prosody"][data-verdict="deviation"]`);
    const count = Number(await cell.getAttribute("data-count"));
    await cell.click();
    const rows = await page.$$eval("#list a.row", (els) => els.map((e) => `${e.getAttribute("data-verdict")} ${e.getAttribute("data-target")}`));
    expect(rows).toEqual(Array(count).fill("deviation prosody"));
    expect(await page.locator("#f-rule").inputValue()).toBe(dev.rules[0]);
  });

  it("restores a scenario from a deep link, and follows hash changes", async () => {
    const dev = first(small.report, "deviation");
    await open(small.url, deepLink(dev));
    await expect.poll(() => page.locator("#detail h3").textContent()).toBe(dev.name);
    expect(await page.locator("#detail .evidence .reason").textContent()).toContain(dev.deviations![0]!.reason);
    expect(await page.locator("#detail .detail-meta strong").first().textContent()).toBe("prosody");
    expect(await page.locator("#detail table.timeline tbody tr").count()).toBe(dev.timeline.length);
    expect(await page.locator("#detail pre.source .line").count()).toBe(dev.source.split("\n").length);

    const broken = first(small.report, "broken");
    await page.evaluate((h) => (location.hash = h), deepLink(broken) + "&target=prosody");
    await expect.poll(() => page.locator("#detail h3").textContent()).toBe(broken.name);
    expect(await page.locator("#f-target").inputValue()).toBe("prosody");
    expect(await page.locator("#list a.row[aria-current]").getAttribute("data-id")).toBe(broken.id);
    await page.goBack();
    await expect.poll(() => page.locator("#detail h3").textContent()).toBe(dev.name);
  });

  it("searches by free text across names, files and finding messages", async () => {
    await open(small.url);
    await page.getByLabel("Search").fill("sendd");
    const rows = await page.$$eval("#list a.row", (els) => els.map((e) => e.getAttribute("data-verdict")));
    expect(rows).toEqual(small.report.scenarios.filter((s) => s.findings.some((f) => f.message.includes("sendd"))).map((s) => s.verdict));
    await page.getByRole("button", { name: "Clear filters" }).click();
    expect(await page.locator("#count").textContent()).toBe(`${small.report.scenarios.length} scenario runs`);
  });

  it("opens and filters a 500-scenario report (timing printed, not asserted)", async () => {
    const t0 = Date.now();
    await open(large.url);
    const openWall = Date.now() - t0;
    const readyInPage = await page.evaluate(() => (window as unknown as { __pushlabReadyAt: number }).__pushlabReadyAt);
    // The list is drawn lazily: only the first chunk is in the DOM.
    expect(await page.locator("#list a.row").count()).toBe(100);
    // Scrolling the list to its end draws the next chunk.
    await page.locator(".list-pane").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => page.locator("#list a.row").count()).toBe(200);

    const t1 = Date.now();
    const filterInPage = await page.evaluate(async () => {
      const start = performance.now();
      (document.getElementById("f-failed") as HTMLInputElement).click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // after the next paint
      return performance.now() - start;
    });
    const filterWall = Date.now() - t1;
    const failing = large.report.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "broken").length;
    expect(await page.locator("#count").textContent()).toBe(`${failing} of ${large.report.scenarios.length} scenario runs match`);

    const t2 = Date.now();
    await page.getByLabel("Search").fill("case-499");
    await expect.poll(() => page.locator("#list a.row").count()).toBe(large.report.scenarios.filter((s) => s.id.includes("case-499") && (s.verdict === "failed" || s.verdict === "broken")).length);
    const searchWall = Date.now() - t2;

    console.log(
      `[report timing] ${large.report.scenarios.length} scenario runs (500 scenarios × 2 targets): ` +
        `open ${openWall} ms wall (ready at ${readyInPage.toFixed(0)} ms after navigation start), ` +
        `filter "failures only" ${filterInPage.toFixed(1)} ms in page / ${filterWall} ms wall, ` +
        `search ${searchWall} ms wall; open + filter ${openWall + filterWall} ms wall`,
    );
  });

  it("keeps the hostile scenario source as text", async () => {
    const hostile = small.report.scenarios.find((s) => s.source.includes(HOSTILE_TEXT))!;
    await open(small.url, deepLink(hostile));
    await expect.poll(() => page.locator("#detail h3").textContent()).toBe(hostile.name);
    expect(await page.locator("#detail pre.source .line").first().textContent()).toBe(hostile.source.split("\n")[0]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });
});

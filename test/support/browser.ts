// Debian's Chromium driven by playwright-core, the way the browser tests open a report: headless,
// its own profile, no network services, every off-site request and page error recorded.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.PUSHLAB_CHROMIUM ?? "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const BROWSER_REQUIRED = process.env.PUSHLAB_REQUIRE_BROWSER === "1";

export const DESKTOP = { width: 1400, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface Browser {
  context: BrowserContext;
  page: Page;
  offSite: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = DESKTOP): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "pushlab-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    viewport,
  });
  const offSite: string[] = [];
  const pageErrors: string[] = [];
  context.on("request", (r) => {
    if (!/^(file|data|about):/.test(r.url())) offSite.push(r.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(m.text());
  });
  return {
    context,
    page,
    offSite,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a report (file URL plus an optional hash) and waits until its script has drawn the page. */
export async function openReport(page: Page, url: string, hash = ""): Promise<void> {
  await page.goto(url + hash);
  await page.waitForSelector("html[data-ready]");
}

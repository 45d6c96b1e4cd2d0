import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for tests of HTML that biaflow writes (report.html), offline: Debian's
 * `/usr/bin/chromium` (never a Playwright download), a fresh profile in a temporary folder, and the
 * switches that stop Chromium's own background traffic to Google's hosts (without them it phones
 * home even in headless mode). Every request the page makes other than the opened file is aborted
 * and recorded, so a test can assert the page needed nothing from outside.
 */
export const CHROMIUM_PATH = process.env.BIAFLOW_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface OfflineBrowser {
  context: BrowserContext;
  /** Close Chromium and delete its temporary profile. */
  close(): Promise<void>;
}

/** Start Chromium headless with a fresh temporary `--user-data-dir` (Playwright's persistent context). */
export async function launchOfflineChromium(): Promise<OfflineBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'biaflow-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(
      `could not start Chromium at ${CHROMIUM_PATH} (${(e as Error).message.split('\n')[0]}); install it with 'apt-get install -y chromium' or set BIAFLOW_CHROMIUM`,
    );
  }
}

export interface OpenedPage {
  page: Page;
  url: string;
  /** Every URL the page asked for other than the file itself (all aborted). */
  blockedRequests: string[];
  /** Text of console messages of type `error`. */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** Save a full-page PNG screenshot (folders are created). */
  screenshot(file: string): Promise<void>;
}

/**
 * Open a local HTML file with every other request aborted and recorded, console errors and page
 * errors collected from the start. Waits for `load`, then for `readySelector` when given (the report
 * sets `body[data-report-ready]` when its script has drawn everything).
 */
export async function openOffline(browser: OfflineBrowser, htmlFile: string, options: { readySelector?: string } = {}): Promise<OpenedPage> {
  const url = pathToFileURL(path.resolve(htmlFile)).href;
  const page = await browser.context.newPage();
  const opened: OpenedPage = {
    page,
    url,
    blockedRequests: [],
    consoleErrors: [],
    pageErrors: [],
    screenshot: async (file: string) => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
    },
  };
  page.on('console', (m) => {
    if (m.type() === 'error') opened.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => opened.pageErrors.push(String(e)));
  // Requests seen by the page's event as well as by the router, so nothing slips between them.
  page.on('request', (r) => {
    if (r.url() !== url) opened.blockedRequests.push(r.url());
  });
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) await route.continue();
    else await route.abort('blockedbyclient');
  });
  await page.goto(url, { waitUntil: 'load' });
  if (options.readySelector) await page.waitForSelector(options.readySelector, { state: 'attached', timeout: 30_000 });
  return opened;
}

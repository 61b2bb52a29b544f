// What every browser test needs: the system's Chromium (Playwright's own browser download is not
// needed), webpack bundles of its test pages, and pages that record what went wrong in them.
import { chromium, type Browser, type Page } from 'playwright-core';
import webpack, { type Configuration } from 'webpack';

/** Debian's Chromium by default (CI images may point CHROMIUM_PATH at Google Chrome), quiet and without a sandbox (containers). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export function bundle(config: Configuration): Promise<void> {
  return new Promise((resolve, reject) =>
    webpack(config, (error, stats) => {
      if (error || stats?.hasErrors()) {
        reject(error ?? new Error(stats?.toString('errors-only')));
      } else {
        resolve();
      }
    })
  );
}

export interface View {
  page: Page;
  /** Uncaught exceptions, console errors and failed requests, except for Grafana's own static files. */
  problems: string[];
}

/** Opens `url` in a new page of a desktop size, collecting its problems. */
export async function openView(browser: Browser, url: string, width = 1240): Promise<View> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    // Grafana serves its fonts and a few icons under /public/; the npm packages do not carry them.
    // Plugins are served under /public/ too, and must load.
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && (!path.startsWith('/public/') || path.startsWith('/public/plugins/'))) {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    // Failed loads are judged by their responses above.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  await page.goto(url);
  return { page, problems };
}

/** Waits until the page's panel shows a frame of `count` rows (tests/browser/page/panel.tsx). */
export const waitForRows = (page: Page, count: number) =>
  page.locator(`[data-testid="frame"][data-rows="${count}"]`).waitFor();

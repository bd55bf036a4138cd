/**
 * Debian's chromium (/usr/bin/chromium, from apt) driven by playwright-core, for the HTML report
 * tests. Never downloads a browser: without /usr/bin/chromium the tests skip locally and fail
 * in CI.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Cold starts on a busy CI machine can take a while. */
const LAUNCH_TIMEOUT_MS = 60_000;

export function hasChromium(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

/** Everything a page asked the network for and complained about, collected as it happens. */
export interface PageActivity {
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

export function recordActivity(page: Page): PageActivity {
  const activity: PageActivity = { requests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  page.on('request', (request) => activity.requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') activity.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => activity.pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    activity.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return activity;
}

/** A fresh browser for one callback, closed afterwards whatever happens. */
export async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    return await fn(await browser.newPage());
  } finally {
    await browser.close();
  }
}

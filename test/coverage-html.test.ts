/**
 * The HTML coverage page in real headless Chromium (Debian's /usr/bin/chromium): opened from a
 * file: URL, it must render the report, sort, filter, link, stay inert against markup in the
 * data, and load nothing from anywhere.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatCoverageHtml, type CoverageHtmlOptions } from '../src/coverage/format-html.js';
import { CHROMIUM_PATH, hasChromium, launchChromium, recordActivity, type PageActivity } from './support/chromium.js';
import { MARKUP_TEMPLATE, sampleCoverageReport } from './support/coverage-report.js';

const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../test-output');
const report = sampleCoverageReport();
const chromiumInstalled = hasChromium();

if (!chromiumInstalled && !process.env.CI) {
  console.warn(`coverage-html tests skipped: ${CHROMIUM_PATH} is missing (apt-get install chromium). In CI they fail instead.`);
}

describe('coverage HTML report without Chromium', () => {
  it.runIf(!chromiumInstalled && process.env.CI)('fails in CI: the HTML page must be tested in a real browser', () => {
    throw new Error(`${CHROMIUM_PATH} is missing: CI must install Debian's chromium (apt-get install chromium) for the HTML report tests`);
  });
});

describe.runIf(chromiumInstalled)('coverage HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let page: Page;
  let activity: PageActivity;
  /** Every page the test opened, checked after it. */
  let opened: { page: Page; activity: PageActivity }[] = [];

  /** Writes the page for `options` and opens it in a fresh page that records its activity. */
  async function open(options: CoverageHtmlOptions = {}, name = 'coverage.html'): Promise<Page> {
    const file = path.join(dir, name);
    writeFileSync(file, formatCoverageHtml(report, options));
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    activity = recordActivity(page);
    opened.push({ page, activity });
    await page.goto(pathToFileURL(file).href);
    await page.locator('#write-paths tbody tr').first().waitFor();
    return page;
  }

  const visibleRowTexts = (table: string): Promise<string[]> =>
    page.locator(`#${table} tbody tr:visible`).evaluateAll((rows) => rows.map((row) => (row as HTMLTableRowElement).cells[1].textContent ?? ''));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'keydrift-coverage-html-'));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    const pages = opened;
    opened = [];
    for (const { page } of pages) if (!page.isClosed()) await page.close();
    // Whatever the test did, every page stayed offline and quiet.
    for (const { activity } of pages) {
      expect(activity.requests.filter((url) => !/^(file|data|about):/.test(url))).toEqual([]);
      expect(activity.consoleErrors).toEqual([]);
      expect(activity.pageErrors).toEqual([]);
      expect(activity.dialogs).toEqual([]);
    }
  });

  it('shows the report totals as the summary numbers', async () => {
    await open();
    expect(await page.textContent('#total-write-paths')).toBe(String(report.totals.writePaths));
    expect(await page.textContent('#total-covered')).toBe(String(report.totals.fullyCovered));
    expect(await page.textContent('#total-percent')).toBe(`${report.totals.percent}%`);
    expect(await page.textContent('#total-families')).toBe(String(report.totals.families));
    expect(activity.requests).toEqual([pathToFileURL(path.join(dir, 'coverage.html')).href]);
  });

  it('has one row per write path and per family', async () => {
    await open();
    await expect.poll(() => page.locator('#write-paths tbody tr').count()).toBe(report.writePaths.length);
    expect(await page.locator('#families tbody tr').count()).toBe(report.families.length);
    expect(await visibleRowTexts('write-paths')).toEqual(report.writePaths.map((p) => p.at.function ?? '(anonymous)'));
    expect(await page.textContent('#write-paths-count')).toBe('7 write paths');
    const product = await page.locator('#families tbody tr', { hasText: 'product:{id}' }).first().locator('td').allTextContents();
    expect(product).toEqual(['product:{id}', 'product', 'Product, products inferred', '3', '1', '2', '5m']);
    const bulkEdit = await page.locator('#write-paths tbody tr').first().locator('td').allTextContents();
    expect(bulkEdit).toEqual([
      '✗ 2 stale',
      '(anonymous)',
      'src/admin tools/bulk edit.ts:40',
      'products inferred',
      'sql update via updateMany src/repo/products.ts:88',
      'product:{id} products:list:{page}',
      '–',
    ]);
  });

  it('filters both tables by any cell text, ignoring case', async () => {
    await open();
    await page.fill('#filter', 'SERVICE.TS');
    expect(await visibleRowTexts('write-paths')).toEqual(['renameUser', 'deleteUser']);
    expect(await page.locator('#families tbody tr:visible').count()).toBe(0);
    expect(await page.isVisible('#families-empty')).toBe(true);
    expect(await page.textContent('#write-paths-count')).toBe('2 of 7 write paths shown');

    await page.fill('#filter', 'user:{');
    expect(await page.locator('#families tbody tr:visible').evaluateAll((rows) => rows.map((row) => row.querySelector('code')?.textContent))).toEqual(['user:{id}']);
    expect(await visibleRowTexts('write-paths')).toEqual(['renameUser', 'deleteUser']);

    await page.fill('#filter', '');
    expect(await page.locator('#write-paths tbody tr:visible').count()).toBe(7);
    expect(await page.locator('#families tbody tr:visible').count()).toBe(5);
  });

  it('shows only the write paths that leave families stale when asked', async () => {
    await open();
    const stale = report.writePaths.filter((p) => p.stale.length > 0).map((p) => p.at.function ?? '(anonymous)');
    await page.check('#only-stale');
    expect(await visibleRowTexts('write-paths')).toEqual(stale);
    expect(await page.locator('#write-paths tbody tr:visible .status').allTextContents()).toEqual(['✗ 2 stale', '✗ 1 stale', '✗ 1 stale']);
    await page.fill('#filter', 'users');
    expect(await visibleRowTexts('write-paths')).toEqual(['deleteUser']);
    await page.uncheck('#only-stale');
    expect(await visibleRowTexts('write-paths')).toEqual(['renameUser', 'deleteUser']);
  });

  it('sorts a table by the clicked column, toggling the direction and aria-sort', async () => {
    await open();
    const functionHeader = page.locator('#write-paths thead th', { hasText: 'Function' });
    expect(await visibleRowTexts('write-paths').then((rows) => rows[0])).toBe('(anonymous)');
    expect(await functionHeader.getAttribute('aria-sort')).toBeNull();

    await functionHeader.locator('button').click();
    expect(await functionHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(await visibleRowTexts('write-paths')).toEqual(['(anonymous)', 'createProduct', 'deleteUser', 'renameUser', 'repriceAll', 'setPrice', 'writeAudit']);

    await functionHeader.locator('button').click();
    expect(await functionHeader.getAttribute('aria-sort')).toBe('descending');
    expect((await visibleRowTexts('write-paths'))[0]).toBe('writeAudit');

    // Numeric-aware: service.ts:55 before service.ts:101; the other header forgets its sort.
    const locationHeader = page.locator('#write-paths thead th', { hasText: 'Location' });
    await locationHeader.locator('button').click();
    expect(await functionHeader.getAttribute('aria-sort')).toBeNull();
    expect(await locationHeader.getAttribute('aria-sort')).toBe('ascending');
    expect((await visibleRowTexts('write-paths')).slice(-2)).toEqual(['renameUser', 'deleteUser']);

    // Numbers sort as numbers in the families table too.
    const readersHeader = page.locator('#families thead th', { hasText: 'Readers' });
    await readersHeader.locator('button').click();
    await readersHeader.locator('button').click();
    expect(await readersHeader.getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('#families tbody tr td:nth-child(4)').allTextContents()).toEqual(['3', '2', '1', '1', '1']);
  });

  it('marks the matrix ✓ for invalidated and ✗ for stale families, with titles', async () => {
    await open();
    const matrix = await page.locator('#matrix tbody tr').evaluateAll((rows) =>
      rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (cell) => ({ text: cell.textContent, title: cell.title, header: cell.tagName === 'TH' }))),
    );
    expect(matrix).toHaveLength(report.writePaths.length);
    expect(await page.locator('#matrix thead th').count()).toBe(report.families.length + 1);
    const marks = (mark: string): string[] =>
      matrix.flatMap((row, i) => row.filter((cell) => !cell.header).flatMap((cell, j) => (cell.text === mark ? [`${i}:${report.families[j].template}`] : [])));
    const pairs = (pick: (p: (typeof report.writePaths)[number]) => string[]): string[] =>
      report.writePaths.flatMap((p, i) => pick(p).map((template) => `${i}:${template}`));
    for (const row of matrix) {
      expect(row).toHaveLength(report.families.length + 1);
      for (const cell of row) expect(cell.title).not.toBe('');
    }
    expect(marks('✗').sort()).toEqual(pairs((p) => p.stale).sort());
    expect(marks('✓').sort()).toEqual(pairs((p) => p.invalidates).sort());
    expect(matrix[3][4].title).toBe('repriceAll (src/jobs/reprice.ts:12) leaves products:list:{page} stale');
    expect(await page.locator('.legend li').allTextContents()).toEqual(['✓ invalidated', '✗ left stale', ' not a family of the write\'s entity']);
  });

  it('links write paths to file#Lline, relative by default, under linkBase when given', async () => {
    await open();
    const reprice = page.locator('#write-paths tbody tr', { hasText: 'repriceAll' }).locator('a');
    expect(await reprice.getAttribute('href')).toBe('src/jobs/reprice.ts#L12');
    expect(await reprice.textContent()).toBe('src/jobs/reprice.ts:12');
    const spaced = page.locator('#write-paths tbody tr', { hasText: 'bulk edit.ts' }).locator('a');
    expect(await spaced.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['src/admin%20tools/bulk%20edit.ts#L40', 'src/repo/products.ts#L88']);
    await page.close();

    await open({ linkBase: 'https://github.com/shop/api/blob/main/' }, 'linked.html');
    expect(await page.locator('#write-paths tbody tr', { hasText: 'repriceAll' }).locator('a').getAttribute('href')).toBe('https://github.com/shop/api/blob/main/src/jobs/reprice.ts#L12');
  });

  it('shows markup in the data as text', async () => {
    await open();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#families tbody code', { hasText: MARKUP_TEMPLATE }).count()).toBe(1);
    expect(await page.locator('#matrix thead th', { hasText: MARKUP_TEMPLATE }).count()).toBe(1);
    // The embedded JSON survived its `</script>` intact, and nothing ran.
    expect(await page.locator('script').count()).toBe(2);
  });

  it('is accessible: sort buttons in the headers, lang, viewport, labelled controls', async () => {
    await open();
    for (const table of ['write-paths', 'families']) {
      const headers = page.locator(`#${table} thead th`);
      expect(await headers.count()).toBeGreaterThan(0);
      expect(await page.locator(`#${table} thead th > button[type="button"]`).count()).toBe(await headers.count());
    }
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('meta[name="viewport"]').count()).toBe(1);
    expect(await page.getByLabel('Filter').count()).toBe(1);
    expect(await page.getByLabel('Only write paths with stale families').isVisible()).toBe(true);
  });

  it('follows the color scheme and saves screenshots', async () => {
    await open();
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const text = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).color);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = { background: await background(), text: await text() };
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'coverage.png'), fullPage: true });

    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = { background: await background(), text: await text() };
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'coverage-dark.png'), fullPage: true });

    expect(light).toEqual({ background: 'rgb(255, 255, 255)', text: 'rgb(31, 35, 40)' });
    expect(dark).toEqual({ background: 'rgb(13, 17, 23)', text: 'rgb(230, 237, 243)' });
  });
});

/**
 * `keydrift coverage` end to end on fixture projects: the numbers, every format, --min, and the
 * HTML page written by the CLI opened in headless Chromium.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import type { CoverageReport } from '../src/coverage/types.js';
import { hasChromium, withPage } from './support/chromium.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

async function report(fixture: string, ...flags: string[]): Promise<CoverageReport> {
  const { code, stdout } = await run(['coverage', '--format', 'json', ...flags], path.join(FIXTURES, fixture));
  expect(code).toBe(0);
  return JSON.parse(stdout) as CoverageReport;
}

describe('keydrift coverage', () => {
  it('follows the job and the service through the repository: one write path stale, one covered', async () => {
    for (const fixture of ['write-job-through-repository-ioredis', 'write-job-through-repository-node-redis']) {
      const r = await report(fixture);
      expect(r.totals).toMatchObject({ writePaths: 2, fullyCovered: 1, percent: 50 });
      const stale = r.writePaths.filter((p) => p.stale.length > 0);
      expect(stale.map((p) => p.at.file)).toEqual(['src/jobs/nightly.ts']);
      expect(stale[0]).toMatchObject({ entity: 'products', inferred: true, stale: ['product:{id}'], invalidates: [] });
      expect(stale[0].via?.file).toBe('src/products/repository.ts');
      const covered = r.writePaths.find((p) => p.stale.length === 0)!;
      expect(covered.invalidates).toEqual(['product:{id}']);
    }
  });

  it('lists each family with readers, populators, invalidators and its TTL', async () => {
    const r = await report('write-job-through-repository-ioredis', '--no-types');
    expect(r.families).toHaveLength(1);
    const [family] = r.families;
    expect(family).toMatchObject({ template: 'product:{id}', name: null, entities: [{ entity: 'products', inferred: true }], ttl: { seconds: 300 } });
    expect(family.readers).toHaveLength(1);
    expect(family.populators).toHaveLength(1);
    expect(family.invalidators.map((i) => i.function)).toEqual(['ProductService.changePrice']);
  });

  it('pins entities from the registry (not inferred)', async () => {
    const r = await report('clean-write-registry-channel-ioredis');
    expect(r.writePaths.length).toBeGreaterThan(0);
    expect(r.writePaths.every((p) => p.stale.length === 0)).toBe(true);
    expect(r.writePaths.every((p) => !p.inferred)).toBe(true);
    expect(r.totals.percent).toBe(100);
  });

  it('reports the shop example: the drifted delete leaves product:v2:{id} stale', async () => {
    const r = await report('shop');
    const update = r.writePaths.find((p) => p.at.function === 'updatePrice')!;
    expect(update.stale).toEqual(['product:v2:{id}']);
  });

  it('exits 1 below --min and 0 at or above it; a bad --min is a usage error', async () => {
    const cwd = path.join(FIXTURES, 'write-job-through-repository-ioredis');
    expect((await run(['coverage', '--min', '50'], cwd)).code).toBe(0);
    const below = await run(['coverage', '--min', '60'], cwd);
    expect(below.code).toBe(1);
    expect(below.stderr).toContain('coverage 50% is below --min 60%');
    expect((await run(['coverage', '--min', '150'], cwd)).code).toBe(2);
    expect((await run(['coverage', '--min', 'most'], cwd)).code).toBe(2);
  });

  it('prints text and Markdown, and a broken registry exits 2 naming the file', async () => {
    const cwd = path.join(FIXTURES, 'write-job-through-repository-node-redis');
    const text = await run(['coverage'], cwd);
    expect(text.stdout).toMatch(/^Write paths: 2, fully covered 1 \(50%\)/);
    const markdown = await run(['coverage', '--format', 'markdown'], cwd);
    expect(markdown.stdout).toContain('### keydrift cache coverage');
    expect(markdown.stdout).toContain('`src/jobs/nightly.ts:');
    const registry = path.join(mkdtempSync(path.join(os.tmpdir(), 'keydrift-registry-')), 'broken.keys.json');
    writeFileSync(registry, '{\n  "keys": {\n    "product": { "template": "product:{id" }\n  }\n}\n');
    const broken = await run(['coverage', '--registry', registry], cwd);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.keys\.json:3:\d+/);
  });
});

describe.runIf(hasChromium() || process.env.CI)('keydrift coverage --format html in headless Chromium', () => {
  it('writes a page whose numbers and rows match the JSON report', async () => {
    const cwd = path.join(FIXTURES, 'write-orm-forms-ioredis');
    const json = await report('write-orm-forms-ioredis');
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'keydrift-coverage-')), 'coverage.html');
    expect((await run(['coverage', '--format', 'html', '--output', out], cwd)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/i);
    await withPage(async (page) => {
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(out).href);
      expect(await page.textContent('#total-write-paths')).toContain(String(json.totals.writePaths));
      expect(await page.textContent('#total-percent')).toContain(String(json.totals.percent));
      expect(await page.locator('#write-paths tbody tr').count()).toBe(json.writePaths.length);
      expect(await page.locator('#families tbody tr').count()).toBe(json.families.length);
      await page.fill('#filter', 'mongoose');
      const visible = await page.locator('#write-paths tbody tr:visible').count();
      expect(visible).toBe(json.writePaths.filter((p) => p.at.file.includes('mongoose') || p.orm === 'mongoose').length);
      expect(requests.every((url) => /^(file|data|about):/.test(url))).toBe(true);
    });
  }, 90_000);
});

import { describe, expect, it } from 'vitest';
import { formatCoverage, formatCoverageJson, COVERAGE_FORMATS } from '../src/coverage/format.js';
import { formatCoverageHtml } from '../src/coverage/format-html.js';
import { formatCoverageMarkdown, MAX_MARKDOWN_LENGTH } from '../src/coverage/format-markdown.js';
import { formatCoverageText } from '../src/coverage/format-text.js';
import type { CoverageReport, WritePathCoverage } from '../src/coverage/types.js';
import { MARKUP_TEMPLATE, PIPE_TEMPLATE, ref, sampleCoverageReport, totalsOf } from './support/coverage-report.js';

const ANSI = /\x1b\[[0-9;]*m/g;

/** The lines of the block that starts with `heading` and ends at the next blank line. */
function block(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  expect(start, `no "${heading}" block`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** Markdown table cells, split on the pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
}

describe('formatCoverageText', () => {
  const report = sampleCoverageReport();
  const text = formatCoverageText(report);

  it('starts with the totals line', () => {
    expect(text.split('\n')[0]).toBe('Write paths: 7, fully covered 4 (57.1%)');
    expect(text.split('\n')[1]).toBe('Families: 5');
  });

  it('lists the write paths that leave families stale first, each with its families', () => {
    const paths = block(text, 'Write paths');
    const headings = paths.filter((line) => /^ {2}[x+] /.test(line));
    expect(headings.map((line) => line[2])).toEqual(['x', 'x', 'x', '+', '+', '+', '+']);
    expect(headings[0]).toMatch(/^ {2}x src\/admin tools\/bulk edit\.ts:40 +\(anonymous\) +products \(inferred\) +sql update via updateMany \(src\/repo\/products\.ts:88\)$/);
    const reprice = paths.findIndex((line) => line.includes('src/jobs/reprice.ts:12'));
    expect(paths[reprice + 1]).toBe('      stale:       products:list:{page}');
    expect(paths[reprice + 2]).toBe('      invalidates: product:{id}');
    expect(paths.some((line) => line.includes(`invalidates: ${PIPE_TEMPLATE}`))).toBe(true);
  });

  it('aligns the write path columns', () => {
    const headings = block(text, 'Write paths').filter((line) => /^ {2}[x+] /.test(line));
    const functionColumn = headings.map((line) => line.search(/ (\(anonymous\)|[a-z]+[A-Z]\w*) /));
    expect(new Set(functionColumn).size).toBe(1);
  });

  it('ends with an aligned families table', () => {
    const table = block(text, 'Families');
    expect(table[0]).toMatch(/^ {2}template +name +entities +readers +populators +invalidators +TTL$/);
    expect(table).toHaveLength(1 + report.families.length);
    const product = table.find((line) => line.startsWith('  product:{id} '))!;
    expect(product).toMatch(/ product +Product, products \(inferred\) +3 +1 +2 +5m$/);
    expect(table.find((line) => line.startsWith('  products:list:{page} '))).toMatch(/ - +products \(inferred\) +1 +1 +1 +dynamic$/);
    expect(table.find((line) => line.startsWith(`  ${PIPE_TEMPLATE} `))).toMatch(/ none$/);
    expect(table.find((line) => line.startsWith('  user:{id} '))).toMatch(/ 1h$/);
    // The TTL column starts at the same place on every line.
    expect(new Set(table.map((line) => line.search(/\S+$/))).size).toBe(1);
  });

  it('is plain ASCII without color, and the same text under the colors with color', () => {
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    const colored = formatCoverageText(report, { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored.replace(ANSI, '')).toBe(text);
  });

  it('says when there is nothing to list', () => {
    const empty: CoverageReport = { version: 1, families: [], writePaths: [], totals: totalsOf([], []) };
    expect(formatCoverageText(empty)).toBe(
      ['Write paths: 0, fully covered 0 (100%)', 'Families: 0', '', 'Write paths', '  (no write paths found)', '', 'Families', '  (no cache families found)', ''].join('\n'),
    );
  });
});

describe('formatCoverageMarkdown', () => {
  const report = sampleCoverageReport();
  const markdown = formatCoverageMarkdown(report);

  it('has the heading and a one-line summary with the percentage', () => {
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('### keydrift cache coverage');
    expect(lines[2]).toBe(
      '⚠️ **57.1%** of write paths fully covered: 4 of 7 invalidate every cache family of their entity, **3** leave families stale. 5 cache families.',
    );
  });

  it('tables the write paths that leave families stale, outside any <details>', () => {
    const beforeDetails = markdown.slice(0, markdown.indexOf('<details>'));
    const rows = tableRows(beforeDetails);
    expect(cells(rows[0])).toEqual(['function', 'location', 'entity', 'stale families', 'invalidated']);
    expect(rows.slice(1).map(cells)).toEqual([
      ['_(anonymous)_', '`src/admin tools/bulk edit.ts:40`', 'products _(inferred)_', '`product:{id}`, `products:list:{page}`', '–'],
      ['`repriceAll`', '`src/jobs/reprice.ts:12`', 'Product', '`products:list:{page}`', '`product:{id}`'],
      ['`deleteUser`', '`src/users/service.ts:101`', 'users _(inferred)_', '`user:{id}`', '–'],
    ]);
  });

  it('collapses the families and the fully covered write paths', () => {
    const details = markdown.slice(markdown.indexOf('<details>'));
    expect(details).toContain('<summary>Cache families (5)</summary>');
    expect(details).toContain('<summary>Fully covered write paths (4)</summary>');
    expect(details.match(/<details>/g)).toHaveLength(2);
    expect(details.match(/<\/details>/g)).toHaveLength(2);
    const rows = tableRows(details);
    expect(rows.map((row) => cells(row).length)).toEqual([7, 7, 7, 7, 7, 7, 4, 4, 4, 4, 4]);
    expect(rows).toContain('| `product:{id}` | product | Product, products (inferred) | 3 | 1 | 2 | 5m |');
    expect(rows).toContain('| `createProduct` | `src/api/products.ts:30` | Product | `product:{id}`, `products:list:{page}` |');
  });

  it('escapes | and backticks so cells stay cells and code stays code', () => {
    // A longer fence around the backticks; the pipe escaped for the table.
    const pipeCode = '``price:`{sku}`\\|{region}``';
    expect(markdown).toContain(`| ${pipeCode} | price | Price | 2 | 1 | 1 | none |`);
    expect(markdown).toContain(`| \`setPrice\` | \`src/pricing/update.ts:7\` | Price | ${pipeCode} |`);
    const withBackticks = sampleCoverageReport();
    withBackticks.writePaths[3] = { ...withBackticks.writePaths[3], entity: 'Pro|duct`s', stale: ['`edge`'] };
    const row = tableRows(formatCoverageMarkdown(withBackticks)).find((line) => line.includes('repriceAll'))!;
    expect(cells(row)).toEqual(['`repriceAll`', '`src/jobs/reprice.ts:12`', 'Pro\\|duct\\`s', '`` `edge` ``', '`product:{id}`']);
  });

  it('reports full coverage plainly', () => {
    const report = sampleCoverageReport();
    report.writePaths = report.writePaths.filter((p) => p.stale.length === 0);
    report.totals = totalsOf(report.families, report.writePaths);
    const markdown = formatCoverageMarkdown(report);
    expect(markdown.split('\n')[2]).toBe('✅ **100%** of write paths fully covered: 4 of 4 invalidate every cache family of their entity. 5 cache families.');
    expect(markdown.indexOf('| function |')).toBeGreaterThan(markdown.indexOf('<details>'));
  });

  it(`stays under ${MAX_MARKDOWN_LENGTH} characters, saying how many rows it left out`, () => {
    const report = sampleCoverageReport();
    const stale: WritePathCoverage[] = Array.from({ length: 3000 }, (_, i) => ({
      at: ref(`src/generated/module-${String(i).padStart(4, '0')}.ts`, i + 1, `write${i}`),
      entity: 'Product',
      inferred: false,
      orm: 'prisma',
      operation: 'update',
      via: null,
      invalidates: [],
      stale: ['product:{id}', 'products:list:{page}'],
    }));
    report.writePaths = [...stale, ...report.writePaths];
    report.totals = totalsOf(report.families, report.writePaths);
    const markdown = formatCoverageMarkdown(report);

    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_LENGTH);
    expect(markdown.length).toBeGreaterThan(MAX_MARKDOWN_LENGTH - 500);
    const note = markdown.match(/_(\d+) more write paths left out to keep this comment under GitHub's size limit/);
    expect(note).not.toBeNull();
    const shown = tableRows(markdown.slice(0, markdown.indexOf('<details>'))).length - 1;
    expect(shown + Number(note![1])).toBe(3003);
    // The stale rows took the whole budget: the collapsed sections keep their headings and notes.
    expect(markdown).toContain('_5 more families left out');
    expect(markdown).toContain('_4 more write paths left out');
    expect(markdown.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('leaves out a row too long for a comment but keeps the rest', () => {
    const report = sampleCoverageReport();
    report.families[3] = { ...report.families[3], template: `huge:${'x'.repeat(70_000)}` };
    const markdown = formatCoverageMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_LENGTH);
    expect(markdown).toContain('_2 more families left out');
    expect(markdown).toContain('<summary>Fully covered write paths (4)</summary>');
    expect(tableRows(markdown).filter((row) => row.includes('`createProduct`'))).toHaveLength(1);
  });
});

describe('formatCoverage', () => {
  const report = sampleCoverageReport();

  it('writes JSON as the report object, indented, with a final newline', () => {
    const json = formatCoverage(report, 'json');
    expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(json)).toEqual(report);
    expect(formatCoverageJson(report)).toBe(json);
  });

  it('dispatches each format to its formatter, passing its options', () => {
    expect(COVERAGE_FORMATS).toEqual(['text', 'markdown', 'json', 'html']);
    expect(formatCoverage(report, 'text')).toBe(formatCoverageText(report));
    expect(formatCoverage(report, 'text', { color: true })).toBe(formatCoverageText(report, { color: true }));
    expect(formatCoverage(report, 'markdown')).toBe(formatCoverageMarkdown(report));
    const htmlOptions = { title: 'Shop coverage', linkBase: 'https://github.com/shop/api/blob/main/' };
    expect(formatCoverage(report, 'html', htmlOptions)).toBe(formatCoverageHtml(report, htmlOptions));
  });

  it.each(COVERAGE_FORMATS)('%s is deterministic: equal reports give equal strings', (format) => {
    const first = formatCoverage(report, format);
    expect(formatCoverage(structuredClone(report), format)).toBe(first);
    expect(formatCoverage(sampleCoverageReport(), format)).toBe(first);
  });
});

describe('formatCoverageHtml (static)', () => {
  const report = sampleCoverageReport();
  const html = formatCoverageHtml(report, { title: 'Shop <coverage> & "more"' });

  it('embeds the report as JSON that no template can break out of', () => {
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const embedded = html.match(/<script type="application\/json" id="coverage-data">(.*?)<\/script>/s)![1];
    expect(embedded).not.toContain('<');
    expect(JSON.parse(embedded)).toEqual(report);
  });

  it('is one self-contained page: no URL of any kind', () => {
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<(link|script|img|iframe)\b[^>]*\b(src|href)=(?!"data:)/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; /);
  });

  it('escapes the title and declares the language and viewport', () => {
    expect(html).toContain('<title>Shop &#60;coverage&#62; &#38; &#34;more&#34;</title>');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('keeps the link base in an escaped attribute', () => {
    const linked = formatCoverageHtml(report, { linkBase: 'https://example.test/blob/main/?a="b"&c' });
    expect(linked).toContain('<body data-link-base="https://example.test/blob/main/?a=&#34;b&#34;&#38;c">');
  });
});

/**
 * The coverage report as a GitHub pull-request comment: the summary and the write paths that
 * leave families stale up front, the families and the fully covered paths collapsed. Rows are
 * dropped (and counted) to stay under GitHub's comment size limit.
 */
import { entitiesLabel, functionLabel, isStale, locationLabel, percentLabel, plural, ttlLabel } from './labels.js';
import type { CodeRef, CoverageReport, WritePathCoverage } from './types.js';

/** GitHub rejects comments over 65,536 characters; the margin covers a wrapper's own text. */
export const MAX_MARKDOWN_LENGTH = 65_000;

interface TableSection {
  /** Lines before the table (headings, `<details>`), after a blank line. */
  before: string[];
  header: string[];
  rightAligned: ReadonlySet<number>;
  rows: string[];
  /** What the rows are, for the "left out" note ("write paths", "families"). */
  noun: string;
  after: string[];
}

export function formatCoverageMarkdown(report: CoverageReport): string {
  const intro = introLines(report);
  const sections = tableSections(report);
  const full = render(intro, sections, sections.map((s) => s.rows.length));
  if (full.length <= MAX_MARKDOWN_LENGTH) return full;
  return render(intro, sections, rowsThatFit(intro, sections));
}

function introLines(report: CoverageReport): string[] {
  const { totals } = report;
  const stale = totals.writePaths - totals.fullyCovered;
  const mark = stale === 0 ? '✅' : '⚠️';
  const families = `${plural(totals.families, 'cache family', 'cache families')}.`;
  const summary =
    totals.writePaths === 0
      ? `${mark} No database write paths found; ${families}`
      : `${mark} **${percentLabel(totals.percent)}** of write paths fully covered: ${totals.fullyCovered} of ${totals.writePaths} invalidate every cache family of their entity` +
        (stale === 0 ? `. ${families}` : `, **${stale}** leave${stale === 1 ? 's' : ''} families stale. ${families}`);
  return ['### keydrift cache coverage', '', summary];
}

function tableSections(report: CoverageReport): TableSection[] {
  const stale = report.writePaths.filter(isStale);
  const covered = report.writePaths.filter((p) => !isStale(p));
  const sections: TableSection[] = [];
  if (stale.length > 0) {
    sections.push({
      before: [],
      header: ['function', 'location', 'entity', 'stale families', 'invalidated'],
      rightAligned: new Set(),
      rows: stale.map((p) => tableRow([functionCell(p.at), code(locationLabel(p.at)), entityCell(p), codeList(p.stale), codeList(p.invalidates)])),
      noun: 'write paths',
      after: [],
    });
  }
  if (report.families.length > 0) {
    sections.push({
      before: ['<details>', `<summary>Cache families (${report.families.length})</summary>`],
      header: ['template', 'name', 'entities', 'readers', 'populators', 'invalidators', 'TTL'],
      rightAligned: new Set([3, 4, 5]),
      rows: report.families.map((f) =>
        tableRow([
          code(f.template),
          f.name === null ? '–' : text(f.name),
          text(entitiesLabel(f.entities)),
          String(f.readers.length),
          String(f.populators.length),
          String(f.invalidators.length),
          ttlLabel(f.ttl),
        ]),
      ),
      noun: 'families',
      after: ['', '</details>'],
    });
  }
  if (covered.length > 0) {
    sections.push({
      before: ['<details>', `<summary>Fully covered write paths (${covered.length})</summary>`],
      header: ['function', 'location', 'entity', 'invalidated'],
      rightAligned: new Set(),
      rows: covered.map((p) => tableRow([functionCell(p.at), code(locationLabel(p.at)), entityCell(p), codeList(p.invalidates)])),
      noun: 'write paths',
      after: ['', '</details>'],
    });
  }
  return sections;
}

function render(intro: string[], sections: TableSection[], kept: number[]): string {
  const out = [...intro];
  sections.forEach((section, i) => {
    out.push('', ...section.before);
    if (section.before.length > 0) out.push('');
    out.push(tableRow(section.header), tableRow(section.header.map((_, column) => (section.rightAligned.has(column) ? '---:' : '---'))));
    out.push(...section.rows.slice(0, kept[i]));
    const leftOut = section.rows.length - kept[i];
    if (leftOut > 0) {
      out.push('', `_${leftOut} more ${section.noun} left out to keep this comment under GitHub's size limit; the JSON and HTML reports list them all._`);
    }
    out.push(...section.after);
  });
  return `${out.join('\n')}\n`;
}

/**
 * How many rows of each section fit, earlier sections first (the stale write paths matter most).
 * The skeleton is measured with every row left out; keeping rows only shortens the notes.
 */
function rowsThatFit(intro: string[], sections: TableSection[]): number[] {
  let budget = MAX_MARKDOWN_LENGTH - render(intro, sections, sections.map(() => 0)).length;
  return sections.map((section) => {
    let kept = 0;
    for (const row of section.rows) {
      const cost = row.length + 1; // the row and its newline
      if (cost > budget) break;
      budget -= cost;
      kept++;
    }
    return kept;
  });
}

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function functionCell(ref: CodeRef): string {
  return ref.function === null ? `_${text(functionLabel(ref))}_` : code(ref.function);
}

function entityCell(path: WritePathCoverage): string {
  return path.inferred ? `${text(path.entity)} _(inferred)_` : text(path.entity);
}

function codeList(values: string[]): string {
  return values.length === 0 ? '–' : values.map(code).join(', ');
}

/** Plain cell text: Markdown punctuation backslash-escaped, line breaks flattened. */
function text(value: string): string {
  return singleLine(value).replace(/[\\`*_<>[\]|&]/g, (c) => `\\${c}`);
}

/**
 * A code span that holds any text: its fence is longer than the longest backtick run inside,
 * padded with spaces when the text starts or ends with a backtick (CommonMark strips one space
 * each side). `|` still ends a table cell inside code, so it is escaped too (GFM).
 */
function code(value: string): string {
  const content = singleLine(value);
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const padding = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${padding}${content.replace(/\|/g, '\\|')}${padding}${fence}`;
}

function singleLine(value: string): string {
  return value.replace(/\r\n|[\r\n]/g, ' ');
}

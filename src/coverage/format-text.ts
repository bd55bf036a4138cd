/**
 * The coverage report for a terminal: the totals, every write path (those that leave families
 * stale first) with what it invalidates, then the families table. Columns aligned with spaces.
 */
import { createColors } from 'picocolors';
import {
  entitiesLabel,
  functionLabel,
  isStale,
  locationLabel,
  operationLabel,
  percentLabel,
  staleFirst,
  ttlLabel,
} from './labels.js';
import type { CoverageReport, WritePathCoverage } from './types.js';

export interface CoverageTextOptions {
  color?: boolean;
}

type Colors = ReturnType<typeof createColors>;

export function formatCoverageText(report: CoverageReport, options: CoverageTextOptions = {}): string {
  const c = createColors(options.color ?? false);
  const { totals } = report;
  const everyPathCovered = totals.fullyCovered === totals.writePaths;
  const totalsLine = `Write paths: ${totals.writePaths}, fully covered ${totals.fullyCovered} (${percentLabel(totals.percent)})`;
  const out = [c.bold(everyPathCovered ? c.green(totalsLine) : c.yellow(totalsLine)), `Families: ${totals.families}`, ''];
  out.push(c.bold('Write paths'), ...writePathLines(staleFirst(report), c), '');
  out.push(c.bold('Families'), ...familyLines(report));
  return `${out.join('\n')}\n`;
}

function writePathLines(paths: WritePathCoverage[], c: Colors): string[] {
  if (paths.length === 0) return ['  (no write paths found)'];
  const headings = alignColumns(paths.map((p) => [locationLabel(p.at), functionLabel(p.at), entityOf(p), operationLabel(p)]));
  return paths.flatMap((path, i) => {
    const lines = [`  ${isStale(path) ? c.red('x') : c.green('+')} ${headings[i]}`];
    if (path.stale.length > 0) lines.push(`      ${c.red('stale:      ')} ${path.stale.join(', ')}`);
    if (path.invalidates.length > 0) lines.push(`      ${c.green('invalidates:')} ${path.invalidates.join(', ')}`);
    if (path.stale.length === 0 && path.invalidates.length === 0) lines.push(`      ${c.dim('no cache families for this entity')}`);
    return lines;
  });
}

function entityOf(path: WritePathCoverage): string {
  return path.inferred ? `${path.entity} (inferred)` : path.entity;
}

const FAMILY_HEADER = ['template', 'name', 'entities', 'readers', 'populators', 'invalidators', 'TTL'];
const FAMILY_NUMERIC_COLUMNS = new Set([3, 4, 5]);

function familyLines(report: CoverageReport): string[] {
  if (report.families.length === 0) return ['  (no cache families found)'];
  const rows = report.families.map((f) => [
    f.template,
    f.name ?? '-',
    entitiesLabel(f.entities),
    String(f.readers.length),
    String(f.populators.length),
    String(f.invalidators.length),
    ttlLabel(f.ttl),
  ]);
  return alignColumns([FAMILY_HEADER, ...rows], FAMILY_NUMERIC_COLUMNS).map((line) => `  ${line}`);
}

/** Pads every column but the last to its widest cell; `rightAligned` columns hold numbers. */
function alignColumns(rows: string[][], rightAligned: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const padding = ' '.repeat(widths[i] - width(cell));
        if (rightAligned.has(i)) return padding + cell;
        return i === row.length - 1 ? cell : cell + padding;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Code points, so a non-ASCII template does not shift the columns after it. */
function width(text: string): number {
  return [...text].length;
}

/**
 * How the coverage report's values read as text, shared by the text and Markdown formats (the
 * HTML page renders in the browser, from the embedded JSON, with the same wording).
 */
import { duration } from '../audit/format.js';
import type { CodeRef, CoverageReport, EntityLink, FamilyCoverage, WritePathCoverage } from './types.js';

export const ANONYMOUS_FUNCTION = '(anonymous)';

export function functionLabel(ref: CodeRef): string {
  return ref.function ?? ANONYMOUS_FUNCTION;
}

export function locationLabel(ref: CodeRef): string {
  return `${ref.file}:${ref.line}`;
}

/** "Product, products (inferred)". */
export function entitiesLabel(entities: EntityLink[]): string {
  if (entities.length === 0) return '-';
  return entities.map(entityLabel).join(', ');
}

export function entityLabel(link: EntityLink): string {
  return link.inferred ? `${link.entity} (inferred)` : link.entity;
}

/** "5m", "dynamic" or "none". */
export function ttlLabel(ttl: FamilyCoverage['ttl']): string {
  if (ttl === null) return 'none';
  if ('dynamic' in ttl) return 'dynamic';
  return duration(ttl.seconds);
}

/** "prisma update", with the write's own position when it happens in a called function. */
export function operationLabel(path: WritePathCoverage): string {
  const via = path.via ? ` via ${functionLabel(path.via)} (${locationLabel(path.via)})` : '';
  return `${path.orm} ${path.operation}${via}`;
}

/** "57.1%": the report already rounds to one decimal; 100 stays "100%". */
export function percentLabel(percent: number): string {
  return `${percent}%`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export function isStale(path: WritePathCoverage): boolean {
  return path.stale.length > 0;
}

/** Write paths that leave families stale first; report order otherwise (sort is stable). */
export function staleFirst(report: CoverageReport): WritePathCoverage[] {
  return [...report.writePaths].sort((a, b) => Number(isStale(b)) - Number(isStale(a)));
}

/**
 * Near matches between key families: the ways a key format drifts apart between the read path
 * and the invalidation path (the first seed's `product:{id}` vs `product:v2:{id}`).
 */
import { joinSegments, literal, makeTemplate, splitSegments, templateShape, type Template } from './template.js';
import { unify } from './unify.js';

export type DriftKind = 'version' | 'case' | 'separator' | 'prefix' | 'segment';

export const DRIFT_DESCRIPTIONS: Record<DriftKind, string> = {
  version: 'a version segment',
  case: 'letter case',
  separator: 'the separator',
  prefix: 'a prefix or tenant segment',
  segment: 'one literal segment',
};

/**
 * How `a` drifted from `b`, or undefined when they are the same family or unrelated.
 * Checked in order of how specific the explanation is.
 */
export function driftBetween(a: Template, b: Template): DriftKind | undefined {
  if (unify(a, b)) return undefined;
  if ((hasVersion(a) || hasVersion(b)) && sameShape(withoutVersions(a), withoutVersions(b))) return 'version';
  if (sameShape(mapLiterals(a, (t) => t.toLowerCase()), mapLiterals(b, (t) => t.toLowerCase()))) return 'case';
  if (sameShape(mapLiterals(a, normalizeSeparators), mapLiterals(b, normalizeSeparators))) return 'separator';
  if (differsByInsertedSegments(a, b) || differsByInsertedSegments(b, a)) return 'prefix';
  if (differsByOneLiteralSegment(a, b)) return 'segment';
  return undefined;
}

const VERSION_SEGMENT = /^v\d+$/i;
const VERSION_SUFFIX = /[_.-]?v\d+$/i;

/**
 * Drift compares shapes, not unification: a hole must line up with a hole and a literal with
 * the same literal, or any short family would "nearly match" any long one.
 */
function sameShape(a: Template, b: Template): boolean {
  return templateShape(a) === templateShape(b);
}

function hasVersion(t: Template): boolean {
  return splitSegments(t).some((seg) => seg.segments.length === 1 && seg.segments[0].kind === 'literal' && (VERSION_SEGMENT.test(seg.segments[0].text) || VERSION_SUFFIX.test(seg.segments[0].text)));
}

/** Drops `v2` segments and `_v2` suffixes of literal segments. */
function withoutVersions(t: Template): Template {
  const kept: Template[] = [];
  for (const seg of splitSegments(t)) {
    const only = seg.segments.length === 1 ? seg.segments[0] : undefined;
    if (only?.kind === 'literal' && VERSION_SEGMENT.test(only.text)) continue;
    if (only?.kind === 'literal' && VERSION_SUFFIX.test(only.text)) {
      kept.push(makeTemplate([literal(only.text.replace(VERSION_SUFFIX, ''))]));
      continue;
    }
    kept.push(seg);
  }
  return joinSegments(kept);
}

function mapLiterals(t: Template, f: (text: string) => string): Template {
  return makeTemplate(t.segments.map((s) => (s.kind === 'literal' ? literal(f(s.text)) : s)));
}

function normalizeSeparators(text: string): string {
  return text.replace(/[._/|#-]/g, ':');
}

/**
 * `longer` is `shorter` with one or two extra segments somewhere other than at the end
 * (a prefix, a tenant or namespace segment). An extra trailing segment is a different key
 * (`stats:{day}` vs `stats:{day}:total`), so it does not count.
 */
function differsByInsertedSegments(longer: Template, shorter: Template): boolean {
  const l = splitSegments(longer);
  const s = splitSegments(shorter);
  const extra = l.length - s.length;
  if (extra < 1 || extra > 2) return false;
  if (!s.some((seg) => seg.segments.some((x) => x.kind === 'literal'))) return false;
  for (let start = 0; start + extra < l.length; start++) {
    const rest = [...l.slice(0, start), ...l.slice(start + extra)];
    if (sameShape(joinSegments(rest), shorter)) return true;
  }
  return false;
}

/** Same shape but one literal segment spelt differently (`profile` / `profiles`, `user` / `usr`). */
function differsByOneLiteralSegment(a: Template, b: Template): boolean {
  const sa = splitSegments(a);
  const sb = splitSegments(b);
  if (sa.length !== sb.length || sa.length < 2) return false;
  let differing = 0;
  for (let i = 0; i < sa.length; i++) {
    if (sameShape(sa[i], sb[i])) continue;
    const x = sa[i].segments;
    const y = sb[i].segments;
    if (x.length !== 1 || y.length !== 1 || x[0].kind !== 'literal' || y[0].kind !== 'literal') return false;
    const distance = editDistance(x[0].text, y[0].text);
    if (distance > 2 || distance * 2 >= Math.min(x[0].text.length, y[0].text.length)) return false;
    differing++;
  }
  return differing === 1;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

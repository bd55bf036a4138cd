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
  // Unification rules out a drift between two of one family; it is asked last, as it costs more
  // than the comparisons of features, which most pairs of families fail anyway.
  const kind = featureDrift(featuresOf(a), featuresOf(b));
  return kind !== undefined && !unify(a, b) ? kind : undefined;
}

function featureDrift(fa: Features, fb: Features): DriftKind | undefined {
  if ((fa.hasVersion || fb.hasVersion) && fa.versionless === fb.versionless) return 'version';
  if (fa.lowerCase === fb.lowerCase) return 'case';
  if (fa.separators === fb.separators) return 'separator';
  if (differsByInsertedSegments(fa, fb) || differsByInsertedSegments(fb, fa)) return 'prefix';
  if (differsByOneLiteralSegment(fa, fb)) return 'segment';
  return undefined;
}

/**
 * The normalised shapes drift compares, computed once per template. Drift compares shapes, not
 * unification: a hole must line up with a hole and a literal with the same literal, or any
 * short family would "nearly match" any long one.
 */
interface Features {
  hasVersion: boolean;
  versionless: string;
  lowerCase: string;
  separators: string;
  /** The shape of each `:`-separated segment. */
  segments: string[];
  /** Each segment's text when it is wholly literal. */
  literalSegments: (string | undefined)[];
}

const featureCache = new WeakMap<Template, Features>();

function featuresOf(t: Template): Features {
  let features = featureCache.get(t);
  if (!features) {
    const parts = splitSegments(t);
    features = {
      hasVersion: hasVersion(parts),
      versionless: templateShape(withoutVersions(parts)),
      lowerCase: templateShape(mapLiterals(t, (text) => text.toLowerCase())),
      separators: templateShape(mapLiterals(t, normalizeSeparators)),
      segments: parts.map(templateShape),
      literalSegments: parts.map((p) => (p.segments.length === 1 && p.segments[0].kind === 'literal' ? p.segments[0].text : undefined)),
    };
    featureCache.set(t, features);
  }
  return features;
}

const VERSION_SEGMENT = /^v\d+$/i;
const VERSION_SUFFIX = /[_.-]?v\d+$/i;

function hasVersion(parts: Template[]): boolean {
  return parts.some((seg) => seg.segments.length === 1 && seg.segments[0].kind === 'literal' && (VERSION_SEGMENT.test(seg.segments[0].text) || VERSION_SUFFIX.test(seg.segments[0].text)));
}

/** Drops `v2` segments and `_v2` suffixes of literal segments. */
function withoutVersions(parts: Template[]): Template {
  const kept: Template[] = [];
  for (const seg of parts) {
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
function differsByInsertedSegments(longer: Features, shorter: Features): boolean {
  const l = longer.segments;
  const s = shorter.segments;
  const extra = l.length - s.length;
  if (extra < 1 || extra > 2) return false;
  if (s.every((seg) => seg === '{}')) return false; // all holes: anything would match
  // `longer` without its segments start .. start + extra - 1 is `shorter`.
  for (let start = 0; start + extra < l.length; start++) {
    let same = true;
    for (let i = 0; i < s.length && same; i++) same = s[i] === l[i < start ? i : i + extra];
    if (same) return true;
  }
  return false;
}

/** Same shape but one literal segment spelt differently (`profile` / `profiles`, `user` / `usr`). */
function differsByOneLiteralSegment(a: Features, b: Features): boolean {
  if (a.segments.length !== b.segments.length || a.segments.length < 2) return false;
  let differing = 0;
  for (let i = 0; i < a.segments.length; i++) {
    if (a.segments[i] === b.segments[i]) continue;
    const x = a.literalSegments[i];
    const y = b.literalSegments[i];
    if (x === undefined || y === undefined) return false;
    const distance = editDistance(x, y);
    if (distance > 2 || distance * 2 >= Math.min(x.length, y.length)) return false;
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

/**
 * One compiled matcher for every registry template (families and deprecated templates), so each
 * scanned key costs one lookup, not one regex test per family.
 *
 * A hole never spans the separator `:`, so a key with n segments can only belong to a template
 * with n segments, and segment i of the key must match segment i of the template. The default
 * matcher is therefore a segment trie: a fully literal template segment is a Map lookup, a pure
 * hole matches any non-empty segment, and a mixed segment (`v{n}`, `{{{id}}}`) is a small anchored
 * regex. Matching walks the key once, with backtracking only between siblings that both match.
 *
 * A second strategy, one RegExp alternation over all templates, is kept for comparison: both must
 * give the same answer for every key (tested), and the trie is the faster of the two on realistic
 * registries (bench numbers in docs/audit.md).
 *
 * When several templates match a key, the most specific wins: compare the templates segment by
 * segment, and at the first segment where they differ a literal beats a mixed segment, a mixed
 * segment with more literal characters beats one with fewer (then by text), and both beat a
 * pure hole. Templates that are identical up to hole names keep registry order.
 */
import { formatTemplate, hole, makeTemplate, splitSegments, type Template } from '../keys/template.js';
import { templateRegexSource } from '../keys/unify.js';

export interface MatcherEntry<T> {
  template: Template;
  value: T;
}

export interface KeyMatcher<T> {
  /** The value of the most specific template that `key` belongs to, if any. */
  match(key: string): T | undefined;
}

export type MatcherStrategy = 'trie' | 'regex';

export function compileMatcher<T>(entries: readonly MatcherEntry<T>[], strategy: MatcherStrategy = 'trie'): KeyMatcher<T> {
  return strategy === 'trie' ? new TrieMatcher(entries) : new RegexMatcher(entries);
}

// ---------------------------------------------------------------------------------------------
// Segment ordering shared by both strategies

const enum Rank {
  Literal = 0,
  Mixed = 1,
  Hole = 2,
}

interface SegmentInfo {
  rank: Rank;
  /** Literal characters in the segment (more = more specific). */
  literalChars: number;
  /** Identity of the segment up to hole names: the Map key for literals, the shape otherwise. */
  id: string;
  /** Literal text (Literal), or an anchored regex for one key segment (Mixed). */
  text: string;
  regex?: RegExp;
}

function describeSegment(segment: Template): SegmentInfo {
  const segs = segment.segments;
  if (segs.every((s) => s.kind === 'literal')) {
    const text = segs.map((s) => (s.kind === 'literal' ? s.text : '')).join('');
    return { rank: Rank.Literal, literalChars: text.length, id: `L${text}`, text };
  }
  if (segs.length === 1) return { rank: Rank.Hole, literalChars: 0, id: 'H', text: '' };
  // Identity ignores hole names but not hole count: `{a}{b}` needs two characters, `{a}` one.
  const text = formatTemplate(makeTemplate(segs.map((s) => (s.kind === 'hole' ? hole('_') : s))));
  const literalChars = segs.reduce((n, s) => n + (s.kind === 'literal' ? s.text.length : 0), 0);
  return {
    rank: Rank.Mixed,
    literalChars,
    id: `M${text}`,
    text,
    regex: new RegExp(`^${templateRegexSource(segment)}$`, 's'),
  };
}

function compareSegments(a: SegmentInfo, b: SegmentInfo): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.literalChars !== b.literalChars) return b.literalChars - a.literalChars;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface Prepared<T> {
  index: number;
  segments: SegmentInfo[];
  entry: MatcherEntry<T>;
}

function prepare<T>(entries: readonly MatcherEntry<T>[]): Prepared<T>[] {
  return entries.map((entry, index) => ({ index, entry, segments: splitSegments(entry.template).map(describeSegment) }));
}

/** Most specific first; identical templates (up to hole names) keep their order. */
function compareEntries<T>(a: Prepared<T>, b: Prepared<T>): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const c = compareSegments(a.segments[i], b.segments[i]);
    if (c !== 0) return c;
  }
  if (a.segments.length !== b.segments.length) return a.segments.length - b.segments.length;
  return a.index - b.index;
}

// ---------------------------------------------------------------------------------------------
// Segment trie

interface TrieNode<T> {
  literal: Map<string, TrieNode<T>> | null;
  /** Mixed-segment children, most specific first. */
  mixed: { info: SegmentInfo; regex: RegExp; node: TrieNode<T> }[];
  hole: TrieNode<T> | null;
  /** The entry ending here (the first registered, when several are identical). */
  terminal: { value: T } | null;
}

function newNode<T>(): TrieNode<T> {
  return { literal: null, mixed: [], hole: null, terminal: null };
}

class TrieMatcher<T> implements KeyMatcher<T> {
  private readonly root: TrieNode<T> = newNode();

  constructor(entries: readonly MatcherEntry<T>[]) {
    for (const prepared of prepare(entries)) {
      let node = this.root;
      for (const info of prepared.segments) node = this.child(node, info);
      node.terminal ??= { value: prepared.entry.value };
    }
  }

  private child(node: TrieNode<T>, info: SegmentInfo): TrieNode<T> {
    if (info.rank === Rank.Literal) {
      node.literal ??= new Map();
      let next = node.literal.get(info.text);
      if (!next) node.literal.set(info.text, (next = newNode()));
      return next;
    }
    if (info.rank === Rank.Hole) return (node.hole ??= newNode());
    let slot = node.mixed.find((m) => m.info.id === info.id);
    if (!slot) {
      slot = { info, regex: info.regex!, node: newNode() };
      node.mixed.push(slot);
      node.mixed.sort((a, b) => compareSegments(a.info, b.info));
    }
    return slot.node;
  }

  match(key: string): T | undefined {
    return walk(this.root, key, 0);
  }
}

function walk<T>(node: TrieNode<T>, key: string, start: number): T | undefined {
  const end = key.indexOf(':', start);
  const last = end < 0;
  const segment = last ? (start === 0 ? key : key.slice(start)) : key.slice(start, end);
  const next = last ? -1 : end + 1;

  const lit = node.literal?.get(segment);
  if (lit) {
    const found = last ? lit.terminal?.value : walk(lit, key, next);
    if (found !== undefined) return found;
  }
  const mixed = node.mixed;
  for (let i = 0; i < mixed.length; i++) {
    if (!mixed[i].regex.test(segment)) continue;
    const child = mixed[i].node;
    const found = last ? child.terminal?.value : walk(child, key, next);
    if (found !== undefined) return found;
  }
  const hole = node.hole;
  if (hole && segment.length > 0) {
    return last ? hole.terminal?.value : walk(hole, key, next);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// One RegExp alternation

class RegexMatcher<T> implements KeyMatcher<T> {
  private readonly regex: RegExp;
  private readonly values: T[];

  constructor(entries: readonly MatcherEntry<T>[]) {
    const ordered = prepare(entries).sort(compareEntries);
    this.values = ordered.map((p) => p.entry.value);
    // Each alternative ends with an empty group: the one that took part is the only group
    // whose value is '' (the others are undefined). templateRegexSource has no groups.
    const body = ordered.map((p) => `${templateRegexSource(p.entry.template)}()`).join('|');
    this.regex = new RegExp(ordered.length ? `^(?:${body})$` : '(?!)', 's');
  }

  match(key: string): T | undefined {
    const m = this.regex.exec(key);
    if (!m) return undefined;
    return this.values[m.indexOf('', 1) - 1];
  }
}

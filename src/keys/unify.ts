import { SEPARATOR, type Template } from './template.js';

/**
 * Whether some key is produced by both templates (hole names ignored). A hole is one or more
 * characters other than `:`. Decided by a dynamic programme over token positions, the usual
 * intersection test for two wildcard patterns; O(n·m) in the template lengths.
 */
export function unify(a: Template, b: Template): boolean {
  const ta = tokens(a);
  const tb = tokens(b);
  const memo = new Map<number, boolean>();
  const width = tb.length + 1;

  const go = (i: number, j: number): boolean => {
    const id = i * width + j;
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === ta.length && j === tb.length) result = true;
    else if (i < ta.length && ta[i] === STAR) {
      result = go(i + 1, j) || (j < tb.length && absorbs(tb[j]) && go(i, j + 1));
    } else if (j < tb.length && tb[j] === STAR) {
      result = go(i, j + 1) || (i < ta.length && absorbs(ta[i]) && go(i + 1, j));
    } else if (i < ta.length && j < tb.length) {
      result = compatible(ta[i], tb[j]) && go(i + 1, j + 1);
    } else result = false;
    memo.set(id, result);
    return result;
  };
  return go(0, 0);
}

/** Whether a concrete key (no holes) belongs to the template. */
export function matchesKey(template: Template, key: string): boolean {
  return compileTemplate(template).test(key);
}

const regexCache = new WeakMap<Template, RegExp>();

/** A RegExp for concrete keys of one template; holes match `[^:]+`. */
export function compileTemplate(template: Template): RegExp {
  let re = regexCache.get(template);
  if (!re) {
    re = new RegExp(`^${templateRegexSource(template)}$`, 's');
    regexCache.set(template, re);
  }
  return re;
}

export function templateRegexSource(template: Template): string {
  return template.segments.map((s) => (s.kind === 'literal' ? escapeRegex(s.text) : HOLE_SOURCE)).join('');
}

const HOLE_SOURCE = `[^${SEPARATOR}]+`;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// Tokens: a literal character (a 1-char string), ANY (one non-separator char), STAR (zero or more).
// Characters are UTF-16 code units, as in the compiled RegExps (no `u` flag), so an astral
// character is two of them there and here alike.
const ANY = 0;
const STAR = 1;
type Token = string | typeof ANY | typeof STAR;

function tokens(template: Template): Token[] {
  const out: Token[] = [];
  for (const s of template.segments) {
    if (s.kind === 'literal') for (let k = 0; k < s.text.length; k++) out.push(s.text[k]);
    else out.push(ANY, STAR);
  }
  return out;
}

function absorbs(token: Token): boolean {
  return token === ANY || token === STAR || token !== SEPARATOR;
}

function compatible(x: Token, y: Token): boolean {
  if (x === ANY) return y !== SEPARATOR;
  if (y === ANY) return x !== SEPARATOR;
  return x === y;
}

/**
 * The key-template model: literal text with holes, e.g. `product:v2:{id}`.
 *
 * Text form: `{name}` is a hole. A literal brace is written twice, `{{` and `}}`, so a Redis
 * Cluster hash tag such as `{user:42}:cart` is the template `{{user:{id}}}:cart`.
 * A hole stands for one or more characters that are not `:`, the Redis key separator: that is
 * what makes `product:{id}` and `product:v2:{id}` two families rather than one.
 *
 * This module has no AST imports: rules, analyzer and audit all share it.
 */

export type Segment = { kind: 'literal'; text: string } | { kind: 'hole'; name: string };

/** A parsed template: literal and hole segments, adjacent literals merged. */
export interface Template {
  readonly segments: readonly Segment[];
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'TemplateSyntaxError';
  }
}

export const SEPARATOR = ':';

export function literal(text: string): Segment {
  return { kind: 'literal', text };
}

export function hole(name: string): Segment {
  return { kind: 'hole', name: name || 'value' };
}

/** Builds a template from segments, merging adjacent literals and dropping empty ones. */
export function makeTemplate(segments: Iterable<Segment>): Template {
  const out: Segment[] = [];
  for (const seg of segments) {
    if (seg.kind === 'literal') {
      if (seg.text === '') continue;
      const last = out[out.length - 1];
      if (last?.kind === 'literal') {
        out[out.length - 1] = { kind: 'literal', text: last.text + seg.text };
        continue;
      }
    }
    out.push(seg);
  }
  return { segments: out };
}

export function concatTemplates(...parts: Template[]): Template {
  return makeTemplate(parts.flatMap((p) => p.segments));
}

/** Parses template text. Throws TemplateSyntaxError with the offset of the problem. */
export function parseTemplate(text: string): Template {
  const segments: Segment[] = [];
  let buffer = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '{') {
      if (text[i + 1] === '{') {
        buffer += '{';
        i += 2;
        continue;
      }
      const close = text.indexOf('}', i + 1);
      if (close < 0) throw new TemplateSyntaxError(`unclosed '{' at offset ${i} (write '{{' for a literal brace)`, i);
      const name = text.slice(i + 1, close);
      if (!/^[A-Za-z_$][\w$.-]*$/.test(name)) {
        throw new TemplateSyntaxError(`invalid hole name '${name}' at offset ${i} (write '{{' for a literal brace)`, i);
      }
      if (buffer) segments.push(literal(buffer));
      buffer = '';
      segments.push(hole(name));
      i = close + 1;
      continue;
    }
    if (ch === '}') {
      if (text[i + 1] === '}') {
        buffer += '}';
        i += 2;
        continue;
      }
      throw new TemplateSyntaxError(`unmatched '}' at offset ${i} (write '}}' for a literal brace)`, i);
    }
    buffer += ch;
    i++;
  }
  if (buffer) segments.push(literal(buffer));
  return makeTemplate(segments);
}

function escapeLiteral(text: string): string {
  return text.replace(/\{/g, '{{').replace(/\}/g, '}}');
}

/** Prints template text; `parseTemplate(formatTemplate(t))` equals `t`. */
export function formatTemplate(template: Template): string {
  let text = textCache.get(template);
  if (text === undefined) {
    text = template.segments.map((s) => (s.kind === 'literal' ? escapeLiteral(s.text) : `{${s.name}}`)).join('');
    textCache.set(template, text);
  }
  return text;
}

// Like shapes below: templates are never mutated, and the same ones are printed again and again.
const textCache = new WeakMap<Template, string>();

/**
 * The family a template belongs to: hole names dropped and adjacent holes merged, so
 * `product:v2:{id}` and `product:v2:{productId}` share the shape `product:v2:{}`.
 */
export function templateShape(template: Template): string {
  let shape = shapeCache.get(template);
  if (shape === undefined) {
    shape = computeShape(template);
    shapeCache.set(template, shape);
  }
  return shape;
}

// Templates are never mutated, so a template's shape can be remembered.
const shapeCache = new WeakMap<Template, string>();

function computeShape(template: Template): string {
  let out = '';
  let lastWasHole = false;
  for (const s of template.segments) {
    if (s.kind === 'hole') {
      if (!lastWasHole) out += '{}';
      lastWasHole = true;
    } else {
      out += escapeLiteral(s.text);
      lastWasHole = false;
    }
  }
  return out;
}

export function hasLiteral(template: Template): boolean {
  return template.segments.some((s) => s.kind === 'literal');
}

export function isFullyLiteral(template: Template): boolean {
  return template.segments.every((s) => s.kind === 'literal');
}

/** Splits a template at every literal `:` into key segments (a hole never spans one). */
export function splitSegments(template: Template): Template[] {
  const parts: Segment[][] = [[]];
  for (const s of template.segments) {
    if (s.kind === 'hole') {
      parts[parts.length - 1].push(s);
      continue;
    }
    const pieces = s.text.split(SEPARATOR);
    pieces.forEach((piece, index) => {
      if (index > 0) parts.push([]);
      if (piece) parts[parts.length - 1].push(literal(piece));
    });
  }
  return parts.map((p) => makeTemplate(p));
}

export function joinSegments(parts: Template[]): Template {
  const segs: Segment[] = [];
  parts.forEach((p, index) => {
    if (index > 0) segs.push(literal(SEPARATOR));
    segs.push(...p.segments);
  });
  return makeTemplate(segs);
}

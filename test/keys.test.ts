import { describe, expect, it } from 'vitest';
import { driftBetween } from '../src/keys/drift.js';
import { formatTemplate, parseTemplate, templateShape, TemplateSyntaxError } from '../src/keys/template.js';
import { matchesKey, unify } from '../src/keys/unify.js';

const t = parseTemplate;

describe('template text', () => {
  it('parses literals and holes', () => {
    expect(t('product:v2:{id}').segments).toEqual([
      { kind: 'literal', text: 'product:v2:' },
      { kind: 'hole', name: 'id' },
    ]);
  });

  it('escapes literal braces by doubling them (Redis Cluster hash tags)', () => {
    const tagged = t('{{user:{id}}}:cart');
    expect(tagged.segments).toEqual([
      { kind: 'literal', text: '{user:' },
      { kind: 'hole', name: 'id' },
      { kind: 'literal', text: '}:cart' },
    ]);
    expect(formatTemplate(tagged)).toBe('{{user:{id}}}:cart');
    expect(matchesKey(tagged, '{user:42}:cart')).toBe(true);
  });

  it.each(['product:{id', 'product:}', 'a:{}', 'a:{1x}'])('rejects %s with an offset', (text) => {
    expect(() => t(text)).toThrow(TemplateSyntaxError);
  });

  it('shapes ignore hole names', () => {
    expect(templateShape(t('product:v2:{id}'))).toBe(templateShape(t('product:v2:{productId}')));
    expect(templateShape(t('product:{id}'))).not.toBe(templateShape(t('product:v2:{id}')));
  });
});

describe('unification', () => {
  it.each([
    ['product:v2:{id}', 'product:v2:{sku}', true],
    ['product:v2:{id}', 'product:v2:42', true],
    ['product:{id}', 'product:v2:{id}', false],
    ['product:{id}', 'Product:{id}', false],
    ['user:{id}:profile', 'user:{a}{b}:profile', true],
    ['a:{x}b', 'a:c{y}', true],
    ['a:{x}b', 'a:{y}c', false],
  ])('%s ~ %s is %s', (a, b, expected) => {
    expect(unify(t(a), t(b))).toBe(expected);
    expect(unify(t(b), t(a))).toBe(expected);
  });

  it('a hole never spans the separator', () => {
    expect(matchesKey(t('product:{id}'), 'product:v2:1')).toBe(false);
    expect(matchesKey(t('product:{id}'), 'product:1')).toBe(true);
  });
});

describe('drift', () => {
  it.each([
    ['product:{id}', 'product:v2:{id}', 'version'],
    ['product_v1:{id}', 'product_v2:{id}', 'version'],
    ['Product:{id}', 'product:{id}', 'case'],
    ['product_{id}', 'product:{id}', 'separator'],
    ['product.{id}', 'product:{id}', 'separator'],
    ['tenant:{t}:product:{id}', 'product:{id}', 'prefix'],
    ['product:{id}', 'app:product:{id}', 'prefix'],
    ['user:{id}:profile', 'user:{id}:profiles', 'segment'],
  ] as const)('%s vs %s: %s', (a, b, kind) => {
    expect(driftBetween(t(a), t(b))).toBe(kind);
  });

  it.each([
    ['product:v2:{id}', 'product:v2:{sku}'],
    ['user:{id}', 'order:{id}'],
    ['stats:{day}', 'stats:{day}:total'],
    ['recommendations:home:{u}:{p}', 'stock:{sku}'],
  ])('%s and %s are not drift', (a, b) => {
    expect(driftBetween(t(a), t(b))).toBeUndefined();
  });
});

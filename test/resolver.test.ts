import { describe, expect, it } from 'vitest';
import { keyCases } from './cases/key-cases.js';
import { analyzeSources } from './support/temp-project.js';

describe.each([
  { mode: 'typed', types: true },
  { mode: 'untyped', types: false },
])('key resolution ($mode)', ({ types }) => {
  it.each(keyCases.filter((c) => types || !c.typedOnly).map((c) => [c.name, c] as const))('%s', (_name, keyCase) => {
    const result = analyzeSources(keyCase.files, { types });
    const actual = result.callSites.map((site) => `${site.command} ${site.keys.map((k) => k.template ?? 'null').join(' ')}`);
    expect(actual).toEqual(keyCase.expected);
  });
});

it('without types, a union-typed parameter stays a hole rather than a guess', () => {
  const union = keyCases.find((c) => c.typedOnly)!;
  const result = analyzeSources(union.files, { types: false });
  expect(result.callSites.map((s) => s.keys[0].template)).toEqual(['price:{region}:{id}']);
});

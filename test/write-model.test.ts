/**
 * The write model's registry part is shared by every model built over one registry (the ESLint
 * rules build one per linted file): what a model answers must not depend on the models before it.
 */
import { describe, expect, it } from 'vitest';
import type { CheckSite } from '../src/analyze/site.js';
import { NO_WRITE_FACTS } from '../src/analyze/write-facts.js';
import { WriteModel } from '../src/analyze/write-model.js';
import { parseTemplate } from '../src/keys/template.js';
import { lookupCommand } from '../src/redis/commands.js';
import { parseRegistry } from '../src/registry/load.js';

function del(key: string, line: number): CheckSite {
  return {
    where: { file: 'a.ts', line, column: 1 },
    client: 'ioredis',
    info: lookupCommand('del')!,
    keys: [{ source: 'key', templates: [parseTemplate(key)] }],
    ttl: null,
    functionName: 'f',
    fnId: 'a.ts:1:1',
    pipelineId: null,
  };
}

describe('WriteModel over a shared registry', () => {
  const registry = parseRegistry('{"keys":{"one":{"template":"k:1"},"product":{"template":"product:{id}"}}}', 'keydrift.keys.json');
  const reached = (model: WriteModel, site: CheckSite) => [...model.familiesOfSite(site)].map((i) => model.families[i].text);

  it('a key reaches the registered families it unifies with, whichever model asked before', () => {
    // `k:{a}{b}` and `k:{id}` share a shape, but only the second can be the one-character key `k:1`.
    const twoHoles = del('k:{a}{b}', 2);
    const first = new WriteModel([twoHoles], NO_WRITE_FACTS, registry, 'all');
    expect(reached(first, twoHoles)).not.toContain('k:1');
    const oneHole = del('k:{id}', 3);
    const second = new WriteModel([oneHole], NO_WRITE_FACTS, registry, 'all');
    expect(reached(second, oneHole)).toContain('k:1');
  });

  it('registered families come first, in registry order, and a used key of another shape after them', () => {
    const model = new WriteModel([del('cart:{id}', 2), del('product:{productId}', 3)], NO_WRITE_FACTS, registry, 'all');
    expect(model.families.map((f) => f.text)).toEqual(['k:1', 'product:{id}', 'cart:{id}']);
    expect(model.families[1].invalidators).toHaveLength(1);
  });
});

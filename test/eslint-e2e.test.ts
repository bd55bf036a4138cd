/** Real ESLint (its Node API) with keydrift's presets over the bundled example service. */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import keydrift from '../rules/index.js';

const SHOP = path.resolve(import.meta.dirname, '../fixtures/shop');

async function lintShop(preset: keyof typeof keydrift.configs, extra: object = {}, cwd = SHOP) {
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    cache: false,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tsParser } }, keydrift.configs[preset] as never, extra],
  });
  const results = await eslint.lintFiles(['src/**/*.ts']);
  return results.flatMap((r) => r.messages.map((m) => `${path.relative(cwd, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`)).sort();
}

describe('ESLint with keydrift presets on fixtures/shop', () => {
  it('recommended: the SET without a TTL', async () => {
    expect(await lintShop('recommended')).toEqual([
      'src/products/read.ts:21:11 keydrift/require-ttl SET of `product:v2:{id}` sets no expiry: if an invalidation is ever missed, the stale value lives forever. Pass EX / setex, or expire it in the same function.',
    ]);
  });

  it('strict: inline keys too', async () => {
    expect(await lintShop('strict')).toEqual([
      'src/products/read.ts:21:11 keydrift/require-ttl SET of `product:v2:{id}` sets no expiry: if an invalidation is ever missed, the stale value lives forever. Pass EX / setex, or expire it in the same function.',
      'src/products/update.ts:8:19 keydrift/no-inline-keys Key `product:{id}` is written inline; build it with a key builder so reads and invalidations cannot drift apart.',
    ]);
  });

  it('strict with a registry: deprecated and unknown keys, TTL above the family maximum', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/registry-ioredis');
    const messages = await lintShop('strict', { settings: { keydrift: { registry: path.join(dir, 'keydrift.keys.json') } } }, dir);
    expect(messages.map((m) => m.split(' ').slice(0, 2).join(' '))).toEqual([
      'src/legacy.ts:5:31 keydrift/no-inline-keys',
      'src/legacy.ts:5:31 keydrift/no-unknown-keys',
      'src/recommendations.ts:6:34 keydrift/no-inline-keys',
      'src/recommendations.ts:6:34 keydrift/no-unknown-keys',
      'src/recommendations.ts:9:19 keydrift/no-inline-keys',
      'src/recommendations.ts:9:19 keydrift/no-unknown-keys',
      'src/stock.ts:10:9 keydrift/require-ttl',
    ]);
    expect(messages[1]).toContain('uses the deprecated key format `product:{id}`; the registry says to use `product:v2:{id}`');
    expect(messages[6]).toContain("TTL 86400 s for `stock:{sku}` is longer than the allowed 60 s by the registry family 'stock'");
  });

  it('type-checked preset gives the same findings as the untyped one', async () => {
    const typed = await lintShop('recommended-type-checked', { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: SHOP } } });
    expect(typed).toEqual(await lintShop('recommended'));
  });
});

/**
 * Write facts keep only what can change the write model: a call or callback into a function of
 * the same file that writes, invalidates, clears and calls nothing that does is left out, and
 * every edge that may matter stays (callbacks with a Redis command or a wrapper call in them,
 * same-file helper chains down to a write, calls into other files).
 */
import { describe, expect, it } from 'vitest';
import { analyze, collectSites } from '../src/analyze/analyze.js';
import { writeProject } from './support/temp-project.js';

const FILES = {
  'src/redis.ts': "import Redis from 'ioredis';\nexport const redis = new Redis();\n",
  'src/db.ts': [
    'export const db = {',
    '  async execute(sql: string, params: unknown[] = []): Promise<number> { void sql; return params.length; },',
    '};',
  ].join('\n'),
  'src/cache.ts': [
    "import { redis } from './redis.js';",
    'export class Cache {',
    '  async drop(key: string): Promise<void> { await redis.del(key); }',
    '}',
    'export const cache = new Cache();',
  ].join('\n'),
  'src/products.ts': [
    "import { redis } from './redis.js';",
    "import { db } from './db.js';",
    "import { cache } from './cache.js';",
    '',
    'export async function getProduct(id: string) {',
    '  return redis.get(`product:${id}`);',
    '}',
    '',
    'export function labels(rows: { id: string; name: string }[]) {',
    '  return rows.filter((r) => r.name.length > 0).map((r) => r.id);',
    '}',
    '',
    'function noop(id: string) {',
    '  return id.trim();',
    '}',
    '',
    'export function tidy(id: string) {',
    '  return noop(id);',
    '}',
    '',
    'export async function renameAll(ids: string[]) {',
    "  await db.execute('UPDATE products SET name = $2 WHERE id = ANY($1)', [ids]);",
    '  await Promise.all(ids.map((id) => redis.del(`product:${id}`)));',
    '}',
    '',
    'export async function repriceAll(ids: string[]) {',
    "  await db.execute('UPDATE products SET price = 0 WHERE id = ANY($1)', [ids]);",
    '  await Promise.all(ids.map((id) => cache.drop(`product:${id}`)));',
    '}',
    '',
    'async function write(id: string) {',
    "  await db.execute('DELETE FROM products WHERE id = $1', [id]);",
    '}',
    'async function middle(id: string) {',
    '  await write(id);',
    '}',
    'export async function removeProduct(id: string) {',
    '  await middle(id);',
    '}',
  ].join('\n'),
};

describe.each([false, true])('write facts (types: %s)', (types) => {
  const dir = writeProject(FILES, { name: `write-facts-${types}` });
  const collected = collectSites({ cwd: dir, paths: [], types });
  const fns = collected.writes!.functions;
  const named = (name: string) => fns.find((f) => f.name === name);
  const idOfLine = (line: number) => fns.find((f) => f.where.file === 'src/products.ts' && f.where.line === line)?.id;

  it('leaves out functions whose calls and callbacks lead to nothing', () => {
    expect(named('labels')).toBeUndefined();
    expect(named('tidy')).toBeUndefined();
    expect(fns.some((f) => f.where.file === 'src/products.ts' && f.where.line === 10)).toBe(false);
  });

  it('keeps a callback holding a Redis command or a wrapper call, and helper chains down to a write', () => {
    expect(named('renameAll')?.calls.map((c) => c.where.line)).toEqual([23]);
    expect(named('repriceAll')?.calls.map((c) => c.where.line)).toEqual([28]);
    expect(named('removeProduct')?.calls.map((c) => c.callee)).toEqual([named('middle')?.id]);
    expect(named('middle')?.calls.map((c) => c.callee)).toEqual([named('write')?.id]);
    expect(idOfLine(31)).toBe(named('write')?.id);
  });

  it('still sees the invalidations in callbacks: only the write path that invalidates nothing is reported', () => {
    const { result } = analyze({ cwd: dir, paths: [], types, registry: false });
    const missing = result.findings.filter((f) => f.rule === 'require-invalidation').map((f) => f.message.split(' ')[0]);
    expect(missing).toEqual(['removeProduct']);
  });
});

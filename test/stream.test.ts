/**
 * The untyped run streams the project (src/analyze/stream.ts): files in import order, each tree
 * dropped once analysed and once every file importing it is, importers guessed from the texts
 * before any parse. These are the orders that could lose or double a site: a wrapper module
 * analysed and dropped before the file that imports it (the guess missed that import), and files
 * that import each other. Each is checked against the same code laid out so that nothing is
 * dropped early (the importer first in file order).
 */
import { describe, expect, it } from 'vitest';
import ts from '#typescript';
import { analyzeSources } from './support/temp-project.js';

const REDIS = `import Redis from 'ioredis';\nexport const redis = new Redis();\n`;

/** `file command template` of every call site, with the files renamed back by `rename`. */
function sitesOf(files: Record<string, string>, rename: Record<string, string> = {}): string[] {
  const result = analyzeSources(files, { types: false });
  return result.callSites.map((s) => `${rename[s.file] ?? s.file}:${s.line} ${s.command} ${s.keys.map((k) => k.template).join(',')}`).sort();
}

function findingsOf(files: Record<string, string>, rename: Record<string, string> = {}): string[] {
  const result = analyzeSources(files, { types: false });
  return result.findings.map((f) => `${rename[f.file] ?? f.file}:${f.line} ${f.rule}`).sort();
}

// Two wrapper layers and a site of its own, plus a database write path that deletes a key.
const wrappers = (redisPath: string) =>
  `import { redis } from '${redisPath}';\n` +
  `class Cache {\n  get(key: string) {\n    return redis.get(key);\n  }\n}\n` +
  `export const cache = new Cache();\n` +
  `export const readThrough = (key: string) => cache.get(key);\n` +
  `export const warm = () => redis.get('warm:all');\n`;
const reader = (wrappersPath: string) =>
  `import { readThrough } from '${wrappersPath}';\n` + `export const getProduct = (id: string) => readThrough(\`product:v2:\${id}\`);\n`;
// The same import, written so that the guess from the text misses it (a comment before the path).
const unguessedReader = (wrappersPath: string) => reader(wrappersPath).replace(`from '`, `from /* unguessed */ '`);

describe('streamed untyped run', () => {
  it('a wrapper module analysed and dropped before its importer still carries the importer\'s key, once', () => {
    // a-wrappers.ts comes first: analysed as a file nothing imports (the guess missed z-read.ts),
    // dropped, parsed again for z-read.ts.
    const dropped = sitesOf({ 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': unguessedReader('./a-wrappers.js') }, {
      'src/a-wrappers.ts': 'wrappers',
      'src/z-read.ts': 'read',
    });
    // The importer first: the wrapper module is imported before it is analysed, never dropped.
    const kept = sitesOf({ 'src/redis.ts': REDIS, 'src/z-wrappers.ts': wrappers('./redis.js'), 'src/a-read.ts': reader('./z-wrappers.js') }, {
      'src/z-wrappers.ts': 'wrappers',
      'src/a-read.ts': 'read',
    });
    // Guessed: kept loaded until z-read.ts is analysed.
    const guessed = sitesOf({ 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': reader('./a-wrappers.js') }, {
      'src/a-wrappers.ts': 'wrappers',
      'src/z-read.ts': 'read',
    });
    expect(dropped).toEqual(['read:2 get product:v2:{id}', 'wrappers:9 get warm:all']);
    expect(dropped).toEqual(kept);
    expect(guessed).toEqual(kept);
  });

  it('a module imported through a chain stays loaded until the chain\'s last file is analysed', () => {
    // z-page.ts reaches the wrapper in a-wrappers.ts through m-reexport.ts, which is analysed (and
    // could be dropped) before z-page.ts is: neither module may go before z-page.ts.
    const files = {
      'src/redis.ts': REDIS,
      'src/a-wrappers.ts': wrappers('./redis.js'),
      'src/m-reexport.ts': `export { readThrough } from './a-wrappers.js';\n`,
      'src/z-page.ts': reader('./m-reexport.js'),
    };
    expect(sitesOf(files)).toEqual(['src/a-wrappers.ts:9 get warm:all', 'src/z-page.ts:2 get product:v2:{id}']);
  });

  it('files that import each other are analysed together, wrappers both ways', () => {
    const files = {
      'src/redis.ts': REDIS,
      'src/a.ts':
        `import { redis } from './redis.js';\nimport { fromB } from './b.js';\n` +
        `export function fromA(key: string) {\n  return redis.del(key);\n}\n` +
        `export const readOrder = (id: string) => fromB(\`order:\${id}\`);\n`,
      'src/b.ts':
        `import { redis } from './redis.js';\nimport { fromA } from './a.js';\n` +
        `export function fromB(key: string) {\n  return redis.get(key);\n}\n` +
        `export const dropOrder = (id: string) => fromA(\`order:\${id}\`);\n`,
    };
    expect(sitesOf(files)).toEqual(['src/a.ts:6 get order:{id}', 'src/b.ts:6 del order:{id}']);
  });

  it('findings are the same whichever file comes first', () => {
    const update = (wrappersPath: string) =>
      `import { redis } from './redis.js';\nimport { readThrough } from '${wrappersPath}';\n` +
      `export async function updatePrice(id: string) {\n  await redis.del(\`product:\${id}\`);\n  return readThrough(\`price:\${id}\`);\n}\n`;
    const dropped = findingsOf(
      { 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': reader('./a-wrappers.js'), 'src/z-update.ts': update('./a-wrappers.js') },
      { 'src/a-wrappers.ts': 'wrappers', 'src/z-read.ts': 'read', 'src/z-update.ts': 'update' },
    );
    const kept = findingsOf(
      { 'src/redis.ts': REDIS, 'src/z-wrappers.ts': wrappers('./redis.js'), 'src/a-read.ts': reader('./z-wrappers.js'), 'src/a-update.ts': update('./z-wrappers.js') },
      { 'src/z-wrappers.ts': 'wrappers', 'src/a-read.ts': 'read', 'src/a-update.ts': 'update' },
    );
    expect(dropped).toContain('update:4 key-drift');
    expect(dropped).toEqual(kept);
  });

  /** The files parsed during an untyped run, in the order they were parsed. */
  const parseOrder = (files: Record<string, string>): string[] => {
    const parsed: string[] = [];
    const original = ts.createSourceFile;
    ts.createSourceFile = ((...args: Parameters<typeof original>) => {
      parsed.push(args[0].replace(/.*\/src\//, ''));
      return original(...args);
    }) as typeof original;
    try {
      sitesOf(files);
    } finally {
      ts.createSourceFile = original;
    }
    return parsed;
  };

  it('the files importing a module are analysed right after it, so its tree can go soon', () => {
    const files: Record<string, string> = { 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': reader('./a-wrappers.js') };
    for (let i = 1; i <= 5; i++) files[`src/m-${i}.ts`] = `export const m${i} = ${i};\n`;
    // In file order z-read.ts would come last, with a-wrappers.ts kept loaded all along.
    expect(parseOrder(files)).toEqual(['a-wrappers.ts', 'redis.ts', 'z-read.ts', 'm-1.ts', 'm-2.ts', 'm-3.ts', 'm-4.ts', 'm-5.ts']);
  });

  it('every file is parsed once; a module dropped before an importer the guess missed, twice', () => {
    const parses = (files: Record<string, string>): string[] => parseOrder(files).sort();
    expect(parses({ 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': reader('./a-wrappers.js') })).toEqual(['a-wrappers.ts', 'redis.ts', 'z-read.ts']);
    // redis.ts went with a-wrappers.ts, its only importer then, and comes back with it.
    expect(parses({ 'src/redis.ts': REDIS, 'src/a-wrappers.ts': wrappers('./redis.js'), 'src/z-read.ts': unguessedReader('./a-wrappers.js') })).toEqual([
      'a-wrappers.ts',
      'a-wrappers.ts',
      'redis.ts',
      'redis.ts',
      'z-read.ts',
    ]);
  });
});

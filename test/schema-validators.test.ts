/**
 * The build compiles the JSON Schemas to standalone validators (scripts/build-validators.mjs) so
 * that no run loads Ajv's compiler. Those validators must answer exactly as Ajv compiling the
 * schema at run time does: same verdict and same errors (the messages keydrift prints are made
 * from the first error, its subschema included). Checked on every registry and config file in
 * the fixtures and on random edits of them. `npm test` builds first.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { compileAtRunTime } from '../src/config/jsonc-document.js';
import type { ValidateFunction } from 'ajv';
import { parse } from 'jsonc-parser';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

// Config files are only written by the tests at run time: these cover every field.
const CONFIGS: Json[] = [
  { exclude: ['test/**'], severity: { 'dead-invalidation': 'off', 'key-drift': 'warning' } },
  {
    $schema: './node_modules/eslint-plugin-keydrift/schemas/config.schema.json',
    include: ['src/**'],
    exclude: ['src/generated/**'],
    project: 'tsconfig.json',
    registry: 'keydrift.keys.json',
    types: false,
    severity: { 'require-invalidation': 'warning', 'unresolved-key': 'off' },
    clientPackages: { '@acme/cache': 'ioredis' },
    baseline: 'keydrift-baseline.json',
    cacheLocation: '.cache/keydrift',
    maxWarnings: 0,
  },
];

const SCHEMAS = [
  { name: 'registry.schema.json', documents: () => globSync('fixtures/**/keydrift.keys.json', { cwd: root, absolute: true }).map((file) => parse(readFileSync(file, 'utf8')) as Json) },
  { name: 'config.schema.json', documents: () => CONFIGS },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replaces, removes or adds one value somewhere inside `doc` (`path` picks where, by index). */
function edit(doc: Json, path: number[], value: Json, action: 'replace' | 'remove' | 'add'): Json {
  const copy = structuredClone(doc);
  let parent: Json = copy;
  for (const step of path) {
    const children: Json[] = Array.isArray(parent) ? parent : parent && typeof parent === 'object' ? Object.values(parent) : [];
    const child = children.length > 0 ? children[step % children.length] : undefined;
    if (child === undefined || child === null || typeof child !== 'object') break;
    parent = child;
  }
  if (Array.isArray(parent)) {
    const at = path.length > 0 ? path[path.length - 1] % Math.max(parent.length, 1) : 0;
    if (action === 'remove') parent.splice(at, 1);
    else if (action === 'add') parent.push(value);
    else parent[at] = value;
  } else if (parent && typeof parent === 'object') {
    const keys = Object.keys(parent);
    const key = keys.length > 0 ? keys[(path[path.length - 1] ?? 0) % keys.length] : 'x';
    if (action === 'remove') delete parent[key];
    else if (action === 'add') parent[`extra${keys.length}`] = value;
    else parent[key] = value;
  }
  return copy;
}

/** What a validator says about a document: its verdict and its errors, as plain data. */
function answer(validate: ValidateFunction, doc: Json): unknown {
  const valid = validate(doc);
  return { valid, errors: JSON.parse(JSON.stringify(validate.errors ?? [])) as unknown };
}

describe.each(SCHEMAS)('the built validator of $name', ({ name, documents }) => {
  const schemaText = readFileSync(`${root}schemas/${name}`, 'utf8');
  const built = require(`${root}dist/src/config/validators/${name.replace(/\.json$/, '.cjs')}`) as ValidateFunction & { schemaSha1: string };
  const atRunTime = compileAtRunTime(schemaText);
  const docs = documents();

  it('was built from the current schema', async () => {
    const { createHash } = await import('node:crypto');
    expect(built.schemaSha1).toBe(createHash('sha1').update(schemaText).digest('hex'));
  });

  it('answers as Ajv does on every fixture', () => {
    expect(docs.length).toBeGreaterThan(1);
    for (const doc of docs) {
      expect(answer(atRunTime, doc)).toMatchObject({ valid: true });
      expect(answer(built, doc)).toEqual(answer(atRunTime, doc));
    }
  });

  it('answers as Ajv does on random edits of the fixtures', () => {
    let invalid = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: docs.length - 1 }),
        fc.array(fc.nat({ max: 50 }), { maxLength: 6 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('replace' as const, 'remove' as const, 'add' as const),
        (index, path, value, action) => {
          const doc = edit(docs[index], path, value as Json, action);
          const expected = answer(atRunTime, doc) as { valid: boolean };
          if (!expected.valid) invalid++;
          expect(answer(built, doc)).toEqual(expected);
        },
      ),
      { numRuns: 400, seed: 20261123 },
    );
    // The edits must reach the schema's error paths, not only valid documents.
    expect(invalid).toBeGreaterThan(100);
  });
});

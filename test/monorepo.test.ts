/**
 * Monorepos with TypeScript project references: a root tsconfig.json that only lists
 * `references` (and `files: []`) is followed into every referenced project, recursively.
 */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import ts from '#typescript';
import { main, type CliIo } from '../src/cli.js';
import { collectSites } from '../src/analyze/analyze.js';
import { planProject } from '../src/analyze/project.js';
import type { AnalysisResult } from '../src/types.js';
import { writeProject } from './support/temp-project.js';

async function analyzeJson(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const code = await main(['analyze', ...args, '--format', 'json'], io);
  if (code === 2) throw new Error(stderr);
  return { code, result: JSON.parse(stdout) as AnalysisResult };
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const BASE = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    skipLibCheck: true,
    types: ['node'],
    paths: { '@mono/*': ['./packages/*/src/index.ts'] },
  },
};
const pkg = (name: string, references: string[] = []) =>
  json({ extends: '../../tsconfig.base.json', compilerOptions: { composite: true, outDir: `../../.build/${name}` }, include: ['src'], references: references.map((r) => ({ path: r })) });

const MONOREPO = {
  'tsconfig.base.json': json(BASE),
  'packages/cache/tsconfig.json': pkg('cache'),
  'packages/cache/src/index.ts': `import Redis from 'ioredis';\nexport const redis = new Redis();\nexport const productKey = (id: string) => \`product:v2:\${id}\`;\n`,
  'packages/catalog/tsconfig.json': pkg('catalog', ['../cache']),
  'packages/catalog/src/read.ts': `import { redis, productKey } from '@mono/cache';\nexport const getProduct = (id: string) => redis.get(productKey(id));\n`,
  // A build config under another name, referenced by file.
  'packages/admin/tsconfig.build.json': pkg('admin', ['../cache', '../catalog']),
  'packages/admin/src/update.ts': `import { redis } from '@mono/cache';\nexport async function updatePrice(id: string) {\n  await redis.del(\`product:\${id}\`);\n}\n`,
};
const ROOT = json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin/tsconfig.build.json' }] });

describe('project references', () => {
  it('a references-only root loads every referenced project, recursively and once', () => {
    const dir = writeProject(MONOREPO, { tsconfig: ROOT, name: 'monorepo-refs' });
    const plan = planProject({ cwd: dir, paths: [], types: false });
    expect(plan.problems).toEqual([]);
    expect(plan.fileNames.map((f) => path.relative(dir, f))).toEqual(['packages/admin/src/update.ts', 'packages/cache/src/index.ts', 'packages/catalog/src/read.ts']);
    expect(plan.references.map((f) => path.relative(dir, f))).toEqual(['packages/catalog/tsconfig.json', 'packages/cache/tsconfig.json', 'packages/admin/tsconfig.build.json']);
    // The packages' options, not the empty root's: the path alias resolves.
    expect(plan.compilerOptions.paths).toEqual(BASE.compilerOptions.paths);
    expect(plan.compilerOptions.composite).toBeUndefined();
  });

  for (const types of ['--no-types', '--types']) {
    it(`finds a drift across packages (${types})`, async () => {
      const dir = writeProject(MONOREPO, { tsconfig: ROOT, name: 'monorepo-refs' });
      const { code, result } = await analyzeJson([types], dir);
      expect(code).toBe(1);
      expect(result.callSites.map((s) => `${s.file} ${s.command} ${s.keys[0].template}`)).toEqual([
        'packages/admin/src/update.ts del product:{id}',
        'packages/catalog/src/read.ts get product:v2:{id}',
      ]);
      expect(result.findings.find((f) => f.rule === 'key-drift')).toMatchObject({ file: 'packages/admin/src/update.ts', line: 3 });
      expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
    });
  }

  it('ends reference cycles and reports a missing or broken referenced project', async () => {
    const files = {
      ...MONOREPO,
      // cache -> catalog -> cache: a cycle.
      'packages/cache/tsconfig.json': pkg('cache', ['../catalog', '../gone', '../broken']),
      'packages/broken/tsconfig.json': '{ "compilerOptions": { ',
      'packages/broken/src/x.ts': `export const x = 1;\n`,
    };
    const dir = writeProject(files, { tsconfig: ROOT, name: 'monorepo-cycle' });
    const plan = planProject({ cwd: dir, paths: [], types: false });
    expect(plan.fileNames.map((f) => path.relative(dir, f))).toEqual(['packages/admin/src/update.ts', 'packages/cache/src/index.ts', 'packages/catalog/src/read.ts']);
    expect(plan.problems.map((p) => `${path.relative(dir, p.file)}: ${p.message}`)).toEqual([
      expect.stringMatching(/^packages\/cache\/tsconfig\.json: referenced project .*packages\/gone\/tsconfig\.json not found; skipped$/),
      expect.stringMatching(/^packages\/broken\/tsconfig\.json: tsconfig does not parse .*; its files are skipped$/),
    ]);
    const { result } = await analyzeJson(['--no-types'], dir);
    expect(result.findings.some((f) => f.rule === 'key-drift')).toBe(true);
    expect(result.findings.filter((f) => f.rule === 'parse-error').map((f) => f.file)).toEqual(['packages/broken/tsconfig.json', 'packages/cache/tsconfig.json']);
  });

  it('a root with files of its own keeps its options and adds the referenced files', () => {
    const root = json({ ...BASE, compilerOptions: { ...BASE.compilerOptions, paths: undefined, noEmit: true }, include: ['scripts'], references: [{ path: './packages/cache' }] });
    const dir = writeProject({ ...MONOREPO, 'scripts/seed.ts': `export const seed = 1;\n` }, { tsconfig: root, name: 'monorepo-own-files' });
    const plan = planProject({ cwd: dir, paths: [], types: false });
    expect(plan.fileNames.map((f) => path.relative(dir, f))).toEqual(['packages/cache/src/index.ts', 'scripts/seed.ts']);
    expect(plan.compilerOptions.noEmit).toBe(true);
  });

  // Two wrapper layers in one package (a Cache class, then a read-through helper over it), called
  // from another: each referenced project is analysed on its own, with the files it imports.
  const LAYERED = {
    'tsconfig.base.json': json(BASE),
    'packages/cache/tsconfig.json': pkg('cache'),
    'packages/cache/src/index.ts': `export * from './wrappers';\nexport const productKey = (id: string) => \`product:v2:\${id}\`;\n`,
    'packages/cache/src/wrappers.ts':
      `import Redis from 'ioredis';\nexport const redis = new Redis();\n` +
      `class Cache {\n  get(key: string) {\n    return redis.get(key);\n  }\n}\nexport const cache = new Cache();\n` +
      `export const readThrough = (key: string) => cache.get(key);\n`,
    'packages/catalog/tsconfig.json': pkg('catalog', ['../cache']),
    'packages/catalog/src/read.ts': `import { readThrough, productKey } from '@mono/cache';\nexport const getProduct = (id: string) => readThrough(productKey(id));\n`,
    'packages/admin/tsconfig.json': pkg('admin', ['../cache']),
    'packages/admin/src/update.ts': `import { redis } from '@mono/cache';\nexport async function updatePrice(id: string) {\n  await redis.del(\`product:\${id}\`);\n}\n`,
  };
  // The same files as one project: what analysing project by project must agree with.
  const ONE_PROGRAM = json({ extends: './tsconfig.base.json', include: ['packages/*/src'] });

  it('plans one part per referenced project, each file in one part', () => {
    const dir = writeProject(LAYERED, { tsconfig: json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin' }] }), name: 'monorepo-parts' });
    const plan = planProject({ cwd: dir, paths: [], types: false });
    expect(plan.parts.map((part) => part.fileNames.map((f) => path.relative(dir, f)))).toEqual([
      ['packages/catalog/src/read.ts'],
      ['packages/cache/src/index.ts', 'packages/cache/src/wrappers.ts'],
      ['packages/admin/src/update.ts'],
    ]);
  });

  for (const types of ['--no-types', '--types']) {
    it(`analysing project by project gives what one program over the same files gives (${types})`, async () => {
      const byProject = await analyzeJson([types], writeProject(LAYERED, { tsconfig: json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin' }] }), name: 'monorepo-parts' }));
      const oneProgram = await analyzeJson([types], writeProject(LAYERED, { tsconfig: ONE_PROGRAM, name: 'monorepo-one-program' }));
      expect(byProject.result.callSites.map((s) => `${s.file}:${s.line} ${s.command} ${s.keys[0].template}`)).toEqual([
        'packages/admin/src/update.ts:3 del product:{id}',
        'packages/catalog/src/read.ts:2 get product:v2:{id}',
      ]);
      expect(byProject.result).toEqual(oneProgram.result);
      expect(byProject.code).toBe(1);
    });
  }

  it('without references, named files outside the tsconfig join its one part', () => {
    const dir = writeProject({ 'src/a.ts': `export const a = 1;\n`, 'scripts/seed.js': `exports.seed = 1;\n` }, { name: 'one-part' });
    const plan = planProject({ cwd: dir, paths: ['src', 'scripts/seed.js'], types: false });
    expect(plan.parts.map((part) => part.fileNames.map((f) => path.relative(dir, f)))).toEqual([['scripts/seed.js', 'src/a.ts']]);
  });

  for (const types of [false, true]) {
    it(`a file several packages import is read once for all of them (${types ? 'typed' : 'untyped'})`, () => {
      const dir = writeProject(LAYERED, { tsconfig: json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin' }] }), name: 'monorepo-parts' });
      const readFile = vi.spyOn(ts.sys, 'readFile');
      try {
        collectSites({ cwd: dir, paths: [], types });
        // Imported by the catalog part first, then the cache part's own file, then imported by admin.
        expect(readFile.mock.calls.filter(([file]) => file.endsWith('packages/cache/src/wrappers.ts'))).toHaveLength(1);
      } finally {
        readFile.mockRestore();
      }
    });
  }

  it.each([
    // Without types each file is loaded and analysed in one go (stream.ts): one stage.
    { types: false, stages: ['analyze'] },
    { types: true, stages: ['load', 'analyze'] },
  ])('progress over a monorepo counts up once, part after part (types: $types)', ({ types, stages }) => {
    const dir = writeProject(LAYERED, { tsconfig: json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin' }] }), name: 'monorepo-parts' });
    const seen: [string, number, number][] = [];
    collectSites({ cwd: dir, paths: [], types }, (stage, done, total) => void seen.push([stage, done, total]));
    const counts = seen.map(([, done]) => done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual(['analyze', 4, 4]);
    expect(new Set(seen.map(([stage]) => stage))).toEqual(new Set(stages));
  });

  it('a path given in a monorepo is analysed with the packages it imports, the others skipped', async () => {
    const refs = json({ files: [], references: [{ path: './packages/catalog' }, { path: './packages/admin' }] });
    const byProject = await analyzeJson(['--no-types', 'packages/catalog'], writeProject(LAYERED, { tsconfig: refs, name: 'monorepo-parts' }));
    const oneProgram = await analyzeJson(['--no-types', 'packages/catalog'], writeProject(LAYERED, { tsconfig: ONE_PROGRAM, name: 'monorepo-one-program' }));
    expect(byProject.result.callSites.map((s) => `${s.file}:${s.line} ${s.command} ${s.keys[0].template}`)).toEqual(['packages/catalog/src/read.ts:2 get product:v2:{id}']);
    expect(byProject.result).toEqual(oneProgram.result);
  });
});


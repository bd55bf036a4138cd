/**
 * Where users run keydrift: incremental runs in git, the content-hash cache, shards and merge,
 * the baseline, the config file, GitHub annotations and the progress bar.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSites } from '../src/analyze/analyze.js';
import { main, type CliIo } from '../src/cli.js';
import { FINDING_RULES } from '../src/findings-meta.js';
import { createProgress } from '../src/run/progress.js';
import type { AnalysisResult } from '../src/types.js';
import { OUT_DIR, writeProject } from './support/temp-project.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

async function findingsOf(args: string[], cwd: string) {
  const { code, stdout, stderr } = await run([...args, '--format', 'json'], cwd);
  if (code === 2) throw new Error(stderr);
  const result = JSON.parse(stdout) as AnalysisResult;
  return { code, stderr, result, findings: result.findings.map((f) => `${f.rule} ${f.severity} ${f.file}:${f.line}:${f.column} ${f.message}`) };
}

const REDIS = `import Redis from 'ioredis';\nexport const redis = new Redis();\n`;
const READ = `import { redis } from './redis.js';\nexport async function getProduct(id: string) {\n  return redis.get(\`product:v2:\${id}\`);\n}\n`;
const DRIFTED_DELETE = `import { redis } from './redis.js';\nexport async function updatePrice(id: string) {\n  await redis.del(\`product:\${id}\`);\n}\n`;
const GOOD_DELETE = `import { redis } from './redis.js';\nexport async function updatePrice(id: string) {\n  await redis.del(\`product:v2:\${id}\`);\n}\n`;

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', ['-c', 'user.name=keydrift', '-c', 'user.email=k@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

describe('--changed and --staged', () => {
  it('report only findings in changed files, plus cross-file findings that involve them', async () => {
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/read.ts': READ, 'src/update.ts': GOOD_DELETE, 'src/scan.ts': `import { redis } from './redis.js';\nexport const all = () => redis.keys('*');\n` }, { name: 'git-changed' });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'initial');

    const clean = await findingsOf(['analyze', '--no-types', '--changed'], dir);
    expect(clean.findings).toEqual([]);
    expect(clean.code).toBe(0);
    // The whole-program run still sees the KEYS call in the unchanged file:
    expect((await findingsOf(['analyze', '--no-types'], dir)).findings.some((f) => f.startsWith('no-keys-command'))).toBe(true);

    writeFileSync(path.join(dir, 'src/update.ts'), DRIFTED_DELETE);
    const changed = await findingsOf(['analyze', '--no-types', '--changed'], dir);
    expect(changed.findings.map((f) => f.split(' ').slice(0, 3).join(' '))).toEqual([
      'dead-invalidation warning src/update.ts:3:9',
      'key-drift error src/update.ts:3:9',
    ]);
    expect(changed.code).toBe(1);

    // Not staged yet: --staged reports nothing; after `git add`, the same findings.
    expect((await findingsOf(['analyze', '--no-types', '--staged'], dir)).findings).toEqual([]);
    git(dir, 'add', 'src/update.ts');
    expect((await findingsOf(['analyze', '--no-types', '--staged'], dir)).findings).toEqual(changed.findings);

    // A change to the read side reports the drifted delete in the other file, through its related location.
    git(dir, 'commit', '-qm', 'drift');
    writeFileSync(path.join(dir, 'src/read.ts'), `${READ}// touched\n`);
    const related = await findingsOf(['analyze', '--no-types', '--changed'], dir);
    expect(related.findings.some((f) => f.startsWith('key-drift error src/update.ts'))).toBe(true);
  });

  it('exits 2 outside a git repository', async () => {
    const dir = writeProject({ 'src/redis.ts': REDIS }, { name: 'no-git' });
    const outside = path.join(path.parse(dir).root, 'tmp', `keydrift-nogit-${process.pid}`);
    rmSync(outside, { recursive: true, force: true });
    cpSync(dir, outside, { recursive: true });
    const { code, stderr } = await run(['analyze', '--no-types', '--changed'], outside);
    expect(code).toBe(2);
    expect(stderr).toMatch(/git .* failed/);
    rmSync(outside, { recursive: true, force: true });
  });
});

describe('--cache', () => {
  function generate(name: string, files: number): string {
    const sources: Record<string, string> = { 'src/redis.ts': REDIS, 'src/keys.ts': `export const productKey = (id: string) => \`product:v2:\${id}\`;\n` };
    for (let i = 0; i < files; i++) {
      sources[`src/mod${i}.ts`] =
        `import { redis } from './redis.js';\nimport { productKey } from './keys.js';\n` +
        `export async function read${i}(id: string) { const v = await redis.get(productKey(id)); if (!v) await redis.set(productKey(id), 'x', 'EX', 60); return v; }\n` +
        `export async function write${i}(id: string) { await redis.del(${i % 7 === 0 ? '`product:${id}`' : 'productKey(id)'}); }\n`;
    }
    return writeProject(sources, { name });
  }

  it('is never stale: edits, renames, deletes and registry changes give the cold result', async () => {
    const dir = generate('cache-tree', 30);
    const cold = async () => (await findingsOf(['analyze', '--no-types'], dir)).findings;
    const cached = async () => findingsOf(['analyze', '--no-types', '--cache'], dir);

    const first = await cached();
    expect(first.stderr).not.toContain('cache hit');
    const second = await cached();
    expect(second.stderr).toContain('cache hit');
    expect(second.findings).toEqual(first.findings);
    expect(second.findings).toEqual(await cold());

    writeFileSync(path.join(dir, 'src/mod3.ts'), readFileSync(path.join(dir, 'src/mod3.ts'), 'utf8').replace('productKey(id)); }', '`product:${id}`); }'));
    const edited = await cached();
    expect(edited.stderr).not.toContain('cache hit');
    expect(edited.findings).toEqual(await cold());
    expect(edited.findings.some((f) => f.includes('src/mod3.ts') && f.startsWith('key-drift'))).toBe(true);

    renameSync(path.join(dir, 'src/mod4.ts'), path.join(dir, 'src/renamed4.ts'));
    const renamed = await cached();
    expect(renamed.stderr).not.toContain('cache hit');
    expect(renamed.findings).toEqual(await cold());

    rmSync(path.join(dir, 'src/mod0.ts'));
    const deleted = await cached();
    expect(deleted.findings).toEqual(await cold());
    expect(deleted.findings.some((f) => f.includes('src/mod0.ts'))).toBe(false);

    // An imported module's change invalidates its importers' entry too (keys.ts defines the template).
    writeFileSync(path.join(dir, 'src/keys.ts'), `export const productKey = (id: string) => \`product:v3:\${id}\`;\n`);
    const importChanged = await cached();
    expect(importChanged.stderr).not.toContain('cache hit');
    expect(importChanged.findings).toEqual(await cold());

    // The registry is not in the sites key: a registry edit reuses the sites but checks again
    // (the kept checked result names the registry content it was computed with).
    await cached();
    writeFileSync(path.join(dir, 'keydrift.keys.json'), JSON.stringify({ keys: { product: { template: 'product:v3:{id}', ttl: { max: 30 } } } }));
    const withRegistry = await cached();
    expect(withRegistry.stderr).toContain('cache hit');
    expect(withRegistry.findings).toEqual(await cold());
    expect(withRegistry.findings.some((f) => f.startsWith('require-ttl error'))).toBe(true);
    const again = await cached();
    expect(again.findings).toEqual(withRegistry.findings);
    writeFileSync(path.join(dir, 'keydrift.keys.json'), JSON.stringify({ keys: { product: { template: 'product:v3:{id}' } } }));
    const relaxed = await cached();
    expect(relaxed.stderr).toContain('cache hit');
    expect(relaxed.findings).toEqual(await cold());
    expect(relaxed.findings.some((f) => f.startsWith('require-ttl error'))).toBe(false);
  });

  it('keeps its entries where --cache-location says', async () => {
    const dir = generate('cache-location', 3);
    await run(['analyze', '--no-types', '--cache', '--cache-location', '.kd-cache'], dir);
    // The sites entry and, beside it, the checked result.
    const entries = readdirSync(path.join(dir, '.kd-cache')).filter((f) => f.endsWith('.json')).sort();
    expect(entries).toHaveLength(2);
    expect(entries[0].replace('.checked', '')).toBe(entries[1]);
  });
});

describe('--shard and merge', () => {
  const cases = ['shop', 'drift-through-wrapper-ioredis', 'resolver-ioredis-clean', 'registry-node-redis', 'drift-version-node-redis'];
  it.each(cases)('merged shards of %s equal an unsharded run', async (fixture) => {
    const source = path.join(FIXTURES, fixture);
    const dir = path.join(OUT_DIR, `shard-${fixture}`);
    rmSync(dir, { recursive: true, force: true });
    cpSync(source, dir, { recursive: true });
    const whole = await findingsOf(['analyze', '--no-types'], dir);
    const n = 3;
    const outputs: string[] = [];
    for (let i = 1; i <= n; i++) {
      const out = `shard-${i}.json`;
      const { code, stderr } = await run(['analyze', '--no-types', '--shard', `${i}/${n}`, '--format', 'json', '--output', out], dir);
      expect(code, stderr).toBe(0);
      outputs.push(out);
    }
    const merged = await findingsOf(['merge', ...outputs.reverse()], dir);
    expect(merged.findings).toEqual(whole.findings);
    expect(merged.code).toBe(whole.code);
    expect(merged.result.callSites).toEqual(whole.result.callSites);
  });

  it('a wrapper layer in another shard still carries its callers\' keys', async () => {
    // Sized so shards of two put wrappers.ts (largest) alone: the layers and their caller split.
    const pad = (n: number) => `// ${'-'.repeat(n)}\n`;
    const dir = writeProject({
      'src/redis.ts': REDIS,
      'src/wrappers.ts':
        `import { redis } from './redis.js';\nclass Cache {\n  get(key: string) {\n    return redis.get(key);\n  }\n}\nexport const cache = new Cache();\n` +
        `export const readThrough = (key: string) => cache.get(key);\n` +
        pad(3000),
      'src/read.ts': `import { readThrough } from './wrappers.js';\nexport const getProduct = (id: string) => readThrough(\`product:v2:\${id}\`);\n`,
      'src/update.ts': DRIFTED_DELETE + pad(1500),
    }, { name: 'shard-layers' });
    const whole = await findingsOf(['analyze', '--no-types'], dir);
    expect(whole.result.callSites.map((s) => `${s.file} ${s.command} ${s.keys[0].template}`)).toContain('src/read.ts get product:v2:{id}');
    for (const i of [1, 2]) expect((await run(['analyze', '--no-types', '--shard', `${i}/2`, '--format', 'json', '--output', `shard-${i}.json`], dir)).code).toBe(0);
    const shardOf = (i: number) => (JSON.parse(readFileSync(path.join(dir, `shard-${i}.json`), 'utf8')) as { sites: { file: string }[] }).sites.map((s) => s.file);
    expect([shardOf(1), shardOf(2)].filter((files) => files.includes('src/read.ts'))).toHaveLength(1);
    const merged = await findingsOf(['merge', 'shard-1.json', 'shard-2.json'], dir);
    expect(merged.result.callSites).toEqual(whole.result.callSites);
    expect(merged.findings).toEqual(whole.findings);
  });

  it('a shard loads its own files and what they import, not the other shards\' files', () => {
    const pad = (n: number) => `// ${'-'.repeat(n)}\n`;
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/read.ts': READ + pad(2000), 'src/update.ts': DRIFTED_DELETE + pad(1000) }, { name: 'shard-loads' });
    const loadedBy = (index: number) => {
      let loaded: string[] = [];
      const collected = collectSites({ cwd: dir, paths: [], types: false, shard: { index, count: 2 } }, undefined, (files) => (loaded = files));
      return { loaded: loaded.map((f) => path.relative(dir, f)), sites: collected.sites.map((s) => s.where.file) };
    };
    // read.ts (largest) alone in shard 1; update.ts and redis.ts in shard 2.
    expect(loadedBy(1)).toEqual({ loaded: ['src/read.ts', 'src/redis.ts'], sites: ['src/read.ts'] });
    expect(loadedBy(2)).toEqual({ loaded: ['src/redis.ts', 'src/update.ts'], sites: ['src/update.ts'] });
  });

  it('a run limited to a path loads the files it reports on and what they import', () => {
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/read.ts': READ, 'src/update.ts': DRIFTED_DELETE }, { name: 'path-loads' });
    let loaded: string[] = [];
    const collected = collectSites({ cwd: dir, paths: ['src/update.ts'], types: false }, undefined, (files) => (loaded = files));
    expect(loaded.map((f) => path.relative(dir, f))).toEqual(['src/redis.ts', 'src/update.ts']);
    expect(collected.sites.map((s) => `${s.where.file} ${s.info.name}`)).toEqual(['src/update.ts del']);
  });

  it('every file goes to exactly one shard', async () => {
    const dir = path.join(OUT_DIR, 'shard-shop');
    const sites = new Set<string>();
    for (let i = 1; i <= 3; i++) {
      const shard = JSON.parse(readFileSync(path.join(dir, `shard-${i}.json`), 'utf8')) as { sites: { file: string; line: number; column: number; command: string }[] };
      for (const s of shard.sites) {
        const id = `${s.file}:${s.line}:${s.column} ${s.command}`;
        expect(sites.has(id)).toBe(false);
        sites.add(id);
      }
    }
    expect(sites.size).toBeGreaterThan(0);
  });

  it('merge refuses a missing or duplicated shard with exit 2', async () => {
    const dir = path.join(OUT_DIR, 'shard-shop');
    const missing = await run(['merge', 'shard-1.json', 'shard-2.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard result 3/3');
    const duplicate = await run(['merge', 'shard-1.json', 'shard-1.json', 'shard-2.json'], dir);
    expect(duplicate.code).toBe(2);
    expect((await run(['analyze', '--shard', '4/3'], dir)).code).toBe(2);
  });
});

describe('baseline', () => {
  it('records findings by fingerprint, reports only new ones, and prunes fixed ones', async () => {
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/read.ts': READ, 'src/update.ts': DRIFTED_DELETE }, { name: 'baseline' });
    const written = await run(['analyze', '--no-types', '--write-baseline'], dir);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain('wrote 2 findings to keydrift-baseline.json');

    // Found automatically; a shifted line does not resurrect a finding.
    writeFileSync(path.join(dir, 'src/update.ts'), `// a comment above\n${DRIFTED_DELETE}`);
    const again = await findingsOf(['analyze', '--no-types'], dir);
    expect(again.findings).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 findings suppressed');

    // A new bug is reported.
    writeFileSync(path.join(dir, 'src/scan.ts'), `import { redis } from './redis.js';\nexport const all = () => redis.flushall();\n`);
    const added = await findingsOf(['analyze', '--no-types'], dir);
    expect(added.findings.map((f) => f.split(' ')[0])).toEqual(['no-flush']);

    // Fixing the drift and updating prunes its entries.
    writeFileSync(path.join(dir, 'src/update.ts'), GOOD_DELETE);
    const updated = await run(['analyze', '--no-types', '--update-baseline'], dir);
    expect(updated.stderr).toContain('pruned 2 findings');
    const baseline = JSON.parse(readFileSync(path.join(dir, 'keydrift-baseline.json'), 'utf8')) as { findings: { rule: string }[] };
    expect(baseline.findings).toEqual([]);
  });
});

describe('keydrift.config.json', () => {
  const base = { 'src/redis.ts': REDIS, 'src/read.ts': READ, 'src/update.ts': DRIFTED_DELETE, 'test/fake.test.ts': `import { redis } from '../src/redis.js';\nexport const x = () => redis.keys('*');\n` };

  it('applies include / exclude globs and severities', async () => {
    const dir = writeProject(
      {
        ...base,
        'keydrift.config.json': JSON.stringify({ exclude: ['test/**'], severity: { 'dead-invalidation': 'off', 'key-drift': 'warning', 'require-invalidation': 'warning' } }),
      },
      { name: 'config-ok', tsconfig: JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true }, include: ['src', 'test'] }) },
    );
    const { findings } = await findingsOf(['analyze', '--no-types'], dir);
    expect(findings.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['key-drift warning']);
    const noConfig = await findingsOf(['analyze', '--no-types', '--no-config'], dir);
    expect(noConfig.findings.some((f) => f.startsWith('no-keys-command'))).toBe(true);
  });

  it('takes a severity for every finding id keydrift reports', () => {
    const schema = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../schemas/config.schema.json'), 'utf8')) as { properties: { severity: { propertyNames: { enum: string[] } } } };
    expect([...schema.properties.severity.propertyNames.enum].sort()).toEqual([...FINDING_RULES].sort());
  });

  it.each([
    ['an unknown option', '{\n  "exclude": [],\n  "exlude": ["x"]\n}\n', /keydrift\.config\.json:3:3: unknown top-level field 'exlude'/],
    ['a wrong type', '{\n  "types": "yes"\n}\n', /keydrift\.config\.json:2:12: types must be boolean/],
    ['an unknown finding id', '{ "severity": { "key-drfit": "off" } }', /keydrift\.config\.json:1:17: unknown name 'key-drfit' in severity/],
    ['a bad severity', '{ "severity": { "key-drift": "fatal" } }', /keydrift\.config\.json:1:30: severity\["key-drift"\] must be one of/],
    ['a syntax error', '{ "types": true,, }', /keydrift\.config\.json:1:17: syntax error/],
  ])('exits 2 on %s, naming file, line and column', async (_what, text, message) => {
    const dir = writeProject({ ...base, 'keydrift.config.json': text }, { name: `config-bad-${_what.replace(/\W+/g, '-')}` });
    const { code, stderr } = await run(['analyze', '--no-types'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('output for CI', () => {
  it('--format github prints workflow annotations', async () => {
    const { stdout, code } = await run(['analyze', '--no-types', '--format', 'github'], path.join(FIXTURES, 'shop'));
    expect(code).toBe(1);
    expect(stdout).toContain('::error file=src/products/update.ts,line=8,col=9,title=keydrift key-drift::');
    expect(stdout).toContain('::warning file=src/products/read.ts,line=21');
  });

  it('--max-warnings turns too many warnings into exit 1, --quiet keeps errors only', async () => {
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/a.ts': `import { redis } from './redis.js';\nexport const f = (id: string) => redis.set(\`a:\${id}\`, 'x');\n` }, { name: 'max-warnings' });
    expect((await run(['analyze', '--no-types'], dir)).code).toBe(0);
    const over = await run(['analyze', '--no-types', '--max-warnings', '0'], dir);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('more than --max-warnings 0');
    expect((await run(['analyze', '--no-types', '--max-warnings', '1'], dir)).code).toBe(0);
    expect((await findingsOf(['analyze', '--no-types', '--quiet'], dir)).findings).toEqual([]);
    expect((await run(['analyze', '--max-warnings', 'many'], dir)).code).toBe(2);
  });

  it('the SARIF report is written with --output', async () => {
    const dir = path.join(OUT_DIR, 'sarif-output');
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(FIXTURES, 'shop'), dir, { recursive: true });
    const { code } = await run(['analyze', '--no-types', '--format', 'sarif', '--output', 'keydrift.sarif'], dir);
    expect(code).toBe(1);
    expect(existsSync(path.join(dir, 'keydrift.sarif'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'keydrift.sarif'), 'utf8')).version).toBe('2.1.0');
  });
});

describe('progress bar', () => {
  it('draws only when enabled and after a second', () => {
    let clock = 0;
    let written = '';
    const progress = createProgress({ write: (s) => void (written += s) }, true, () => clock);
    progress.update('load', 1, 10);
    expect(written).toBe('');
    clock = 1500;
    progress.update('load', 5, 10);
    expect(written).toContain('5/10 files');
    progress.finish();
    expect(written.endsWith('\r\u001b[2K')).toBe(true);

    let silent = '';
    const disabled = createProgress({ write: (s) => void (silent += s) }, false, () => 5000);
    disabled.update('load', 1, 2);
    disabled.finish();
    expect(silent).toBe('');
  });

  it('prints nothing extra when stderr is not a terminal', async () => {
    const { stderr } = await run(['analyze', '--no-types'], path.join(FIXTURES, 'shop'));
    expect(stderr).toBe('');
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/cli.js';
import { parseRegistry } from '../src/registry/load.js';
import type { AnalysisResult } from '../src/types.js';
import { writeProject } from './support/temp-project.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SHOP = path.join(ROOT, 'fixtures/shop');

async function run(args: string[], cwd: string, isTTY = false) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, isTTY, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const BUGGY = {
  'src/redis.ts': `import Redis from 'ioredis';\nexport const redis = new Redis();\n`,
  'src/products.ts': `import { redis } from './redis.js';\nexport async function get(id: string) { return redis.get(\`product:v2:\${id}\`); }\nexport async function update(id: string) { await redis.del(\`product:\${id}\`); }\n`,
};

describe('keydrift analyze', () => {
  it('exits 1 on the shop example and names the drifted key', async () => {
    const { code, stdout } = await run(['analyze', '--no-types'], SHOP);
    expect(code).toBe(1);
    expect(stdout).toContain('src/products/update.ts');
    expect(stdout).toContain('did you mean `product:v2:{id}`');
    expect(stdout).toContain('updatePrice writes `products` but invalidates no cached family of it: `product:v2:{id}` stays stale');
    expect(stdout).toMatch(/✖ 5 problems \(2 errors, 3 warnings, \d+ info\)/);
    expect(stdout).not.toContain('\u001b['); // no colour when not a TTY
  });

  it('colours text only on a TTY', async () => {
    const { stdout } = await run(['analyze', '--no-types'], SHOP, true);
    expect(stdout).toContain('\u001b[');
  });

  it('prints the JSON contract, version 1, with relative "/" paths', async () => {
    const { code, stdout } = await run(['analyze', '--format', 'json'], SHOP);
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as AnalysisResult;
    expect(result.version).toBe(1);
    expect(Object.keys(result)).toEqual(['version', 'callSites', 'templates', 'findings']);
    const del = result.callSites.find((s) => s.command === 'del')!;
    expect(del).toMatchObject({ file: 'src/products/update.ts', client: 'ioredis', access: 'delete', function: 'updatePrice', keys: [{ template: 'product:{id}', source: '`product:${id}`' }] });
    const family = result.templates.find((t) => t.template === 'product:v2:{id}')!;
    expect(family).toMatchObject({ reads: 1, writes: 1, deletes: 0, registered: false });
    expect(result.findings.find((f) => f.rule === 'key-drift')).toMatchObject({ severity: 'error', file: 'src/products/update.ts', template: 'product:{id}' });
  });

  it('exits 0 when there is no error-level finding', async () => {
    const clean = writeProject({ 'src/a.ts': `import Redis from 'ioredis';\nconst r = new Redis();\nexport const f = (id: string) => r.get(\`a:\${id}\`);\nexport const g = (id: string) => r.del(\`a:\${id}\`);\n` });
    const { code, stdout } = await run(['analyze', '--no-types'], clean);
    expect(code).toBe(0);
    expect(stdout).toContain('✔ no problems');
  });

  it('writes --output and prints nothing', async () => {
    const dir = writeProject(BUGGY);
    const { code, stdout } = await run(['analyze', '--format', 'json', '--output', 'out.json', '--no-types'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')).version).toBe(1);
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['analyze', '--format', 'yaml'], SHOP)).code).toBe(2);
    expect((await run(['frobnicate'], SHOP)).code).toBe(2);
  });

  it('exits 2 with file:line:column for a malformed registry', async () => {
    const dir = writeProject({ ...BUGGY, 'keydrift.keys.json': '{\n  "keys": {\n    "product": { "template": "product:{id" }\n  }\n}\n' });
    const { code, stderr } = await run(['analyze', '--no-types'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/keydrift\.keys\.json:3:\d+: .*unclosed/);
  });

  it('reports a file that does not parse, skips it, and goes on', async () => {
    const dir = writeProject({ ...BUGGY, 'src/broken.ts': 'export function ( {\n' });
    const { code, stdout } = await run(['analyze', '--no-types'], dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/src\/broken\.ts[\s\S]*does not parse/);
    expect(stdout).toContain('key-drift');
  });

  it('falls back to the given paths when tsconfig.json is broken', async () => {
    const dir = writeProject(BUGGY, { tsconfig: '{ "compilerOptions": { ' });
    const { code, stdout } = await run(['analyze', 'src', '--no-types'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('tsconfig does not parse');
    expect(stdout).toContain('key-drift');
  });

  it('analyses only the given paths', async () => {
    const { stdout } = await run(['analyze', 'src/users.ts', '--format', 'json', '--no-types'], SHOP);
    const result = JSON.parse(stdout) as AnalysisResult;
    expect(new Set(result.callSites.map((s) => s.file))).toEqual(new Set(['src/users.ts']));
  });
});

describe('keydrift init', () => {
  it('writes a registry that loads, and never overwrites without --force', async () => {
    const dir = writeProject(BUGGY);
    const first = await run(['init', '--no-types'], dir);
    expect(first.code).toBe(0);
    const file = path.join(dir, 'keydrift.keys.json');
    const registry = parseRegistry(readFileSync(file, 'utf8'), file);
    expect(registry.families.map((f) => f.templateText).sort()).toEqual(['product:v2:{id}', 'product:{id}']);

    writeFileSync(file, '{ "keys": {} }\n');
    const second = await run(['init', '--no-types'], dir);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('{ "keys": {} }\n');
    expect((await run(['init', '--force', '--no-types'], dir)).code).toBe(0);
  });

  it('pins the entities matched by name as invalidatedBy, and the write path stays checked', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'keydrift-init-')), 'shop');
    cpSync(SHOP, dir, { recursive: true });
    expect((await run(['init', '--no-types'], dir)).code).toBe(0);
    const file = path.join(dir, 'keydrift.keys.json');
    const registry = parseRegistry(readFileSync(file, 'utf8'), file);
    const byTemplate = new Map(registry.families.map((f) => [f.templateText, f.invalidatedBy]));
    expect(byTemplate.get('product:v2:{id}')).toEqual(['products']);
    expect(byTemplate.get('product:{id}')).toEqual([]); // only deleted: no write path leads to it
    // With products pinned to product:v2:{id}, the drifted delete of the registered product:{id}
    // does not count as its invalidation.
    const { stdout } = await run(['analyze', '--no-types'], dir);
    expect(stdout).toContain('updatePrice writes `products` but invalidates no cached family of it');
  });
});

describe('the installed bin', () => {
  it('runs from bin/keydrift.js after the build', () => {
    if (!existsSync(path.join(ROOT, 'dist/src/cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/keydrift.js'), 'analyze', '--no-types'], { cwd: SHOP, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('key-drift');
    expect(spawnSync(process.execPath, [path.join(ROOT, 'bin/keydrift.js'), '--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

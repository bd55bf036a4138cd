/**
 * Bad input (issue 7, item 4): each case runs end to end through `main()` with a captured io
 * (and through the analyzer where that is the part at risk), and must end with a clear message
 * and an ordinary exit code: never a crash, a hang or a stack overflow.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze/analyze.js';
import { main, type CliIo } from '../src/cli.js';
import { resolveKey } from '../src/resolve/resolve-key.js';
import { formatTemplate } from '../src/keys/template.js';
import type { AnalysisResult } from '../src/types.js';
import ts from 'typescript';
import { writeProject } from './support/temp-project.js';

async function run(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { cwd, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

async function json(args: string[], cwd: string) {
  const out = await run([...args, '--format', 'json'], cwd);
  if (out.code === 2) throw new Error(`exit 2: ${out.stderr}`);
  return { ...out, result: JSON.parse(out.stdout) as AnalysisResult };
}

const REDIS = `import Redis from 'ioredis';\nexport const redis = new Redis();\n`;
const BUGGY = {
  'src/redis.ts': REDIS,
  'src/products.ts': `import { redis } from './redis.js';\nexport async function get(id: string) { return redis.get(\`product:v2:\${id}\`); }\nexport async function update(id: string) { await redis.del(\`product:\${id}\`); }\n`,
};
const BOTH = [['--no-types'], ['--types']] as const;

describe('a broken registry exits 2 with file:line:column', () => {
  const cases: [string, string, RegExp][] = [
    ['a syntax error', '{\n  "keys": {\n    "product": { "template": "product:v2:{id}" }\n    "user": { "template": "user:{id}" }\n  }\n}\n', /keydrift\.keys\.json:4:5: syntax error: comma expected/],
    ['a wrong type', '{\n  "keys": {\n    "product": { "template": "product:v2:{id}", "ttl": { "max": "1h" } }\n  }\n}\n', /keydrift\.keys\.json:3:65: keys\.product\.ttl\.max must be integer/],
    ['a duplicate family', '{\n  "keys": {\n    "product": { "template": "product:v2:{id}" },\n    "product": { "template": "product:{id}" }\n  }\n}\n', /keydrift\.keys\.json:4:5: duplicate key family 'product'/],
    ['an unclosed `{` in a template', '{\n  "keys": {\n    "product": { "template": "product:v2:{id" }\n  }\n}\n', /keydrift\.keys\.json:3:\d+: keys\.product\.template: invalid template 'product:v2:\{id'.*unclosed/],
    ['an unknown field', '{\n  "keys": {},\n  "familes": {}\n}\n', /keydrift\.keys\.json:3:3: unknown top-level field 'familes'/],
  ];
  for (const [name, registry, message] of cases) {
    it(name, async () => {
      const dir = writeProject({ ...BUGGY, 'keydrift.keys.json': registry });
      const { code, stdout, stderr } = await run(['analyze', '--no-types'], dir);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1); // one line, no stack trace
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a registry path that is a directory', async () => {
    const dir = writeProject({ ...BUGGY, 'registry-dir/placeholder.txt': '' }, { name: 'bad-registry-dir' });
    const { code, stderr } = await run(['analyze', '--no-types', '--registry', 'registry-dir'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/registry-dir:1:1: cannot read registry: EISDIR/);
    // A directory that merely has the default name is not a registry: the run goes on without one.
    mkdirSync(path.join(dir, 'keydrift.keys.json'));
    const implicit = await run(['analyze', '--no-types'], dir);
    expect(implicit.code).toBe(1);
    expect(implicit.stdout).toContain('key-drift');
  });
});

describe('a broken config or project', () => {
  it('an unreadable config exits 2 naming it', async () => {
    const dir = writeProject({ ...BUGGY, 'conf.d/x': '' }, { name: 'bad-config-unreadable' });
    const asDir = await run(['analyze', '--no-types', '--config', 'conf.d'], dir);
    expect(asDir.code).toBe(2);
    expect(asDir.stderr).toMatch(/conf\.d:1:1: cannot read config: EISDIR/);

    const file = path.join(dir, 'keydrift.config.json');
    writeFileSync(file, '{ "maxWarnings": 0 }\n');
    chmodSync(file, 0o000);
    try {
      const unreadable = await run(['analyze', '--no-types'], dir);
      // root reads anything: there the config simply applies.
      if (process.getuid?.() === 0) expect(unreadable.code).toBe(1);
      else {
        expect(unreadable.code).toBe(2);
        expect(unreadable.stderr).toMatch(/keydrift\.config\.json:1:1: cannot read config: EACCES/);
      }
    } finally {
      chmodSync(file, 0o644);
    }
  });

  it('--project pointing at a missing file is reported and the run goes on', async () => {
    const dir = writeProject(BUGGY, { name: 'bad-project-missing' });
    for (const types of BOTH) {
      const { code, result } = await json(['analyze', ...types, '--project', 'nope/tsconfig.json'], dir);
      expect(code).toBe(1);
      expect(result.findings).toContainEqual(expect.objectContaining({ rule: 'parse-error', message: expect.stringContaining('tsconfig not found') }));
      expect(result.findings.some((f) => f.rule === 'key-drift')).toBe(true);
    }
  });

  it('a tsconfig.json that does not parse is reported and the run goes on', async () => {
    const dir = writeProject(BUGGY, { tsconfig: '{\n  "compilerOptions": { "strict": true,,\n', name: 'bad-tsconfig-syntax' });
    for (const types of BOTH) {
      const { code, result } = await json(['analyze', ...types], dir);
      expect(code).toBe(1);
      expect(result.findings).toContainEqual(expect.objectContaining({ rule: 'parse-error', file: 'tsconfig.json', line: 2, message: expect.stringContaining('tsconfig does not parse') }));
      expect(result.findings.some((f) => f.rule === 'key-drift' && f.file === 'src/products.ts')).toBe(true);
    }
  });

  it('a tsconfig.json that extends a missing file is reported and the run goes on', async () => {
    const dir = writeProject(BUGGY, { tsconfig: '{\n  "extends": "./base/missing.json",\n  "include": ["src"]\n}\n', name: 'bad-tsconfig-extends' });
    for (const types of BOTH) {
      const { code, result } = await json(['analyze', ...types], dir);
      expect(code).toBe(1);
      const problem = result.findings.find((f) => f.file === 'tsconfig.json');
      expect(problem).toMatchObject({ rule: 'parse-error', severity: 'warning' });
      expect(problem!.message).toMatch(/missing\.json/);
      expect(problem!.message).toMatch(/analysing the given paths instead/);
      expect(result.findings.some((f) => f.rule === 'key-drift' && f.file === 'src/products.ts')).toBe(true);
    }
  });

  it('an empty project exits 0 with a clear summary', async () => {
    const dir = writeProject({ 'src/.gitkeep': '' }, { name: 'bad-empty' });
    for (const types of BOTH) {
      const { code, stdout, stderr } = await run(['analyze', ...types], dir);
      expect(code).toBe(0);
      expect(stdout).toBe('✔ no problems (0 errors, 0 warnings, 0 info) · 0 call sites, 0 key families\n');
      expect(stderr).toBe('');
    }
    const bare = writeProject({}, { tsconfig: false, name: 'bad-empty-bare' });
    const { code, stdout } = await run(['analyze', '--no-types'], bare);
    expect(code).toBe(0);
    expect(stdout).toContain('0 call sites');
  });
});

describe('source trees that could hang or overflow', () => {
  it('circular re-exports resolve the key without hanging', async () => {
    const files = {
      'src/redis.ts': REDIS,
      'src/a.ts': `export * from './b.js';\nexport const PREFIX = 'product:v2';\n`,
      'src/b.ts': `export * from './a.js';\nexport * from './c.js';\n`,
      'src/c.ts': `export * from './b.js';\nexport const SEP = ':';\n`,
      'src/use.ts': `import { redis } from './redis.js';\nimport { PREFIX, SEP, MISSING } from './b.js';\nexport const read = (id: string) => redis.get(PREFIX + SEP + id);\nexport const drop = (id: string) => redis.del(\`\${PREFIX}\${SEP}\${id}\`);\nexport const other = () => redis.get(MISSING);\n`,
    };
    const dir = writeProject(files, { name: 'bad-circular' });
    for (const types of BOTH) {
      const { result } = await json(['analyze', ...types], dir);
      const templates = result.callSites.map((s) => s.keys.map((k) => k.template).join('|'));
      expect(templates).toEqual(['product:v2:{id}', 'product:v2:{id}', expect.any(String)]);
    }
  });

  it('a 10 MB generated file is analysed in reasonable time', async () => {
    const lines = [`import Redis from 'ioredis';`, `const redis = new Redis();`];
    let i = 0;
    while (lines.join('\n').length < 10 * 1024 * 1024 && i < 1e6) {
      const block = Array.from({ length: 200 }, (_, j) => `export const row${i + j} = { id: ${i + j}, name: 'row number ${i + j}', tags: ['a', 'b', 'c'], nested: { ok: true, weight: ${(i + j) * 1.5} } };`);
      lines.push(...block);
      i += 200;
    }
    lines.push(`export const read = (id: string) => redis.get(\`big:\${id}\`);`);
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    const dir = writeProject({ 'src/big.ts': text }, { name: 'bad-10mb' });
    for (const types of BOTH) {
      const started = performance.now();
      const { result } = await json(['analyze', ...types], dir);
      const seconds = (performance.now() - started) / 1000;
      expect(result.callSites.map((s) => `${s.file}:${s.line} ${s.keys[0].template}`)).toEqual([`src/big.ts:${lines.length} big:{id}`]);
      // tsc itself takes a few seconds on this; "absurdly long" would be minutes.
      expect(seconds).toBeLessThan(60);
    }
  }, 240_000);

  it('a 5,000-deep nesting TypeScript cannot parse is reported as unparseable, not a crash', async () => {
    let plus = `'end'`;
    for (let i = 0; i < 5000; i++) plus = `'a${i % 10}' + (${plus})`;
    let cond = `'end'`;
    for (let i = 0; i < 5000; i++) cond = `flag${i % 10} ? 'k${i % 10}' : (${cond})`;
    const files = {
      ...BUGGY,
      'src/deep-plus.ts': `import { redis } from './redis.js';\nexport const read = () => redis.get(${plus});\n`,
      'src/deep-parens.ts': `import { redis } from './redis.js';\nexport const read = () => redis.get(${'('.repeat(5000)}'k'${')'.repeat(5000)});\n`,
      'src/deep-cond.ts': `import { redis } from './redis.js';\ndeclare const ${Array.from({ length: 10 }, (_, i) => `flag${i}: boolean`).join(', ')};\nexport const read = () => redis.get(${cond});\n`,
    };
    const dir = writeProject(files, { name: 'bad-deep-nesting' });
    for (const types of BOTH) {
      const { code, result } = await json(['analyze', ...types], dir);
      expect(code).toBe(1);
      for (const file of ['src/deep-plus.ts', 'src/deep-parens.ts', 'src/deep-cond.ts']) {
        expect(result.findings).toContainEqual(expect.objectContaining({ rule: 'parse-error', file, message: expect.stringMatching(/does not parse.*too deeply nested/) }));
      }
      // The rest of the project is still analysed.
      expect(result.findings.some((f) => f.rule === 'key-drift' && f.file === 'src/products.ts')).toBe(true);
    }
  }, 120_000);

  it('a 5,000-term key and deep nesting TypeScript can parse resolve without overflow, to a hole past the limit', async () => {
    // `'a' + 'b' + …` parses as a 5,000-deep left-nested tree (the parser loops, the walkers recurse).
    const flat = Array.from({ length: 5000 }, (_, i) => `'s${i % 10}:'`).join(' + ') + ' + id';
    const nested = (depth: number) => {
      let e = `id`;
      for (let i = 0; i < depth; i++) e = `'p:' + (${e})`;
      return e;
    };
    const files = {
      'src/redis.ts': REDIS,
      'src/flat.ts': `import { redis } from './redis.js';\nexport const read = (id: string) => redis.get(${flat});\n`,
      'src/parens.ts': `import { redis } from './redis.js';\nexport const read = (id: string) => redis.get(${nested(100)});\n`,
      'src/deeper.ts': `import { redis } from './redis.js';\nexport const read = (id: string) => redis.get(${nested(400)});\n`,
    };
    const dir = writeProject(files, { name: 'bad-deep-flat' });
    for (const types of BOTH) {
      const { result } = await json(['analyze', ...types], dir);
      expect(result.findings.filter((f) => f.rule === 'parse-error')).toEqual([]);
      const byFile = new Map(result.callSites.map((s) => [s.file, s.keys[0].template]));
      // A long chain is walked with a loop: resolved whole.
      expect(byFile.get('src/flat.ts')).toBe(`${Array.from({ length: 5000 }, (_, i) => `s${i % 10}:`).join('')}{id}`);
      expect(byFile.get('src/parens.ts')).toBe(`${'p:'.repeat(100)}{id}`);
      // Nesting past the resolver's limit: a hole where it stopped, never an overflow.
      expect(byFile.get('src/deeper.ts')).toMatch(/^(p:){150,}\{value\}$/);
    }
  }, 120_000);

  it('the resolver bounds its recursion on nested expressions', () => {
    const keyOf = (expression: string) => {
      const sf = ts.createSourceFile('k.ts', `declare const c: boolean;\nconst k = ${expression};\n`, ts.ScriptTarget.ES2022, true);
      const init = (sf.statements[1] as ts.VariableStatement).declarationList.declarations[0].initializer!;
      return resolveKey(init, { graph: { resolveModule: () => undefined } }).templates.map(formatTemplate);
    };
    // A 20,000-term chain: a loop, no recursion.
    expect(keyOf(Array.from({ length: 20000 }, () => `'x'`).join(' + '))).toEqual(['x'.repeat(20000)]);
    // 400 nested conditionals and parenthesised sums (the parser still copes): bounded, a hole past the limit.
    let cond = `'end'`;
    for (let i = 0; i < 400; i++) cond = `(c ? 'k' : ${cond})`;
    expect(keyOf(cond)).toEqual(['k', '{value}']);
    let sum = `'end'`;
    for (let i = 0; i < 400; i++) sum = `'p:' + (${sum})`;
    expect(keyOf(sum)).toEqual([expect.stringMatching(/^(p:){150,}\{value\}$/)]);
  });

  it('a symlink loop in the source tree does not hang', async () => {
    const dir = writeProject(BUGGY, { name: 'bad-symlink-loop' });
    symlinkSync('..', path.join(dir, 'src/loop')); // src/loop -> src
    symlinkSync('self.ts', path.join(dir, 'src/self.ts')); // a link to itself
    symlinkSync(path.join(dir, 'src/b-link'), path.join(dir, 'src/a-link'));
    symlinkSync(path.join(dir, 'src/a-link'), path.join(dir, 'src/b-link'));
    for (const types of BOTH) {
      for (const args of [[], ['src']]) {
        const { code, result } = await json(['analyze', ...types, ...args], dir);
        expect(code).toBe(1);
        expect(new Set(result.callSites.map((s) => s.file))).toEqual(new Set(['src/products.ts']));
      }
    }
    // Without a tsconfig, the folder walk.
    rmSync(path.join(dir, 'tsconfig.json'));
    const { result } = await json(['analyze', '--no-types'], dir);
    expect(new Set(result.callSites.map((s) => s.file))).toEqual(new Set(['src/products.ts']));
  });
});

describe('file encodings and line endings', () => {
  it('a file that is not UTF-8 (latin-1 bytes) is analysed, not a crash', async () => {
    const dir = writeProject(BUGGY, { name: 'bad-latin1' });
    const latin1 = Buffer.from(`// caf\xe9 cr\xe8me br\xfbl\xe9e\nimport { redis } from './redis.js';\nexport const read = (id: string) => redis.get('men\xfc:' + id);\n`, 'latin1');
    writeFileSync(path.join(dir, 'src/latin1.ts'), latin1);
    for (const types of BOTH) {
      const { code, result } = await json(['analyze', ...types], dir);
      expect(code).toBe(1);
      const site = result.callSites.find((s) => s.file === 'src/latin1.ts')!;
      expect(site).toMatchObject({ line: 3, column: 37, command: 'get' });
      expect(site.keys[0].template).toBe('men\uFFFD:{id}');
    }
  });

  it('a BOM keeps line and column right', async () => {
    const files = {
      'src/redis.ts': REDIS,
      'src/bom.ts': `\uFEFFimport { redis } from './redis.js'; export const a = () => redis.get('bom:first');\nexport const b = (id: string) =>\n  redis.get(\`bom:\${id}\`);\n`,
    };
    const dir = writeProject(files, { name: 'bad-bom' });
    for (const types of BOTH) {
      const { result } = await json(['analyze', ...types], dir);
      expect(result.callSites.map((s) => `${s.line}:${s.column} ${s.keys[0].template}`)).toEqual(['1:60 bom:first', '3:3 bom:{id}']);
    }
  });

  it('CRLF line endings keep line and column right', async () => {
    const text = [`import { redis } from './redis.js';`, ``, `export async function update(id: string) {`, `    await redis.del(\`product:\${id}\`);`, `}`, `export const read = (id: string) => redis.get(\`product:v2:\${id}\`);`, ``].join('\r\n');
    const dir = writeProject({ 'src/redis.ts': REDIS, 'src/crlf.ts': text }, { name: 'bad-crlf' });
    for (const types of BOTH) {
      const { result } = await json(['analyze', ...types], dir);
      expect(result.callSites.map((s) => `${s.line}:${s.column} ${s.command}`)).toEqual(['4:11 del', '6:37 get']);
      expect(result.findings.find((f) => f.rule === 'key-drift')).toMatchObject({ file: 'src/crlf.ts', line: 4, column: 11 });
    }
  });

  it('paths with spaces and non-ASCII characters come out right', async () => {
    const files = {
      'src/redis.ts': REDIS,
      'src/my folder/ünïcødé ключ.ts': `import { redis } from '../redis.js';\nexport const read = (id: string) => redis.get(\`product:v2:\${id}\`);\n`,
      'src/my folder/drop it.ts': `import { redis } from '../redis.js';\nexport const drop = (id: string) => redis.del(\`product:\${id}\`);\n`,
    };
    const dir = writeProject(files, { name: 'bad paths ü' });
    for (const types of BOTH) {
      const { result } = await json(['analyze', ...types], dir);
      expect(result.callSites.map((s) => s.file)).toEqual(['src/my folder/drop it.ts', 'src/my folder/ünïcødé ключ.ts']);
      const drift = result.findings.find((f) => f.rule === 'key-drift')!;
      expect(drift.file).toBe('src/my folder/drop it.ts');
      expect(drift.message).toContain('src/my folder/ünïcødé ключ.ts:2');
    }
    const text = await run(['analyze', '--no-types', 'src/my folder'], dir);
    expect(text.stdout).toContain('src/my folder/drop it.ts\n');
    const sarif = JSON.parse((await run(['analyze', '--no-types', '--format', 'sarif'], dir)).stdout);
    const uris = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toContain('src/my%20folder/drop%20it.ts');
  });
});

describe('keydrift never executes the analysed code or its registry', () => {
  it('leaves no marker behind', async () => {
    const marker = (name: string) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./${name}', import.meta.url), 'x');\n`;
    const files = {
      ...BUGGY,
      'src/side-effect.ts': `${marker('executed-ts.txt')}export const KEY = 'side:effect';\n`,
      'src/side-effect-cjs.js': `require('node:fs').writeFileSync(__dirname + '/executed-cjs.txt', 'x');\nmodule.exports = { KEY: 'side:cjs' };\n`,
      'src/use.ts': `import { redis } from './redis.js';\nimport { KEY } from './side-effect.js';\nexport const read = () => redis.get(KEY);\n`,
      'keydrift.keys.json': '{ "keys": { "product": { "template": "product:v2:{id}" } }, "builders": ["keydrift.keys.js", "src/side-effect.ts"] }\n',
      'keydrift.keys.js': marker('executed-registry.txt'),
      'keydrift.config.js': marker('executed-config.txt'),
    };
    const dir = writeProject(files, { name: 'bad-no-exec' });
    const markers = ['src/executed-ts.txt', 'src/executed-cjs.txt', 'executed-registry.txt', 'executed-config.txt'];
    for (const types of BOTH) {
      const { code } = await run(['analyze', ...types], dir);
      expect(code).toBe(1);
      analyze({ cwd: dir, paths: [], types: types[0] === '--types' });
      expect(markers.filter((m) => existsSync(path.join(dir, m)))).toEqual([]);
    }
    expect((await run(['init', '--registry', 'out.keys.json'], dir)).code).toBe(0);
    expect(markers.filter((m) => existsSync(path.join(dir, m)))).toEqual([]);
  });
});

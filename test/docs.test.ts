/**
 * The rule docs and the plugin object, checked against each other:
 *
 * - every rule has a page `docs/rules/<name>.md`, its `meta.docs.url` points there, it has a
 *   description, a schema and a test file `test/rules/<name>.test.ts`;
 * - every page shows ioredis and node-redis examples, has an "Options" section naming every
 *   option, a "When not to use it" section, and (for rules that read `settings.keydrift.registry`)
 *   the ESLint `--cache` caveat;
 * - the examples do what the page says: a block after a "❌" line reports exactly its lines
 *   marked `// ❌`, a block after a "✅" line reports nothing (see `lintExamples` below);
 * - the presets are flat config objects that only configure keydrift rules;
 * - `eslint-doc-generator --check` finds the generated headers, option lists and the README
 *   rules table up to date (it loads the built plugin, so dist/ is built first when missing or
 *   older than rules/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from '../rules/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = path.join(ROOT, 'docs', 'rules');
const PRESETS = ['recommended', 'strict', 'recommended-type-checked', 'strict-type-checked'];
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

interface RuleMeta {
  type?: string;
  docs?: { description?: string; url?: string };
  schema?: unknown;
  messages?: Record<string, string>;
}
const rules = Object.entries(plugin.rules as Record<string, { meta: RuleMeta }>);
const ruleNames = rules.map(([name]) => name);

const page = (name: string) => readFileSync(path.join(DOCS, `${name}.md`), 'utf8');

/** Named options in an object-in-array schema (the only shape these rules use). */
function optionNames(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  return schema.flatMap((item: { properties?: Record<string, unknown> }) => Object.keys(item?.properties ?? {}));
}

/** The page's `## heading` sections. */
function sections(markdown: string): string[] {
  return [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim());
}

describe('plugin object', () => {
  it('has meta.name and meta.version from package.json', () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
  });

  it('exports exactly the four presets', () => {
    expect(Object.keys(plugin.configs).sort()).toEqual([...PRESETS].sort());
  });

  it.each(PRESETS)('preset %s is a flat config object with plugins.keydrift and only keydrift rules', (name) => {
    const config = (plugin.configs as Record<string, Record<string, unknown>>)[name];
    expect(Array.isArray(config)).toBe(false);
    expect(config).toBeTypeOf('object');
    expect(config.name).toBe(`keydrift/${name}`);
    expect((config.plugins as Record<string, unknown>).keydrift).toBe(plugin);
    // Flat config only: no eslintrc keys.
    for (const legacy of ['extends', 'env', 'parserOptions', 'overrides', 'globals']) expect(config).not.toHaveProperty(legacy);
    const levels = Object.entries(config.rules as Record<string, unknown>);
    expect(levels.length).toBeGreaterThan(0);
    for (const [id, level] of levels) {
      expect(id).toMatch(/^keydrift\//);
      expect(ruleNames).toContain(id.slice('keydrift/'.length));
      expect(['error', 'warn', 'off', 0, 1, 2]).toContain(Array.isArray(level) ? level[0] : level);
    }
    const parserOptions = (config.languageOptions as { parserOptions?: { projectService?: unknown } } | undefined)?.parserOptions;
    if (name.endsWith('-type-checked')) expect(parserOptions?.projectService).toBe(true);
    else expect(config.languageOptions).toBeUndefined();
  });

  it('every preset is accepted by ESLint as a flat config', () => {
    for (const name of PRESETS) {
      const linter = new Linter();
      // Type-checked presets need a project; only the config shape is under test here.
      const { languageOptions: _typed, ...config } = (plugin.configs as Record<string, Linter.Config>)[name];
      const messages = linter.verify('export {};\n', [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, config], 'file.ts');
      expect(messages).toEqual([]);
    }
  });
});

describe('rule pages', () => {
  it('docs/rules holds a page for every rule and no other', () => {
    const pages = readdirSync(DOCS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
    expect(pages.sort()).toEqual([...ruleNames].sort());
  });

  describe.each(ruleNames)('%s', (name) => {
    const meta = (plugin.rules as Record<string, { meta: RuleMeta }>)[name].meta;

    it('has a doc page, and meta.docs.url points at it', () => {
      expect(existsSync(path.join(DOCS, `${name}.md`))).toBe(true);
      expect(meta.docs?.url).toMatch(/^https:\/\//);
      expect(meta.docs?.url?.endsWith(`/docs/rules/${name}.md`)).toBe(true);
    });

    it('has a description, a type and a schema', () => {
      expect(meta.docs?.description).toBeTypeOf('string');
      expect(meta.docs?.description?.length).toBeGreaterThan(10);
      expect(meta.docs?.description).not.toMatch(/\.$/);
      expect(['problem', 'suggestion', 'layout']).toContain(meta.type);
      expect(Array.isArray(meta.schema)).toBe(true);
    });

    it('has a test file', () => {
      expect(existsSync(path.join(ROOT, 'test', 'rules', `${name}.test.ts`)), `test/rules/${name}.test.ts`).toBe(true);
    });

    it('shows ioredis and node-redis examples, options and when not to use it', () => {
      const text = page(name);
      expect(text).toMatch(new RegExp(`^# keydrift/${name}$`, 'm'));
      expect(text).toContain('<!-- end auto-generated rule header -->');
      expect(text).toContain('ioredis');
      expect(text).toContain('node-redis');
      const heads = sections(text);
      expect(heads).toContain('Options');
      expect(heads).toContain('When not to use it');
      const options = optionNames(meta.schema);
      if (options.length > 0) {
        expect(text).toContain('<!-- begin auto-generated rule options list -->');
        for (const option of options) expect(text, `option ${option}`).toContain(`\`${option}\``);
      } else {
        expect(text).toContain('This rule has no options.');
      }
    });

    it('names the ESLint --cache caveat when the rule reads settings.keydrift.registry', () => {
      const source = readFileSync(path.join(ROOT, 'rules', `${name}.ts`), 'utf8');
      if (!source.includes('registryFor(')) return;
      const text = page(name);
      expect(text).toContain('settings.keydrift.registry');
      expect(text).toContain('--cache');
      expect(text).toContain('--cache-strategy content');
    });

    it('has incorrect and correct examples for both clients, and they do what the page says', () => {
      const blocks = lintExamples(name, page(name));
      for (const kind of ['incorrect', 'correct'] as const) {
        for (const client of ['ioredis', 'redis']) {
          expect(
            blocks.some((b) => b.kind === kind && b.code.includes(`from '${client}'`)),
            `a ${kind} example importing '${client}'`,
          ).toBe(true);
        }
      }
      for (const block of blocks) {
        const where = `docs/rules/${name}.md:${block.line} (${block.kind})`;
        expect.soft(block.fatal, `${where} does not parse`).toEqual([]);
        expect.soft(block.reported, `${where}: reported lines vs lines marked // ❌`).toEqual(block.marked);
      }
    });
  });
});

// --- examples -------------------------------------------------------------------------------

interface ExampleResult {
  kind: 'incorrect' | 'correct';
  /** 1-based line of the opening fence in the page. */
  line: number;
  code: string;
  /** Lines (1-based, in the block) carrying a `// ❌` comment: where a report is expected. */
  marked: number[];
  /** Lines this rule reported. */
  reported: number[];
  fatal: string[];
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/**
 * Lints the page's examples with the rule, in document order, in a scratch project:
 *
 * - a ```jsonc block whose first line is `// keydrift.keys.json` becomes the registry
 *   (`settings.keydrift.registry`) for the examples after it;
 * - a ```ts block whose first line is `// src/<file>.ts` is written there (a key-builder module);
 * - a ```ts or ```js block whose preceding paragraph starts with "❌" (or "✅") is an incorrect (or
 *   correct) example, linted as `src/example.ts` with only this rule on. Options are given the
 *   way a reader would: an `/* eslint keydrift/<name>: [...] *\/` comment in the block.
 */
function lintExamples(rule: string, markdown: string): ExampleResult[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), `keydrift-docs-${rule}-`));
  scratch.push(dir);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  const settings: { keydrift: { registry?: string } } = { keydrift: {} };
  const results: ExampleResult[] = [];
  const lines = markdown.split('\n');
  // The first line of the paragraph just before a fence says what the block is.
  let lead = '';
  let blank = true;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)/.exec(lines[i]);
    if (!fence) {
      const text = lines[i].trim();
      if (text !== '' && blank) lead = text;
      blank = text === '';
      continue;
    }
    blank = true;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    const code = `${body.join('\n')}\n`;
    const first = body[0]?.trim() ?? '';
    const kind = lead.startsWith('❌') ? 'incorrect' : lead.startsWith('✅') ? 'correct' : undefined;
    lead = '';
    if (fence[1] === 'jsonc' && first === '// keydrift.keys.json') {
      writeFileSync(path.join(dir, 'keydrift.keys.json'), code);
      settings.keydrift.registry = 'keydrift.keys.json';
      continue;
    }
    const file = /^\/\/ (src\/[\w/.-]+\.ts)$/.exec(first);
    if (file && !kind) {
      mkdirSync(path.dirname(path.join(dir, file[1])), { recursive: true });
      writeFileSync(path.join(dir, file[1]), code);
      continue;
    }
    if (!kind || !['ts', 'js'].includes(fence[1])) continue;
    const linter = new Linter({ cwd: dir });
    const messages = linter.verify(
      code,
      [
        {
          files: ['**/*.ts', '**/*.js'],
          languageOptions: { parser: tseslint.parser as Linter.Parser, ecmaVersion: 'latest', sourceType: 'module' },
          plugins: { keydrift: plugin as never },
          settings,
          rules: { [`keydrift/${rule}`]: 'error' },
        },
      ],
      path.join(dir, 'src', 'example.ts'),
    );
    results.push({
      kind,
      line: start + 1,
      code,
      marked: body.flatMap((text, n) => (/\/\/ ❌/.test(text) ? [n + 1] : [])),
      reported: [...new Set(messages.filter((m) => m.ruleId === `keydrift/${rule}`).map((m) => m.line))].sort((a, b) => a - b),
      fatal: messages.filter((m) => m.fatal || (m.ruleId !== `keydrift/${rule}` && m.severity === 2)).map((m) => `${m.line}:${m.column} ${m.message}`),
    });
    const where = `docs/rules/${rule}.md:${start + 1}`;
    if (kind === 'correct') expect(results.at(-1)?.marked, `${where}: a correct example marks a line`).toEqual([]);
    else expect(results.at(-1)?.marked.length, `${where}: an incorrect example marks no line with // ❌`).toBeGreaterThan(0);
  }
  return results;
}

// --- eslint-doc-generator --check ------------------------------------------------------------

/** Newest modification time under a folder (files only). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

describe('eslint-doc-generator', () => {
  it('--check: README rules table, rule headers and option lists are up to date', () => {
    const built = path.join(ROOT, 'dist', 'rules', 'index.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newest(path.join(ROOT, 'rules'))) {
      execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
    }
    const bin = path.join(ROOT, 'node_modules', 'eslint-doc-generator', 'dist', 'bin', 'eslint-doc-generator.js');
    const run = spawnSync(process.execPath, [bin, '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}\n(run \`npm run docs\` to update)`).toBe(0);
  });
});

/**
 * Fixes are safe: every suggestion (and every autofix, should a rule become `fixable`) produces
 * code that still parses, and applying fixes again reaches a fixed point, as ESLint's own fuzzer
 * checks for its core rules.
 *
 * The corpus is (1) every `invalid` case of the rule test files under test/rules/, collected by
 * importing those files with `RuleTester.prototype.run` swapped for a recorder (the test files
 * stay as they are and run nothing here), and (2) the cases below, which reach corners the rule
 * tests do not (hash tags, odd receivers, several fixes in one file, hashbangs, CommonJS).
 *
 * For each case and each suggestion: apply the suggestion's fix, check that the result parses
 * (typescript-eslint's parser, TypeScript's own parse diagnostics, and espree for .js), then lint
 * again and apply every suggestion that does not overlap another (the first of each report, as
 * ESLint's SourceCodeFixer applies fixes) until the text stops changing, at most 10 passes, every
 * step parsing. This runs twice: with the case's rule alone, and with the whole `strict` preset
 * (so one rule's fix meeting another rule's report is covered too).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { Linter } from 'eslint';
import * as espree from 'espree';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import plugin from '../rules/index.js';
import { code, fixture, jsRuleTester, SHOP_FILE, SHOP_JS_FILE, shopSettings, TYPED_ROOT, typedRuleTester } from './rules/rule-tester.js';

type Flavour = 'ts' | 'js' | 'typed';
type RuleName = keyof typeof plugin.rules;

interface Case {
  /** Where the case comes from: a rule test file, or this file. */
  from: string;
  name: string;
  rule: RuleName;
  code: string;
  filename: string;
  options: readonly unknown[];
  settings?: Record<string, unknown>;
  flavour: Flavour;
  /** This file's regression cases: the expected output of each suggestion, in report order. */
  outputs?: string[];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RULE_NAMES = Object.keys(plugin.rules) as RuleName[];
const ruleNameOf = (rule: unknown): RuleName | undefined => RULE_NAMES.find((name) => plugin.rules[name] === rule);
const offersFixes = (name: RuleName): boolean => {
  const meta = plugin.rules[name].meta as { fixable?: string; hasSuggestions?: boolean };
  return !!meta.fixable || !!meta.hasSuggestions;
};

// ---------------------------------------------------------------------------------------------
// (1) The rule test files' invalid cases

type RunArgs = [string, unknown, { invalid?: readonly Record<string, unknown>[] }];

async function collectRuleTestCases(): Promise<Case[]> {
  const dir = path.join(HERE, 'rules');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  const cases: Case[] = [];
  const prototype = RuleTester.prototype as unknown as { run: (...args: RunArgs) => void };
  const original = prototype.run;
  let current = '';
  prototype.run = function (this: RuleTester, _title, rule, tests) {
    const name = ruleNameOf(rule);
    if (!name) throw new Error(`${current}: a rule that is not in the plugin`);
    const flavour: Flavour = this === (jsRuleTester as RuleTester) ? 'js' : this === (typedRuleTester as RuleTester) ? 'typed' : 'ts';
    const defaultFile = flavour === 'js' ? 'file.js' : 'file.ts';
    for (const c of tests.invalid ?? []) {
      const filename = typeof c.filename === 'string' ? c.filename : defaultFile;
      cases.push({
        from: current,
        name: String(c.name ?? c.code),
        rule: name,
        code: String(c.code),
        filename: path.isAbsolute(filename) ? filename : path.join(flavour === 'typed' ? TYPED_ROOT : process.cwd(), filename),
        options: (c.options as unknown[] | undefined) ?? [],
        settings: c.settings as Record<string, unknown> | undefined,
        flavour,
      });
    }
  };
  try {
    for (const file of files) {
      current = `test/rules/${file}`;
      await import(pathToFileURL(path.join(dir, file)).href);
    }
  } finally {
    prototype.run = original;
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// (2) Cases of this file, on the shop fixture (test/rules/fixtures/shop): `redis.ts` (ioredis),
// `node-redis.ts`, `keys.ts` (productKey → product:v2:{id}, userProfileKey, CacheKeys.cart), a
// registry deprecating product:{id}, cart:{cartId} and session:{sid}.

const IO = "import { redis } from './redis.js';";
const POOL = 'declare const pool: { query(text: string, values?: unknown[]): Promise<unknown> };';
const UPDATE = "await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);";
const NR = "import { client } from './node-redis.js';";
const own = (rule: RuleName, name: string, text: string, extra: Partial<Case> = {}): Case => ({
  from: 'test/fix-safety.test.ts',
  name,
  rule,
  code: text,
  filename: SHOP_FILE,
  options: [],
  settings: shopSettings,
  flavour: 'ts',
  ...extra,
});

const OWN_CASES: Case[] = [
  // no-keys-command
  own('no-keys-command', 'two KEYS calls in one expression', code(IO, "export const all = () => Promise.all([redis.keys('a:*'), redis.keys(`b:${'*'}`)]);")),
  own('no-keys-command', 'KEYS in a conditional and a return', code(IO, NR, "export const find = (io: boolean, p: string) => (io ? redis.keys(p + ':*') : client.keys(p + ':*'));")),
  // Regression: the receiver lost its parentheses, `redis as typeof redis.scanStream(…)` (no parse).
  own('no-keys-command', 'receiver behind a type assertion', code(IO, "export const all = () => (redis as typeof redis).keys('*');"), {
    outputs: [code(IO, "export const all = () => (redis as typeof redis).scanStream({ match: '*' });")],
  }),
  // The same cause: this one parsed, as `await connect().scanStream(…)`, a call on the promise.
  own('no-keys-command', 'receiver behind an await', code("import { Redis } from 'ioredis';", 'const connect = async () => new Redis();', "export const all = async () => (await connect()).keys('*');"), {
    outputs: [code("import { Redis } from 'ioredis';", 'const connect = async () => new Redis();', "export const all = async () => (await connect()).scanStream({ match: '*' });")],
  }),
  own('no-keys-command', 'a parenthesized sequence as the pattern', code(IO, "export const all = () => redis.keys((void 0, '*'));"), {
    outputs: [code(IO, "export const all = () => redis.scanStream({ match: (void 0, '*') });")],
  }),
  own('no-keys-command', 'receiver behind a non-null assertion', code(IO, "export const all = () => redis!.keys('*');")),
  own('no-keys-command', 'receiver in a class field', code("import { Redis } from 'ioredis';", 'export class Repo {', '  private redis = new Redis();', "  all() { return this.redis.keys('*'); }", '}')),
  own('no-keys-command', 'pattern behind a type assertion', code(IO, "export const all = (p: unknown) => redis.keys(p as string);")),
  own('no-keys-command', 'in a .js file', code(IO, "export const all = () => redis.keys('*');"), { filename: SHOP_JS_FILE, flavour: 'js' }),

  // no-inline-keys
  own('no-inline-keys', 'several inline keys, two builders, one file', code(IO, 'export const a = (id: string) => redis.get(`product:v2:${id}`);', 'export const b = (id: string, c: string) => redis.del(`product:v2:${id}`, `cart:v3:${c}`);', 'export const u = (u: string) => redis.hgetall(`user:${u}:profile`);')),
  own('no-inline-keys', 'no import yet: the import goes first', code('export {};', "const { redis } = await import('./redis.js');", 'export const a = (id: string) => redis.get(`product:v2:${id}`);')),
  own('no-inline-keys', 'a key with a type assertion and parentheses', code(IO, "export const a = (id: string) => redis.get(('product:v2:' + id) as string);")),
  own('no-inline-keys', 'hole text with a call, a template and a conditional', code(IO, 'export const a = (id: () => string, x?: string) => redis.get(`product:v2:${x ? `${x}` : id()}`);')),
  own('no-inline-keys', 'a key in a local, used twice', code(IO, 'export async function f(cartId: string) {', '  const key = `cart:v3:${cartId}`;', '  await redis.hgetall(key);', '  await redis.del(key);', '}')),
  own('no-inline-keys', 'allowedPatterns and a builder suggestion side by side', code(IO, 'export const a = (n: string, id: string) => redis.mget(`lock:${n}`, `product:v2:${id}`);'), { options: [{ allowedPatterns: ['lock:{name}'] }] }),
  own('no-inline-keys', 'CommonJS-style client in a .js file, no import declarations', code("const { Redis } = require('ioredis');", 'const redis = new Redis();', 'exports.read = (id) => redis.get(`product:v2:${id}`);'), { filename: SHOP_JS_FILE, flavour: 'js' }),
  // Regression: the import went before the hashbang, which must be the first line (no parse).
  own('no-inline-keys', 'a hashbang and no import declarations', code('#!/usr/bin/env node', "const { Redis } = require('ioredis');", 'const redis = new Redis();', 'export const read = (id: string) => redis.get(`product:v2:${id}`);'), {
    outputs: [code('#!/usr/bin/env node', "import { productKey } from './keys';", "const { Redis } = require('ioredis');", 'const redis = new Redis();', 'export const read = (id: string) => redis.get(productKey(id));')],
  }),
  // Regression: a builder whose name is taken where the call would go. The import clashed with a
  // local (espree: "Identifier 'productKey' has already been declared"), and an import of the
  // same name from elsewhere or a parameter was called instead of the builder. No suggestion now.
  own('no-inline-keys', 'a builder name already declared in the file (.js)', code(IO, "const productKey = 'not the builder';", 'export const read = (id) => redis.get(`product:v2:${id}`);', 'export { productKey };'), {
    filename: SHOP_JS_FILE,
    flavour: 'js',
    outputs: [],
  }),
  own('no-inline-keys', 'a builder name imported from another module', code(IO, "import { oldProductKey as productKey } from './legacy-keys.js';", 'export const a = (id: string) => [productKey(id), redis.get(`product:v2:${id}`)];'), { outputs: [] }),
  own('no-inline-keys', 'a builder name shadowed by a parameter', code(IO, 'export const read = (productKey: string) => redis.get(`product:v2:${productKey}`);'), { outputs: [] }),
  own('no-inline-keys', 'a builder name shadowed in an inner scope only', code(IO, 'export const a = (productKey: string) => productKey;', 'export const read = (id: string) => redis.get(`product:v2:${id}`);'), {
    outputs: [code(IO, "import { productKey } from './keys.js';", 'export const a = (productKey: string) => productKey;', 'export const read = (id: string) => redis.get(productKey(id));')],
  }),

  // no-unknown-keys
  own('no-unknown-keys', 'deprecated keys: builder and rewrite in one file', code(IO, 'export const a = (id: string, sid: string) => redis.mget(`product:${id}`, `session:${sid}`, `cart:${id}`);')),
  own('no-unknown-keys', 'deprecated key rewritten around backticks and ${ in the hole', code(IO, 'export const a = (sid: string) => redis.get(`session:${`${sid}`}`);')),
  own('no-unknown-keys', 'deprecated concatenation inside a larger expression', code(IO, "export const a = (sid: string) => redis.get(('session:' + sid) as string);")),
  own('no-unknown-keys', 'deprecated key in node-redis sendCommand and a local', code(NR, 'export async function f(sid: string) {', '  const key = `session:${sid}`;', "  await client.sendCommand(['DEL', key]);", '}')),
  // Regression (as for no-inline-keys): a taken builder name falls back to the rewritten literal.
  own('no-unknown-keys', 'a builder name shadowed by a local: the template literal instead', code(IO, 'export async function f(id: string) {', "  const productKey = 'x';", '  return [productKey, await redis.get(`product:${id}`)];', '}'), {
    outputs: [code(IO, 'export async function f(id: string) {', "  const productKey = 'x';", '  return [productKey, await redis.get(`product:v2:${id}`)];', '}')],
  }),
  own('no-unknown-keys', 'in a .js file', code(IO, 'export const a = (id) => redis.del(`product:${id}`, `session:${id}`);'), { filename: SHOP_JS_FILE, flavour: 'js' }),
  // invalidate-after-write: the suggestion moves a statement; moves meeting each other must still parse.
  own('invalidate-after-write', 'two invalidations before one write', code(IO, POOL, 'export async function f(id: string, price: number) {', '  await redis.del(`product:v2:${id}`);', '  await redis.unlink(`product:v2:${id}`);', `  ${UPDATE}`, '}'), {
    outputs: [
      code(IO, POOL, 'export async function f(id: string, price: number) {', '  await redis.unlink(`product:v2:${id}`);', `  ${UPDATE}`, '  await redis.del(`product:v2:${id}`);', '}'),
      code(IO, POOL, 'export async function f(id: string, price: number) {', '  await redis.del(`product:v2:${id}`);', `  ${UPDATE}`, '  await redis.unlink(`product:v2:${id}`);', '}'),
    ],
  }),
  own('invalidate-after-write', 'an invalidation sharing its line with the write', code(IO, POOL, 'export async function f(id: string, price: number) {', `  await redis.del(\`product:v2:\${id}\`); ${UPDATE}`, '}')),
  own('invalidate-after-write', 'CRLF line endings', code(IO, POOL, 'export async function f(id: string, price: number) {', '  await redis.del(`product:v2:${id}`);', `  ${UPDATE}`, '}').replace(/\n/g, '\r\n')),
  own(
    'invalidate-after-write',
    'inside a transaction callback, and before BEGIN … COMMIT',
    code(
      IO,
      POOL,
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function f(id: string, price: number) {',
      '  await prisma.$transaction(async (tx) => {',
      '    await tx.product.update({ where: { id }, data: { price } });',
      '    await redis.del(`product:v2:${id}`);',
      '  });',
      "  await pool.query('BEGIN');",
      `  ${UPDATE}`,
      '  await redis.unlink(`product:v2:${id}`);',
      "  await pool.query('COMMIT');",
      '}',
    ),
  ),
  own('no-unknown-keys', 'a file in a subfolder', code("import { redis } from '../redis.js';", 'export const a = (id: string) => redis.get(`cart:${id}`);'), { filename: fixture('shop', 'routes', 'cart.ts') }),
];

// ---------------------------------------------------------------------------------------------
// Linting, applying fixes, parsing

const linter = new Linter({ cwd: process.cwd() });

function languageOptions(flavour: Flavour): Linter.LanguageOptions {
  if (flavour === 'js') return { parser: espree as Linter.Parser, ecmaVersion: 'latest', sourceType: 'module' };
  const parserOptions = flavour === 'typed' ? { projectService: { allowDefaultProject: ['*.ts'] }, tsconfigRootDir: TYPED_ROOT } : {};
  return { parser: tsParser as unknown as Linter.Parser, ecmaVersion: 'latest', sourceType: 'module', parserOptions };
}

type Mode = 'alone' | 'strict';

function configFor(c: Case, mode: Mode): Linter.Config[] {
  const own = { [`keydrift/${c.rule}`]: ['error', ...c.options] } as Linter.RulesRecord;
  const rules = mode === 'alone' ? own : { ...(plugin.configs.strict.rules as Linter.RulesRecord), ...own };
  return [
    {
      files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'],
      plugins: { keydrift: plugin as unknown as NonNullable<Linter.Config['plugins']>[string] },
      languageOptions: languageOptions(c.flavour),
      settings: c.settings ?? {},
      rules,
    },
  ];
}

function lint(c: Case, text: string, mode: Mode): Linter.LintMessage[] {
  const messages = linter.verify(text, configFor(c, mode), { filename: c.filename });
  const fatal = messages.filter((m) => m.fatal || !m.ruleId);
  expect(fatal, `lint problems of\n${text}`).toEqual([]);
  return messages;
}

type Fix = { range: [number, number]; text: string };

function applyFix(text: string, fix: Fix): string {
  return text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1]);
}

/** As ESLint's SourceCodeFixer: sorted by range, a fix overlapping an applied one waits a pass. */
function applyAll(text: string, fixes: Fix[]): string {
  let out = '';
  let lastPos = Number.NEGATIVE_INFINITY;
  for (const fix of [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1])) {
    const [start, end] = fix.range;
    if (lastPos >= start || start > end) continue;
    out += text.slice(Math.max(0, lastPos), Math.max(0, start)) + fix.text;
    lastPos = end;
  }
  return out + text.slice(Math.max(0, lastPos));
}

/** The first suggestion of each report, and any autofix. */
const fixesOf = (messages: Linter.LintMessage[]): Fix[] => messages.flatMap((m) => [...(m.fix ? [m.fix] : []), ...(m.suggestions?.length ? [m.suggestions[0].fix] : [])]);

function scriptKind(file: string): ts.ScriptKind {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(file)) return ts.ScriptKind.TS;
  return /\.jsx$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The text parses: typescript-eslint, TypeScript's parse diagnostics, and espree for .js. */
function expectParses(c: Case, text: string, step: string): void {
  const where = `${c.from} › ${c.name} › ${step}:\n${text}`;
  expect(() => tsParser.parseForESLint(text, { filePath: c.filename, ecmaVersion: 'latest', sourceType: 'module', range: true, loc: true }), where).not.toThrow();
  const sf = ts.createSourceFile(c.filename, text, ts.ScriptTarget.Latest, true, scriptKind(c.filename));
  const diagnostics = (sf as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  expect(
    diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    where,
  ).toEqual([]);
  if (c.flavour === 'js') expect(() => espree.parse(text, { ecmaVersion: 'latest', sourceType: 'module' }), where).not.toThrow();
}

const MAX_PASSES = 10;

/** Lints and applies fixes until the text stops changing; returns the passes it took. */
function expectFixedPoint(c: Case, start: string, mode: Mode, step: string): number {
  let text = start;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const messages = lint(c, text, mode);
    const next = applyAll(text, fixesOf(messages));
    if (next === text) {
      // A report whose suggestion changes nothing would be offered forever.
      expect(fixesOf(messages), `${step}: suggestions that change nothing`).toEqual([]);
      return pass;
    }
    expectParses(c, next, `${step}, pass ${pass}`);
    text = next;
  }
  throw new Error(`${c.from} › ${c.name} › ${step}: no fixed point after ${MAX_PASSES} passes; last text:\n${text}`);
}

interface Outcome {
  suggestions: number;
}

function checkCase(c: Case): Outcome {
  expectParses(c, c.code, 'the case itself');
  let suggestions = 0;
  for (const mode of ['alone', 'strict'] as Mode[]) {
    const messages = lint(c, c.code, mode);
    if (c.outputs && mode === 'alone') expect(messages.flatMap((m) => (m.suggestions ?? []).map((x) => applyFix(c.code, x.fix))), c.name).toEqual(c.outputs);
    // Every suggestion on its own, then everything that follows from it.
    messages.forEach((m, mi) =>
      (m.suggestions ?? []).forEach((s, si) => {
        if (mode === 'alone') suggestions++;
        const step = `${mode}: report ${mi} (${m.ruleId}) suggestion ${si} (${s.desc})`;
        const fixed = applyFix(c.code, s.fix);
        expect(fixed, `${step} changes nothing`).not.toBe(c.code);
        expectParses(c, fixed, step);
        expectFixedPoint(c, fixed, mode, step);
      }),
    );
    // All suggestions at once, pass after pass, from the original text.
    expectFixedPoint(c, c.code, mode, `${mode}: all suggestions`);
    // Autofixes: none of the rules is `fixable` today, but if one becomes so, its fixes are held
    // to the same standard.
    const fixed = linter.verifyAndFix(c.code, configFor(c, mode), { filename: c.filename });
    expect(fixed.messages.filter((m) => m.fatal)).toEqual([]);
    expectParses(c, fixed.output, `${mode}: verifyAndFix`);
    expect(linter.verifyAndFix(fixed.output, configFor(c, mode), { filename: c.filename }).fixed, `${mode}: verifyAndFix is not idempotent`).toBe(false);
  }
  return { suggestions };
}

// ---------------------------------------------------------------------------------------------

const collected = (await collectRuleTestCases()).filter((c) => offersFixes(c.rule));
const FIXING_RULES = RULE_NAMES.filter(offersFixes);

describe('fix safety', () => {
  it('collects the invalid cases of every rule that offers fixes or suggestions', () => {
    expect(FIXING_RULES.sort()).toEqual(['invalidate-after-write', 'no-inline-keys', 'no-keys-command', 'no-unknown-keys']);
    for (const rule of FIXING_RULES) {
      expect(
        collected.filter((c) => c.rule === rule).length,
        rule,
      ).toBeGreaterThan(10);
      expect(OWN_CASES.some((c) => c.rule === rule), rule).toBe(true);
    }
  });

  const suggestionsByRule = new Map<RuleName, number>();
  const groups: [string, Case[]][] = [
    ['rule test cases', collected],
    ['cases of this file', OWN_CASES],
  ];
  for (const [title, cases] of groups) {
    describe(title, () => {
      for (const rule of FIXING_RULES) {
        const mine = cases.filter((c) => c.rule === rule);
        if (!mine.length) continue;
        it(`${rule}: every suggestion parses and reaches a fixed point (${mine.length} cases)`, () => {
          for (const c of mine) {
            const { suggestions } = checkCase(c);
            suggestionsByRule.set(rule, (suggestionsByRule.get(rule) ?? 0) + suggestions);
          }
        });
      }
    });
  }

  it('applied suggestions of every such rule', () => {
    for (const rule of FIXING_RULES) expect(suggestionsByRule.get(rule) ?? 0, rule).toBeGreaterThan(3);
  });
});

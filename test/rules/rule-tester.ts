/**
 * RuleTester wired to vitest once. Import the testers from here, never construct one in a test
 * file: every tester needs the same hooks and they must be set before construction.
 *
 * - `ruleTester`: `@typescript-eslint/parser` without type information (the default everywhere).
 * - `jsRuleTester`: ESLint's default parser (espree) for `.js` files; the rules then parse the
 *   text themselves (rules/utils/redis-calls.ts, `fromOwnParse`).
 * - `typedRuleTester`: the project service over `test/rules/fixtures/typed`, so a rule can tell
 *   a client method from a user's own `cache.set` by its declaration.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { RuleTester } from '@typescript-eslint/rule-tester';
import * as espree from 'espree';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** An absolute path inside `test/rules/fixtures/<name>/`. */
export function fixture(name: string, ...file: string[]): string {
  return path.join(FIXTURES, name, ...file);
}

export const ruleTester = new RuleTester({
  languageOptions: {
    parser: tsParser,
    ecmaVersion: 'latest',
    sourceType: 'module',
  },
});

export const jsRuleTester = new RuleTester({
  defaultFilenames: { ts: 'file.js', tsx: 'file.jsx' },
  languageOptions: {
    parser: espree,
    ecmaVersion: 'latest',
    sourceType: 'module',
  },
});

export const TYPED_ROOT = fixture('typed');

export const typedRuleTester = new RuleTester({
  languageOptions: {
    parser: tsParser,
    parserOptions: {
      projectService: { allowDefaultProject: ['*.ts'] },
      tsconfigRootDir: TYPED_ROOT,
    },
  },
});

/** Source text from lines, so a case's line numbers are its array indexes plus one. */
export function code(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/**
 * `test/rules/fixtures/shop/`: `redis.ts` (ioredis), `node-redis.ts`, `upstash.ts` export the
 * clients, `keys.ts` the key builders, `keydrift.keys.json` the registry that names them. The
 * linted file does not exist; it only has to sit in the folder so `./redis.js` resolves.
 */
export const SHOP_FILE = fixture('shop', 'service.ts');
export const SHOP_JS_FILE = fixture('shop', 'service.js');
export const SHOP_REGISTRY = fixture('shop', 'keydrift.keys.json');
/** `settings` naming the shop registry. The rules resolve it against the linter's cwd: absolute. */
export const shopSettings = { keydrift: { registry: SHOP_REGISTRY } };

/** The 1-based column of `needle` in `line` (throws when it is not there, so a typo fails loudly). */
export function col(line: string, needle: string): number {
  const at = line.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in '${line}'`);
  return at + 1;
}

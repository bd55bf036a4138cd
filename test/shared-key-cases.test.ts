/**
 * The proof that the ESLint rules and the analyzer agree: the key-case table the analyzer runs
 * (test/resolver.test.ts) runs here through real ESLint, with a recording rule built on the same
 * adapter every keydrift rule uses (rules/utils/redis-calls.ts).
 */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { formatTemplate } from '../src/keys/template.js';
import { redisCommandsAt } from '../rules/utils/redis-calls.js';
import { keyCases } from './cases/key-cases.js';
import { writeProject } from './support/temp-project.js';

function recorder(recorded: string[]): TSESLint.RuleModule<'never', []> {
  return {
    defaultOptions: [],
    meta: { type: 'problem', schema: [], messages: { never: 'never' } },
    create(context) {
      return {
        CallExpression(node) {
          for (const command of redisCommandsAt(context, node)) {
            if (command.passesKeyThrough) continue;
            const keys = command.site.keys.flatMap((k) => (k.templates.length === 0 ? ['null'] : k.templates.map(formatTemplate)));
            recorded.push(`${command.command.info.name} ${keys.join(' ')}`);
          }
        },
      };
    },
  };
}

async function templatesThroughEslint(files: Record<string, string>, typed: boolean): Promise<string[]> {
  const cwd = writeProject(files);
  const recorded: string[] = [];
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    cache: false,
    overrideConfig: [
      {
        files: ['**/*.ts', '**/*.js'],
        languageOptions: { parser: tsParser, parserOptions: typed ? { projectService: true, tsconfigRootDir: cwd } : {} },
        plugins: { record: { rules: { templates: recorder(recorded) } } as never },
        rules: { 'record/templates': 'error' },
      },
    ],
  });
  // One file at a time, in the analyzer's order (by path), so the lists line up.
  for (const file of Object.keys(files).sort()) await eslint.lintFiles([path.join(cwd, file)]);
  return recorded;
}

describe.each([
  { mode: 'untyped', typed: false },
  { mode: 'typed', typed: true },
])('rules give the analyzer’s templates ($mode)', ({ typed }) => {
  const cases = keyCases.filter((c) => !c.analyzerOnly && (typed || !c.typedOnly));
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, keyCase) => {
    expect(await templatesThroughEslint(keyCase.files, typed)).toEqual(keyCase.expected);
  });
});

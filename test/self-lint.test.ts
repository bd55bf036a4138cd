/**
 * The repository lints its own rules with its own eslint.config.js (typescript-eslint's parser,
 * eslint-plugin-eslint-plugin's recommended rules for rules/*.ts): zero errors, warnings allowed.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('self-lint', () => {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.js') });

  it('applies eslint-plugin-eslint-plugin and the typescript-eslint parser to rules/*.ts', async () => {
    const config = (await eslint.calculateConfigForFile(path.join(ROOT, 'rules', 'no-flush.ts'))) as {
      rules: Record<string, unknown>;
      languageOptions: { parser?: { meta?: { name?: string } } };
    };
    expect(Object.keys(config.rules)).toEqual(expect.arrayContaining(['eslint-plugin/require-meta-type', 'eslint-plugin/require-meta-schema', 'eslint-plugin/require-meta-docs-description']));
    expect(config.languageOptions.parser?.meta?.name).toBe('typescript-eslint/parser');
  });

  it('reports no errors in rules/', async () => {
    const results = await eslint.lintFiles(['rules/']);
    expect(results.length).toBeGreaterThan(0);
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.severity === 2 || m.fatal).map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}:${m.column} ${m.message} (${m.ruleId ?? 'fatal'})`),
    );
    expect(errors).toEqual([]);
  });
});

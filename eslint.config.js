// The repository's own lint config: `npm run lint` (eslint .), and test/self-lint.test.ts.
//
// - rules/ and src/: TypeScript through typescript-eslint's parser, without type information
//   (fast, and no tsconfig project service to keep in step), with typescript-eslint's
//   non-type-checked recommended rules.
// - rules/*.ts: eslint-plugin-eslint-plugin's recommended config plus the meta checks that keep
//   the generated docs (eslint-doc-generator) honest: description format, schema, type.
import { defineConfig, globalIgnores } from 'eslint/config';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'fixtures/', '**/fixtures/', 'test/.out/', 'bench/.out/'], 'keydrift/ignores'),
  {
    name: 'keydrift/typescript',
    files: ['rules/**/*.ts', 'src/**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 'latest',
      sourceType: 'module',
    },
    rules: {
      // `const { cwd: _cwd, ...rest } = options` drops keys on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A `let` read by a closure before its one assignment cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    name: 'keydrift/rule-modules',
    files: ['rules/*.ts'],
    extends: [eslintPlugin.configs.recommended],
    rules: {
      // eslint-doc-generator builds the README table and each page's header from these.
      'eslint-plugin/require-meta-docs-description': ['error', { pattern: '^(Require|Disallow|Enforce) ' }],
      // No require-meta-docs-url: the url is added by ESLintUtils.RuleCreator (rules/utils/create-rule.ts),
      // which this rule cannot see; test/docs.test.ts checks every url instead.
      'eslint-plugin/require-meta-schema': 'error',
      'eslint-plugin/require-meta-type': 'error',
    },
  },
);

/**
 * eslint-plugin-keydrift: the per-file rules and their flat-config presets.
 *
 *   import keydrift from 'eslint-plugin-keydrift';
 *   export default [keydrift.configs.recommended];
 */
import type { TSESLint } from '@typescript-eslint/utils';
import { VERSION } from '../src/version.js';
import invalidateAfterWrite from './invalidate-after-write.js';
import noFloatingInvalidation from './no-floating-invalidation.js';
import noFlush from './no-flush.js';
import noInlineKeys from './no-inline-keys.js';
import noKeysCommand from './no-keys-command.js';
import noUnknownKeys from './no-unknown-keys.js';
import requireInvalidation from './require-invalidation.js';
import requireTtl from './require-ttl.js';

const rules = {
  'invalidate-after-write': invalidateAfterWrite,
  'no-floating-invalidation': noFloatingInvalidation,
  'no-flush': noFlush,
  'no-inline-keys': noInlineKeys,
  'no-keys-command': noKeysCommand,
  'no-unknown-keys': noUnknownKeys,
  'require-invalidation': requireInvalidation,
  'require-ttl': requireTtl,
} satisfies Record<string, TSESLint.RuleModule<string, readonly unknown[]>>;

type RuleName = keyof typeof rules;
type RuleLevels = Partial<Record<`keydrift/${RuleName}`, TSESLint.SharedConfig.RuleEntry>>;

const recommendedRules: RuleLevels = {
  'keydrift/invalidate-after-write': 'warn',
  'keydrift/no-floating-invalidation': 'error',
  'keydrift/no-flush': 'error',
  'keydrift/no-keys-command': 'error',
  'keydrift/require-ttl': 'warn',
};

const strictRules: RuleLevels = {
  ...recommendedRules,
  'keydrift/invalidate-after-write': 'error',
  'keydrift/require-invalidation': 'error',
  'keydrift/require-ttl': 'error',
  'keydrift/no-inline-keys': 'error',
  'keydrift/no-unknown-keys': 'error',
};

const plugin = {
  meta: { name: 'eslint-plugin-keydrift', version: VERSION },
  rules,
  configs: {} as Record<'recommended' | 'strict' | 'recommended-type-checked' | 'strict-type-checked', TSESLint.FlatConfig.Config>,
};

const preset = (name: string, levels: RuleLevels, typeChecked: boolean): TSESLint.FlatConfig.Config => ({
  name: `keydrift/${name}`,
  plugins: { keydrift: plugin as unknown as TSESLint.FlatConfig.Plugin },
  ...(typeChecked && { languageOptions: { parserOptions: { projectService: true } } }),
  rules: levels,
});

// Type-checked presets turn on typescript-eslint's project service: with types, a user's own
// `cache.set` or a Map#get is told apart from Redis, and imported key builders resolve.
plugin.configs.recommended = preset('recommended', recommendedRules, false);
plugin.configs.strict = preset('strict', strictRules, false);
plugin.configs['recommended-type-checked'] = preset('recommended-type-checked', recommendedRules, true);
plugin.configs['strict-type-checked'] = preset('strict-type-checked', strictRules, true);

export default plugin;

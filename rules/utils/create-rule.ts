import { ESLintUtils } from '@typescript-eslint/utils';
import type { RuleWithMetaAndName } from '@typescript-eslint/utils/eslint-utils';
import { DOCS_BASE } from '../../src/findings-meta.js';

export interface KeydriftDocs {
  /** The preset that turns the rule on first. */
  recommended?: 'recommended' | 'strict';
  /** The rule gains from type information (it works without). */
  requiresTypeChecking?: boolean;
}

const withDocs = ESLintUtils.RuleCreator<KeydriftDocs>((name) => `${DOCS_BASE}/docs/rules/${name}.md`);

/**
 * Builds every rule with its docs URL, one doc page per rule. typescript-eslint's creator merges
 * the default options afresh (a structuredClone) on every create, that is for every rule in every
 * linted file; here the merge is kept per configured options object, which ESLint passes
 * unchanged to each file the configuration covers. Rules only read their options.
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string>(spec: Readonly<RuleWithMetaAndName<Options, MessageIds, KeydriftDocs>>) {
  const rule = withDocs(spec);
  const defaults = (spec.meta.defaultOptions ?? spec.defaultOptions ?? []) as Readonly<Options>;
  const withDefaults = cachedDefaults(defaults);
  return { ...rule, create: (context: Parameters<typeof rule.create>[0]) => spec.create(context, withDefaults(context.options)) };
}

function cachedDefaults<Options extends readonly unknown[]>(defaults: Readonly<Options>): (options: Readonly<Options>) => Readonly<Options> {
  let none: Readonly<Options> | undefined;
  const byFirst = new WeakMap<object, Readonly<Options>>();
  return (options) => {
    if (options.length === 0) return (none ??= ESLintUtils.applyDefault(defaults, options));
    const first = options[0];
    // ESLint hands each file a new array of the same option objects: key on the object.
    if (options.length !== 1 || typeof first !== 'object' || first === null) return ESLintUtils.applyDefault(defaults, options);
    let merged = byFirst.get(first);
    if (!merged) byFirst.set(first, (merged = ESLintUtils.applyDefault(defaults, options)));
    return merged;
  };
}

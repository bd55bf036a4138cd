import { ESLintUtils } from '@typescript-eslint/utils';
import { DOCS_BASE } from '../../src/findings-meta.js';

export interface KeydriftDocs {
  /** The preset that turns the rule on first. */
  recommended?: 'recommended' | 'strict';
  /** The rule gains from type information (it works without). */
  requiresTypeChecking?: boolean;
}

/** Builds every rule with its docs URL, one doc page per rule. */
export const createRule = ESLintUtils.RuleCreator<KeydriftDocs>((name) => `${DOCS_BASE}/docs/rules/${name}.md`);

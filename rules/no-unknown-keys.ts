import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from '#typescript';
import { formatTemplate, templateShape, type Template } from '../src/keys/template.js';
import { classifyKey } from '../src/registry/load.js';
import type { DeprecatedTemplate } from '../src/registry/types.js';
import { builderCall, builderFor, builderNameFree, buildersOfConfig, importFix } from './utils/builders.js';
import { createRule } from './utils/create-rule.js';
import { holeTexts, inlineSource, templateLiteral } from './utils/key-expressions.js';
import { isSynthesized, rangeOf, redisCommandsAt } from './utils/redis-calls.js';
import { builderConfig, registryFor } from './utils/settings.js';

type Options = [];
type MessageId = 'unknownKey' | 'deprecatedKey' | 'useReplacement' | 'useBuilder';

export default createRule<Options, MessageId>({
  name: 'no-unknown-keys',
  meta: {
    type: 'problem',
    docs: { description: 'Require every Redis key to match a family in the key registry, and no deprecated one', recommended: 'strict' },
    hasSuggestions: true,
    messages: {
      unknownKey: '`{{key}}` matches no family in the key registry; register it, or build it with a registered key builder.',
      deprecatedKey: '`{{key}}` uses the deprecated key format `{{deprecated}}`; the registry says to use `{{replacement}}` (invalidations of the old key miss the new one).',
      useReplacement: 'Use `{{text}}`.',
      useBuilder: 'Use the key builder: `{{text}}`.',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const registry = registryFor(context);
    if (!registry) return {};
    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node)) {
          const { info } = command.command;
          if (command.passesKeyThrough || info.access === 'scan' || info.channels) continue;
          command.site.keys.forEach((key, index) => {
            const expr = command.keyExprs[index];
            for (const template of key.templates) {
              const known = classifyKey(registry, template);
              if (known.kind === 'deprecated') {
                const deprecated = known.entry;
                context.report({
                  loc: locOf(context, expr),
                  messageId: 'deprecatedKey',
                  data: { key: formatTemplate(template), deprecated: deprecated.templateText, replacement: deprecated.replacementText },
                  suggest: expr ? replacementSuggestions(context, expr, template, deprecated) : [],
                });
              } else if (known.kind === 'unknown') {
                context.report({ loc: locOf(context, expr), messageId: 'unknownKey', data: { key: formatTemplate(template) } });
              }
            }
          });
        }
      },
    };
  },
});

type Context = Parameters<typeof registryFor>[0];

function locOf(context: Context, expr: ts.Expression | undefined): TSESTree.SourceLocation {
  const sourceCode = context.sourceCode;
  const [start, end] = expr ? rangeOf(expr) : [0, 0];
  return { start: sourceCode.getLocFromIndex(start), end: sourceCode.getLocFromIndex(end) };
}

/** The replacement key as a builder call when one builds it, else as a rewritten template literal. */
function replacementSuggestions(
  context: Context,
  keyExpr: ts.Expression,
  template: Template,
  deprecated: DeprecatedTemplate,
): TSESLint.SuggestionReportDescriptor<MessageId>[] {
  const source = inlineSource(keyExpr);
  // An `mset({ 'k': v })` property name cannot take a call or template literal in its place.
  if (!source || isSynthesized(source) || templateShape(template) !== templateShape(deprecated.template)) return [];
  const texts = holeTexts(source, template);
  if (!texts) return [];
  const replacementTexts = mapHoles(deprecated, texts);
  if (!replacementTexts) return [];
  const range = rangeOf(source);
  const program = context.sourceCode.ast as TSESTree.Program;
  const builder = builderFor(buildersOfConfig(builderConfig(context, undefined), true), deprecated.replacement);
  const callText = builder && builderCall(builder, deprecated.replacement, replacementTexts);
  if (builder && callText && builderNameFree(context.sourceCode, range[0], builder, context.filename)) {
    return [{ messageId: 'useBuilder', data: { text: callText }, fix: (fixer) => [fixer.replaceTextRange(range, callText), importFix(fixer, program, builder, context.filename)].filter((f): f is TSESLint.RuleFix => !!f) }];
  }
  const literal = templateLiteral(deprecated.replacement, replacementTexts);
  return [{ messageId: 'useReplacement', data: { text: literal }, fix: (fixer) => fixer.replaceTextRange(range, literal) }];
}

/** The code's hole texts (in the deprecated template's order) placed into the replacement's holes. */
function mapHoles(deprecated: DeprecatedTemplate, texts: string[]): string[] | undefined {
  const oldHoles = deprecated.template.segments.flatMap((s) => (s.kind === 'hole' ? [s.name] : []));
  const newHoles = deprecated.replacement.segments.flatMap((s) => (s.kind === 'hole' ? [s.name] : []));
  const out: string[] = [];
  for (const [i, name] of newHoles.entries()) {
    const byName = oldHoles.indexOf(name);
    const at = byName >= 0 ? byName : oldHoles.length === newHoles.length ? i : -1;
    if (at < 0 || texts[at] === undefined) return undefined;
    out.push(texts[at]);
  }
  return out;
}

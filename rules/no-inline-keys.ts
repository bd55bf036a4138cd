import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from 'typescript';
import { formatTemplate, parseTemplate, type Template } from '../src/keys/template.js';
import { unify } from '../src/keys/unify.js';
import { matchFamily } from '../src/registry/load.js';
import { builderCall, builderFor, builderNameFree, buildersIn, importFix } from './utils/builders.js';
import { createRule } from './utils/create-rule.js';
import { holeTexts, inlineSource } from './utils/key-expressions.js';
import { isSynthesized, rangeOf, redisCommandsAt } from './utils/redis-calls.js';
import { builderModules, registryFor } from './utils/settings.js';

type Options = [{ builders?: string[]; allowedPatterns?: string[] }];
type MessageId = 'inlineKey' | 'inlineKeyVariable' | 'useBuilder';

export default createRule<Options, MessageId>({
  name: 'no-inline-keys',
  meta: {
    type: 'suggestion',
    docs: { description: 'Require Redis keys to come from key builders, not strings written at the call site', recommended: 'strict' },
    hasSuggestions: true,
    messages: {
      inlineKey: 'Key `{{key}}` is written inline; build it with a key builder so reads and invalidations cannot drift apart.',
      inlineKeyVariable: 'Key `{{key}}` comes from a string built in this function; build it with a key builder so reads and invalidations cannot drift apart.',
      useBuilder: 'Use the key builder: `{{text}}`.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          builders: {
            type: 'array',
            items: { type: 'string' },
            description: 'Key-builder modules, relative to the working directory (default: settings.keydrift.builders, else the registry\'s "builders").',
          },
          allowedPatterns: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Key templates that may be written inline, e.g. ["lock:{name}"].',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowedPatterns: [] }],
  },
  create(context, [options]) {
    const allowed = (options.allowedPatterns ?? []).flatMap((text): Template[] => {
      try {
        return [parseTemplate(text)];
      } catch {
        return [];
      }
    });
    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node)) {
          const { info } = command.command;
          if (info.access === 'scan' || info.channels || info.danger) continue;
          command.keyExprs.forEach((expr, index) => {
            const source = inlineSource(expr);
            // Syntax first; resolving the keys (and spotting a wrapper's pass-through) costs more.
            if (!source || command.passesKeyThrough) return;
            const templates = command.site.keys[index]?.templates ?? [];
            if (templates.some((t) => allowed.some((pattern) => unify(t, pattern)))) return;
            const template = templates[0];
            const [start, end] = rangeOf(expr);
            const key = template ? formatTemplate(template) : context.sourceCode.text.slice(...rangeOf(source));
            context.report({
              loc: { start: context.sourceCode.getLocFromIndex(start), end: context.sourceCode.getLocFromIndex(end) },
              messageId: source === expr || rangeOf(source)[0] === start ? 'inlineKey' : 'inlineKeyVariable',
              data: { key },
              // An `mset({ 'k': v })` property name cannot take a call in its place.
              suggest: template && templates.length === 1 && !isSynthesized(source) ? builderSuggestion(context, source, template, options.builders) : [],
            });
          });
        }
      },
    };
  },
});

/** When the key is a registered family that a builder builds: replace it with the builder call. */
function builderSuggestion(
  context: Parameters<typeof registryFor>[0],
  source: ts.Expression,
  template: Template,
  builderOption: string[] | undefined,
): TSESLint.SuggestionReportDescriptor<MessageId>[] {
  const registry = registryFor(context);
  if (!registry || !matchFamily(registry, template)) return [];
  const builder = builderFor(buildersIn(builderModules(context, builderOption)), template);
  const texts = holeTexts(source, template);
  const text = builder && texts && builderCall(builder, template, texts);
  const range = rangeOf(source);
  if (!builder || !text || !builderNameFree(context.sourceCode, range[0], builder, context.filename)) return [];
  const program = context.sourceCode.ast as TSESTree.Program;
  return [
    {
      messageId: 'useBuilder',
      data: { text },
      fix: (fixer) => [fixer.replaceTextRange(range, text), importFix(fixer, program, builder, context.filename)].filter((f): f is TSESLint.RuleFix => !!f),
    },
  ];
}

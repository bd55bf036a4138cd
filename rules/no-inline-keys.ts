import type { JSONSchema, TSESLint, TSESTree } from '@typescript-eslint/utils';
import type ts from '#typescript';
import { formatTemplate, parseTemplate, type Template } from '../src/keys/template.js';
import { unify } from '../src/keys/unify.js';
import { matchFamily } from '../src/registry/load.js';
import { builderCall, builderFor, builderNameFree, buildersOfConfig, calledKeySource, importFix, isBuilderCall } from './utils/builders.js';
import { createRule } from './utils/create-rule.js';
import { holeTexts, inlineSource } from './utils/key-expressions.js';
import { isSynthesized, rangeOf, redisCommandsAt, typeScriptFile } from './utils/redis-calls.js';
import { builderConfig, registryFor, type BuilderConfig, type BuilderEntry } from './utils/settings.js';

type Options = [{ builders?: BuilderEntry[]; allowedPatterns?: string[] }];
type MessageId = 'inlineKey' | 'inlineKeyVariable' | 'notBuilder' | 'useBuilder';

/**
 * The `name` of typescript-eslint's TypeOrValueSpecifier schema (`typeOrValueSpecifiersSchema`),
 * written out: importing @typescript-eslint/type-utils for it cost every lint run ~40 ms.
 * test/rules/no-inline-keys-builders.test.ts checks it still equals typescript-eslint's.
 */
const specifierNameSchema: JSONSchema.JSONSchema4 = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }],
};

/**
 * A builder function entry: typescript-eslint's `file` and `package` TypeOrValueSpecifier shapes
 * (a builder is never in `lib`), as one object so that eslint-doc-generator lists each property
 * once. The two shapes are told apart in `oneOf` with `patternProperties`, which the generator
 * does not list as options.
 */
const builderFunctionSchema: JSONSchema.JSONSchema4 = {
  type: 'object',
  properties: {
    from: { type: 'string', enum: ['file', 'package'], description: 'Builder entry: where the builder function is declared: a project file, or a package.' },
    name: {
      ...specifierNameSchema,
      description: 'Builder entry: the function name(s); a class or object name covers all its members, `Class.member` one of them.',
    },
    path: { type: 'string', description: 'Builder entry (`from: "file"`): the declaring file, relative to the working directory; without it, any project file.' },
    package: { type: 'string', description: 'Builder entry (`from: "package"`): the package the builder is imported from.' },
  },
  required: ['from', 'name'],
  additionalProperties: false,
  oneOf: [
    { type: 'object', patternProperties: { '^from$': { type: 'string', enum: ['file'] } }, not: { type: 'object', required: ['package'] } },
    { type: 'object', patternProperties: { '^from$': { type: 'string', enum: ['package'] } }, required: ['package'], not: { type: 'object', required: ['path'] } },
  ],
};

export default createRule<Options, MessageId>({
  name: 'no-inline-keys',
  meta: {
    type: 'suggestion',
    docs: { description: 'Require Redis keys to come from key builders, not strings written at the call site', recommended: 'strict' },
    hasSuggestions: true,
    messages: {
      inlineKey: 'Key `{{key}}` is written inline; build it with a key builder so reads and invalidations cannot drift apart.',
      inlineKeyVariable: 'Key `{{key}}` comes from a string built in this function; build it with a key builder so reads and invalidations cannot drift apart.',
      notBuilder: 'Key `{{key}}` comes from `{{callee}}`, which is not one of the configured key builders; build it with a key builder so reads and invalidations cannot drift apart.',
      useBuilder: 'Use the key builder: `{{text}}`.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          builders: {
            type: 'array',
            items: { type: ['string', 'object'], oneOf: [{ type: 'string' }, builderFunctionSchema] },
            description:
              'Key builders: module paths relative to the working directory, and builder functions (the `from`, `name`, `path`, `package` objects below); once a function is named, a key from any other call must come from a builder. Default: settings.keydrift.builders, else the registry\'s "builders".',
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
    // Read on the first Redis call only: most files have none.
    let builders: BuilderConfig | undefined;
    const isAllowed = (templates: Template[]) => templates.some((t) => allowed.some((pattern) => unify(t, pattern)));
    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node)) {
          const { info } = command.command;
          if (info.access === 'scan' || info.channels || info.danger) continue;
          command.keyExprs.forEach((expr, index) => {
            const source = inlineSource(expr);
            if (!source) {
              builders ??= builderConfig(context, options.builders);
              if (builders.functions.length > 0) checkBuilderCall(expr, index, builders);
              return;
            }
            // Syntax first; resolving the keys (and spotting a wrapper's pass-through) costs more.
            if (command.passesKeyThrough) return;
            const templates = command.site.keys[index]?.templates ?? [];
            if (isAllowed(templates)) return;
            const template = templates[0];
            const [start, end] = rangeOf(expr);
            const key = template ? formatTemplate(template) : context.sourceCode.text.slice(...rangeOf(source));
            context.report({
              loc: { start: context.sourceCode.getLocFromIndex(start), end: context.sourceCode.getLocFromIndex(end) },
              messageId: source === expr || rangeOf(source)[0] === start ? 'inlineKey' : 'inlineKeyVariable',
              data: { key },
              // An `mset({ 'k': v })` property name cannot take a call in its place.
              suggest: template && templates.length === 1 && !isSynthesized(source) ? builderSuggestion(context, source, template, (builders ??= builderConfig(context, options.builders))) : [],
            });
          });

          /** With builder functions configured, a key from a call must come from one of them. */
          function checkBuilderCall(expr: ts.Expression, index: number, config: BuilderConfig): void {
            const call = calledKeySource(expr);
            const file = call && typeScriptFile(context);
            if (!call || !file || isSynthesized(call) || isBuilderCall(call, config, file.ctx.graph)) return;
            if (command.passesKeyThrough) return;
            const templates = command.site.keys[index]?.templates ?? [];
            if (isAllowed(templates)) return;
            const [start, end] = rangeOf(call);
            context.report({
              loc: { start: context.sourceCode.getLocFromIndex(start), end: context.sourceCode.getLocFromIndex(end) },
              messageId: 'notBuilder',
              data: { key: templates.length === 1 ? formatTemplate(templates[0]) : context.sourceCode.text.slice(start, end), callee: calleeText(call) },
            });
          }
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
  config: BuilderConfig,
): TSESLint.SuggestionReportDescriptor<MessageId>[] {
  const registry = registryFor(context);
  if (!registry || !matchFamily(registry, template)) return [];
  const builder = builderFor(buildersOfConfig(config), template);
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

/** `productKey`, `CacheKeys.cart`, `productKey(id).toLowerCase`: the called expression as written. */
function calleeText(call: ts.CallExpression): string {
  const text = call.expression.getText();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

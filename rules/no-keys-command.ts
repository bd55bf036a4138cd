import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { createRule } from './utils/create-rule.js';
import { redisCommandsAt } from './utils/redis-calls.js';

type Options = [];
type MessageId = 'keysCommand' | 'useScanStream' | 'useScanIterator';

export default createRule<Options, MessageId>({
  name: 'no-keys-command',
  meta: {
    type: 'problem',
    docs: { description: 'Disallow the Redis KEYS command, which blocks the server while it walks every key', recommended: 'recommended' },
    hasSuggestions: true,
    messages: {
      keysCommand: 'KEYS walks the whole keyspace and blocks Redis while it runs; iterate with SCAN instead.',
      useScanStream: 'Iterate with `scanStream({ match })` (returns a stream of key batches, not an array).',
      useScanIterator: 'Iterate with `scanIterator({ MATCH })` (an async iterator, not an array).',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node)) {
          if (command.command.info.danger !== 'keys') continue;
          context.report({ node, messageId: 'keysCommand', suggest: scanSuggestion(node, command.client.kind, context.sourceCode.getText.bind(context.sourceCode)) });
        }
      },
    };
  },
});

/** A SCAN-based replacement for the plain `client.keys(pattern)` form. */
function scanSuggestion(node: TSESTree.CallExpression, client: string, text: (node: TSESTree.Node) => string): TSESLint.SuggestionReportDescriptor<MessageId>[] {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || callee.property.name.toLowerCase() !== 'keys' || node.arguments.length !== 1) return [];
  const receiver = text(callee.object);
  const pattern = text(node.arguments[0]);
  if (client === 'ioredis') return [{ messageId: 'useScanStream', fix: (fixer) => fixer.replaceText(node, `${receiver}.scanStream({ match: ${pattern} })`) }];
  if (client === 'node-redis') return [{ messageId: 'useScanIterator', fix: (fixer) => fixer.replaceText(node, `${receiver}.scanIterator({ MATCH: ${pattern} })`) }];
  return [];
}

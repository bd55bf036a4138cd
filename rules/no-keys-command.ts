import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { ClientValue } from '../src/redis/clients.js';
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
        for (const command of redisCommandsAt(context, node, (info) => info.danger === 'keys')) {
          if (command.command.info.danger !== 'keys') continue;
          context.report({ node, messageId: 'keysCommand', suggest: scanSuggestion(node, command.client, (n) => parenthesizedText(context.sourceCode, n)) });
        }
      },
    };
  },
});

/** A node's text, with the parentheses it was written in: `(redis as Redis)` stays a receiver. */
function parenthesizedText(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  const text = sourceCode.getText(node);
  return ASTUtils.isParenthesized(node, sourceCode) ? `(${text})` : text;
}

/**
 * A SCAN-based replacement for `client.keys(pattern)`, `client.call('keys', pattern)` and
 * `client.sendCommand(['KEYS', pattern])`. None on a pipeline / multi: SCAN iterators live on
 * the client, not on a queued batch.
 */
function scanSuggestion(node: TSESTree.CallExpression, client: ClientValue, text: (node: TSESTree.Node) => string): TSESLint.SuggestionReportDescriptor<MessageId>[] {
  const callee = node.callee;
  if (client.pipeline || callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return [];
  const method = callee.property.name;
  let args: readonly (TSESTree.Node | null)[] = [];
  if (method.toLowerCase() === 'keys') args = [null, ...node.arguments];
  else if (method === 'sendCommand' && node.arguments[0]?.type === 'ArrayExpression') args = node.arguments[0].elements;
  else if (method === 'call' || method === 'send_command') args = node.arguments;
  const pattern = args.length === 2 ? args[1] : undefined;
  if (!pattern || pattern.type === 'SpreadElement') return [];
  const receiver = text(callee.object);
  const patternText = text(pattern);
  if (client.kind === 'ioredis') return [{ messageId: 'useScanStream', fix: (fixer) => fixer.replaceText(node, `${receiver}.scanStream({ match: ${patternText} })`) }];
  if (client.kind === 'node-redis') return [{ messageId: 'useScanIterator', fix: (fixer) => fixer.replaceText(node, `${receiver}.scanIterator({ MATCH: ${patternText} })`) }];
  return [];
}

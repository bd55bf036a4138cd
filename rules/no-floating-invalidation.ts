import type { TSESTree } from '@typescript-eslint/utils';
import { templateShape } from '../src/keys/template.js';
import { unify } from '../src/keys/unify.js';
import { createRule } from './utils/create-rule.js';
import { redisCommandsAt } from './utils/redis-calls.js';
import { registryFor } from './utils/settings.js';

type Options = [{ allowVoid?: boolean }];
type MessageId = 'floating' | 'voided' | 'unhandledThen';

export default createRule<Options, MessageId>({
  name: 'no-floating-invalidation',
  meta: {
    type: 'problem',
    docs: { description: 'Require cache invalidations (DEL, UNLINK, EXPIRE, invalidation PUBLISH) to be awaited or handled', recommended: 'recommended' },
    messages: {
      floating: '{{command}} is not awaited: if it fails, the stale value stays and nothing says so. Await it, return it, or handle its rejection.',
      voided: '`void` discards {{command}}: if it fails, the stale value stays and nothing says so. Await it or handle its rejection (or set allowVoid).',
      unhandledThen: '{{command}} is chained with `.then` but no rejection handler: a failed invalidation is lost. Add `.catch` or await it.',
    },
    schema: [
      {
        type: 'object',
        properties: { allowVoid: { type: 'boolean', description: 'Accept `void redis.del(k)` as a deliberate fire-and-forget.' } },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowVoid: false }],
  },
  create(context, [options]) {
    const report = (node: TSESTree.CallExpression, command: string) => {
      const problem = floatingProblem(node, options.allowVoid ?? false);
      if (problem) context.report({ node, messageId: problem, data: { command } });
    };
    return {
      CallExpression(node) {
        const queued = queuedInvalidation(node, context);
        if (queued) {
          report(node, `EXEC of a pipeline with ${queued}`);
          return;
        }
        for (const command of redisCommandsAt(context, node, (info) => info.access === 'delete' || info.access === 'expire' || info.channels === 'first')) {
          if (command.client.pipeline || !isInvalidation(command.command.info.access, command.command.info.name, command, context)) continue;
          // Callback style (`redis.del(k, cb)`) reports through the callback.
          const last = node.arguments[node.arguments.length - 1];
          if (last && (last.type === 'ArrowFunctionExpression' || last.type === 'FunctionExpression')) continue;
          report(node, command.command.info.name.toUpperCase());
          break;
        }
      },
    };
  },
});

/**
 * `redis.pipeline().del(k).exec()` / `client.multi().del(k).exec()`: the queued commands'
 * promise is the exec's. The first invalidation queued in the chain, or undefined.
 */
function queuedInvalidation(exec: TSESTree.CallExpression, context: Parameters<typeof redisCommandsAt>[0]): string | undefined {
  const callee = exec.callee;
  if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || callee.property.name !== 'exec' || exec.arguments.length > 0) return undefined;
  let found: string | undefined;
  for (let link: TSESTree.Node = callee.object; link.type === 'CallExpression'; ) {
    for (const command of redisCommandsAt(context, link, (info) => info.access === 'delete' || info.access === 'expire')) {
      if (command.client.pipeline) found = command.command.info.name.toUpperCase();
    }
    if (link.callee.type !== 'MemberExpression') break;
    link = link.callee.object;
  }
  return found;
}

function isInvalidation(access: string, name: string, command: ReturnType<typeof redisCommandsAt>[number], context: Parameters<typeof registryFor>[0]): boolean {
  if (access === 'delete' || access === 'expire') return true;
  if (name !== 'publish' && name !== 'spublish') return false;
  // With a registry, only its invalidation channels count; without one, every publish might be one.
  const registry = registryFor(context);
  if (!registry) return true;
  const channels = command.site.keys.flatMap((k) => k.templates);
  return registry.channels.some((c) => channels.some((t) => templateShape(t) === templateShape(c.template) || unify(t, c.template)));
}

/** Walks up from the call to whoever takes its promise; undefined when someone handles it. */
function floatingProblem(call: TSESTree.CallExpression, allowVoid: boolean): MessageId | undefined {
  let node: TSESTree.Node = call;
  let viaThen = false;
  for (;;) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (!parent) return undefined;
    switch (parent.type) {
      case 'ExpressionStatement':
        return viaThen ? 'unhandledThen' : 'floating';
      case 'UnaryExpression':
        if (parent.operator !== 'void') return undefined;
        return allowVoid ? undefined : 'voided';
      case 'ChainExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'SequenceExpression':
      case 'ConditionalExpression':
      case 'LogicalExpression':
        node = parent;
        continue;
      case 'MemberExpression': {
        const chained: TSESTree.Node | undefined = parent.parent;
        if (parent.object !== node || chained?.type !== 'CallExpression' || chained.callee !== parent || parent.property.type !== 'Identifier') return undefined;
        const method = parent.property.name;
        if (method === 'catch') return undefined;
        if (method === 'then') {
          if (chained.arguments.length >= 2) return undefined;
          viaThen = true;
        } else if (method !== 'finally') return undefined;
        node = chained;
        continue;
      }
      case 'ArrayExpression': {
        // Promise.all([...]) and friends: the combined promise is what must be handled.
        const combinator: TSESTree.Node | undefined = parent.parent;
        if (combinator?.type === 'CallExpression' && isPromiseCombinator(combinator) && combinator.arguments[0] === parent) {
          node = combinator;
          continue;
        }
        return undefined;
      }
      case 'ArrowFunctionExpression': {
        // `ids.forEach((id) => redis.del(k))`: forEach drops what its callback returns.
        const runner: TSESTree.Node | undefined = parent.parent;
        const dropped =
          parent.body === node &&
          runner?.type === 'CallExpression' &&
          runner.arguments.includes(parent) &&
          runner.callee.type === 'MemberExpression' &&
          runner.callee.property.type === 'Identifier' &&
          runner.callee.property.name === 'forEach';
        return dropped ? 'floating' : undefined;
      }
      default:
        // Awaited, returned, assigned, passed on: handled (or handed to someone who can).
        return undefined;
    }
  }
}

function isPromiseCombinator(call: TSESTree.CallExpression): boolean {
  const callee = call.callee;
  return (
    callee.type === 'MemberExpression' &&
    callee.object.type === 'Identifier' &&
    callee.object.name === 'Promise' &&
    callee.property.type === 'Identifier' &&
    ['all', 'allSettled', 'race', 'any'].includes(callee.property.name)
  );
}

import { createRule } from './utils/create-rule.js';
import { redisCommandsAt } from './utils/redis-calls.js';

type Options = [];
type MessageId = 'flush';

export default createRule<Options, MessageId>({
  name: 'no-flush',
  meta: {
    type: 'problem',
    docs: { description: 'Disallow FLUSHALL and FLUSHDB: invalidate the keys that changed, not the whole cache', recommended: 'recommended' },
    messages: {
      flush: '{{command}} empties the whole cache and sends every request to the database at once; delete the specific keys that changed.',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node, (info) => info.danger === 'flush')) {
          if (command.command.info.danger !== 'flush') continue;
          context.report({ node, messageId: 'flush', data: { command: command.command.info.name.toUpperCase() } });
        }
      },
    };
  },
});

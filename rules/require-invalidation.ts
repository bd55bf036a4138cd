import { checkRequireInvalidation } from '../src/analyze/write-checks.js';
import { createRule } from './utils/create-rule.js';
import { registryFor } from './utils/settings.js';
import { callAt, runCheck, writeCandidateVisitors, writePathsFor } from './utils/write-paths.js';

type Options = [{ entities?: Record<string, string[]>; invalidators?: string[] }];
type MessageId = 'noInvalidation';

export default createRule<Options, MessageId>({
  name: 'require-invalidation',
  meta: {
    type: 'problem',
    docs: { description: 'Require every function that writes a cached table or model to invalidate its cache key families', recommended: 'strict' },
    messages: {
      // The analyzer's message, word for word (it names the function, the entity and the stale
      // families), so the editor and `keydrift analyze` say the same thing.
      noInvalidation: '{{message}}. Delete, expire or overwrite the key after the write, or publish on an invalidation channel.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          entities: {
            type: 'object',
            description: 'Entity (table or model) → key templates of its cached families, pinned like the registry’s `invalidatedBy`.',
            additionalProperties: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          },
          invalidators: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Functions whose call invalidates every family, e.g. ["invalidateCache"].',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ invalidators: [] }],
  },
  create(context, [options]) {
    return {
      ...writeCandidateVisitors(context),
      'Program:exit'() {
        const paths = writePathsFor(context, registryFor(context), options);
        if (!paths) return;
        // A rule cannot see callers in other files: every function that writes is a write path (a
        // transaction or `map` callback's writes are the function's that runs it).
        const findings = runCheck(paths, 'require-invalidation', (model, add) => checkRequireInvalidation(model, add, { everyWriter: true, callbacks: paths.callbacks }));
        for (const finding of findings) {
          const node = callAt(context.sourceCode, finding.index);
          const data = { message: finding.message };
          if (node) context.report({ node, messageId: 'noInvalidation', data });
          else context.report({ loc: context.sourceCode.getLocFromIndex(finding.index), messageId: 'noInvalidation', data });
        }
      },
    };
  },
});

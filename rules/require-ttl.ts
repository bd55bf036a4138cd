import type { TSESTree } from '@typescript-eslint/utils';
import { foldFollowingExpiry, nodeIds, toCheckSite } from '../src/analyze/analyze.js';
import { templateInterner } from '../src/keys/detached.js';
import type { CheckSite } from '../src/analyze/site.js';
import { formatTemplate, parseTemplate, type Template } from '../src/keys/template.js';
import { unify } from '../src/keys/unify.js';
import { matchFamily } from '../src/registry/load.js';
import { createRule } from './utils/create-rule.js';
import { redisCommandsAt } from './utils/redis-calls.js';
import { registryFor } from './utils/settings.js';

type Options = [{ maxSeconds?: number; ignoreCommands?: string[]; ignoreKeys?: string[] }];
type MessageId = 'missingTtl' | 'ttlTooLong';

export default createRule<Options, MessageId>({
  name: 'require-ttl',
  meta: {
    type: 'problem',
    docs: { description: 'Require every cache write to set an expiry, so a missed invalidation cannot live forever', recommended: 'recommended' },
    messages: {
      missingTtl: '{{command}} of `{{key}}` sets no expiry: if an invalidation is ever missed, the stale value lives forever. Pass EX / setex, or expire it in the same function.',
      ttlTooLong: 'TTL {{seconds}} s for `{{key}}` is longer than the allowed {{max}} s{{source}}.',
    },
    schema: [
      {
        type: 'object',
        properties: {
          maxSeconds: { type: 'integer', minimum: 1, description: 'Longest TTL allowed, in seconds (the registry family maximum applies too).' },
          ignoreCommands: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Commands whose writes may live forever, e.g. ["incr"] for counters.' },
          ignoreKeys: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Key templates meant to live forever, e.g. ["config:{name}"].' },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ ignoreCommands: [], ignoreKeys: [] }],
  },
  create(context, [options]) {
    const ignoredCommands = new Set((options.ignoreCommands ?? []).map((c) => c.toLowerCase()));
    const ignoredKeys = (options.ignoreKeys ?? []).flatMap((text): Template[] => {
      try {
        return [parseTemplate(text)];
      } catch {
        return [];
      }
    });
    const writes: { node: TSESTree.CallExpression; site: CheckSite }[] = [];
    const sites: CheckSite[] = [];
    const relative = () => context.filename;
    const ids = nodeIds(relative);
    const intern = templateInterner();

    return {
      CallExpression(node) {
        for (const command of redisCommandsAt(context, node, (info) => info.createsValue || info.setsExpiry)) {
          const { info } = command.command;
          if (!info.createsValue && !info.setsExpiry) continue;
          const site = toCheckSite(command.site, relative, ids, intern);
          sites.push(site);
          if (info.createsValue) writes.push({ node, site });
        }
      },
      'Program:exit'() {
        if (writes.length === 0) return;
        // `hset` then `expire` of the same key in the same function or pipeline is a TTL too.
        foldFollowingExpiry(sites);
        const registry = registryFor(context);
        for (const { node, site } of writes) {
          if (ignoredCommands.has(site.info.name)) continue;
          const templates = site.keys.flatMap((k) => k.templates);
          if (templates.some((t) => ignoredKeys.some((ignored) => unify(t, ignored)))) continue;
          const family = registry && templates.length > 0 ? matchFamily(registry, templates[0]) : undefined;
          if (family?.ttl?.none) continue;
          const key = templates.length > 0 ? formatTemplate(templates[0]) : (site.keys[0]?.source ?? '?');
          if (site.ttl === null) {
            context.report({ node, messageId: 'missingTtl', data: { command: site.info.name.toUpperCase(), key } });
            continue;
          }
          if (!('seconds' in site.ttl)) continue;
          const limits = [
            { max: options.maxSeconds, source: '' },
            { max: family?.ttl?.max, source: ` by the registry family '${family?.name}'` },
          ];
          const broken = limits.find((l) => l.max !== undefined && site.ttl !== null && 'seconds' in site.ttl && site.ttl.seconds > l.max);
          if (broken) context.report({ node, messageId: 'ttlTooLong', data: { seconds: site.ttl.seconds, key, max: broken.max, source: broken.source } });
        }
      },
    };
  },
});

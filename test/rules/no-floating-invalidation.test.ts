import rule from '../../rules/no-floating-invalidation.js';
import { code, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE, shopSettings, typedRuleTester } from './rule-tester.js';

// body[i] is on line 4 + i; a statement written `redis.del(…)` starts at column 3.
const ioredis = (...body: string[]) =>
  code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export async function invalidate(id: string, ids: string[], cond: boolean) {', ...body.map((l) => `  ${l}`), '}');
const nodeRedis = (...body: string[]) =>
  code("import { createClient } from 'redis';", 'const client = createClient();', 'export async function invalidate(id: string, ids: string[], cond: boolean) {', ...body.map((l) => `  ${l}`), '}');
const upstash = (...body: string[]) =>
  code("import { Redis } from '@upstash/redis';", 'const redis = Redis.fromEnv();', 'export async function invalidate(id: string) {', ...body.map((l) => `  ${l}`), '}');

const floating = (line: number, command: string, column = 3) => ({ messageId: 'floating' as const, line, column, data: { command } });
const voided = (line: number, command: string, column = 8) => ({ messageId: 'voided' as const, line, column, data: { command } });
const unhandledThen = (line: number, command: string, column = 3) => ({ messageId: 'unhandledThen' as const, line, column, data: { command } });

ruleTester.run('no-floating-invalidation', rule, {
  valid: [
    // ioredis: handled in every accepted way.
    { name: 'ioredis: awaited del', code: ioredis('await redis.del(`product:${id}`);') },
    { name: 'ioredis: awaited unlink', code: ioredis('await redis.unlink(`product:${id}`);') },
    { name: 'ioredis: awaited expire', code: ioredis('await redis.expire(`product:${id}`, 0);') },
    { name: 'ioredis: awaited publish', code: ioredis("await redis.publish('cache:invalidate', id);") },
    { name: 'ioredis: returned', code: ioredis('return redis.del(`product:${id}`);') },
    { name: 'ioredis: arrow expression body returns it', code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export const invalidate = (id: string) => redis.del(`product:${id}`);') },
    { name: 'ioredis: .catch', code: ioredis('redis.del(`product:${id}`).catch((err) => console.error(err));') },
    { name: 'ioredis: .then with a rejection handler', code: ioredis('redis.del(`product:${id}`).then(() => undefined, (err) => console.error(err));') },
    { name: 'ioredis: .then().catch()', code: ioredis('redis.del(`product:${id}`).then(() => undefined).catch(console.error);') },
    { name: 'ioredis: .finally().catch()', code: ioredis('redis.del(`product:${id}`).finally(() => undefined).catch(console.error);') },
    { name: 'ioredis: awaited Promise.all', code: ioredis('await Promise.all([redis.del(`product:${id}`), redis.unlink(`list:${id}`)]);') },
    { name: 'ioredis: returned Promise.all', code: ioredis('return Promise.all([redis.del(`product:${id}`), redis.expire(`list:${id}`, 0)]);') },
    { name: 'ioredis: awaited Promise.allSettled', code: ioredis('await Promise.allSettled([redis.del(`product:${id}`)]);') },
    { name: 'ioredis: Promise.all over a map', code: ioredis('await Promise.all(ids.map((x) => redis.del(`product:${x}`)));') },
    { name: 'ioredis: assigned to a variable', code: ioredis('const pending = redis.del(`product:${id}`);', 'await pending;') },
    { name: 'ioredis: passed to a function', code: ioredis('track(redis.del(`product:${id}`));') },
    { name: 'ioredis: callback style', code: ioredis('redis.del(`product:${id}`, (err) => { if (err) console.error(err); });') },
    { name: 'ioredis: callback style with a function expression', code: ioredis('redis.unlink(`product:${id}`, function (err) { console.error(err); });') },
    { name: 'ioredis: map over the arrow body is awaited by Promise.all', code: ioredis('await Promise.all(ids.map((x) => redis.del(`product:${x}`)));') },
    { name: 'ioredis: a pipeline of reads dropped is not an invalidation', code: ioredis('redis.pipeline().get(`product:${id}`).exec();') },
    { name: 'node-redis: awaited multi exec', code: nodeRedis('await client.multi().del(`product:${id}`).exec();') },
    { name: 'ioredis: queued on a pipeline', code: ioredis('await redis.pipeline().del(`product:${id}`).unlink(`list:${id}`).exec();') },
    { name: 'ioredis: queued on a multi variable', code: ioredis('const tx = redis.multi();', 'tx.del(`product:${id}`);', 'tx.expire(`list:${id}`, 0);', 'await tx.exec();') },
    { name: 'ioredis: reads are not invalidations', code: ioredis('redis.get(`product:${id}`);') },
    { name: 'ioredis: writes are not invalidations', code: ioredis("redis.set(`product:${id}`, 'v');") },
    { name: "ioredis: awaited call('del')", code: ioredis("await redis.call('del', `product:${id}`);") },
    { name: 'ioredis: awaited optional chaining', code: ioredis('await redis?.del(`product:${id}`);') },
    { name: 'ioredis: as-cast then awaited', code: ioredis('await (redis.del(`product:${id}`) as Promise<number>);') },

    // node-redis
    { name: 'node-redis: awaited del', code: nodeRedis('await client.del(`product:${id}`);') },
    { name: 'node-redis: awaited pExpire', code: nodeRedis('await client.pExpire(`product:${id}`, 0);') },
    { name: 'node-redis: returned unlink', code: nodeRedis('return client.unlink(`product:${id}`);') },
    { name: 'node-redis: .catch', code: nodeRedis('client.del(`product:${id}`).catch(console.error);') },
    { name: 'node-redis: awaited Promise.all', code: nodeRedis('await Promise.all([client.del(`a:${id}`), client.expireAt(`b:${id}`, 0)]);') },
    { name: 'node-redis: queued on multi', code: nodeRedis('await client.multi().del(`product:${id}`).exec();') },
    { name: "node-redis: awaited sendCommand(['DEL', k])", code: nodeRedis("await client.sendCommand(['DEL', `product:${id}`]);") },
    { name: 'node-redis: awaited publish', code: nodeRedis("await client.publish('cache:invalidate', id);") },
    { name: 'node-redis: reads and writes are not invalidations', code: nodeRedis('client.get(`product:${id}`);', "client.set(`product:${id}`, 'v');") },

    // upstash
    { name: 'upstash: awaited del', code: upstash('await redis.del(`product:${id}`);') },

    // allowVoid
    { name: 'allowVoid: ioredis void del', code: ioredis('void redis.del(`product:${id}`);'), options: [{ allowVoid: true }] },
    { name: 'allowVoid: node-redis void unlink', code: nodeRedis('void client.unlink(`product:${id}`);'), options: [{ allowVoid: true }] },

    // Registry: only its invalidation channels count.
    {
      name: 'registry: a publish on a non-invalidation channel',
      code: code("import { redis } from './redis.js';", 'export function notify(msg: string) {', "  redis.publish('chat:general', msg);", '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
    },

    // Multi-file
    { name: 'imported client, awaited', code: code("import { redis } from './redis.js';", 'export async function f(id: string) {', '  await redis.del(`product:${id}`);', '}'), filename: SHOP_FILE },

    // Not Redis, or code the rule must survive.
    { name: 'Map#delete is not Redis', code: code('const cache = new Map<string, string>();', "cache.delete('product:1');") },
    { name: "a user's own object with del()", code: code('const store = { del(k: string) { return Promise.resolve(k); } };', "store.del('product:1');") },
    { name: 'computed member is not followed', code: ioredis("redis['del'](`product:${id}`);") },
    { name: 'spread keys, awaited', code: ioredis('await redis.del(...ids);') },
    { name: 'call() with no arguments', code: ioredis('redis.call();') },
    { name: 'sendCommand([])', code: nodeRedis('client.sendCommand([]);') },
    { name: 'del.call(redis, k) is not followed', code: ioredis('await redis.del.call(redis, `product:${id}`);') },
  ],
  invalid: [
    // Dropped by forEach, and a pipeline's exec dropped with its queued invalidations.
    { name: 'ioredis: forEach drops the arrow body', code: ioredis('ids.forEach((x) => redis.del(`product:${x}`));'), errors: [floating(4, 'DEL', 22)] },
    { name: 'node-redis: forEach drops the arrow body', code: nodeRedis('ids.forEach((x) => client.unlink(`product:${x}`));'), errors: [floating(4, 'UNLINK', 22)] },
    { name: 'ioredis: pipeline exec dropped', code: ioredis('redis.pipeline().del(`product:${id}`).exec();'), errors: [floating(4, 'EXEC of a pipeline with DEL')] },
    { name: 'node-redis: multi exec dropped', code: nodeRedis('client.multi().del(`product:${id}`).exec();'), errors: [floating(4, 'EXEC of a pipeline with DEL')] },
    { name: 'ioredis: voided pipeline exec', code: ioredis('void redis.multi().expire(`product:${id}`, 0).exec();'), errors: [{ messageId: 'voided', line: 4 }] },
    // ioredis: every invalidation command, every way of dropping its promise.
    { name: 'ioredis: del', code: ioredis('redis.del(`product:${id}`);'), errors: [floating(4, 'DEL')] },
    { name: 'ioredis: unlink', code: ioredis('redis.unlink(`product:${id}`);'), errors: [floating(4, 'UNLINK')] },
    { name: 'ioredis: expire', code: ioredis('redis.expire(`product:${id}`, 0);'), errors: [floating(4, 'EXPIRE')] },
    { name: 'ioredis: pexpire', code: ioredis('redis.pexpire(`product:${id}`, 0);'), errors: [floating(4, 'PEXPIRE')] },
    { name: 'ioredis: expireat', code: ioredis('redis.expireat(`product:${id}`, 0);'), errors: [floating(4, 'EXPIREAT')] },
    { name: 'ioredis: getdel', code: ioredis('redis.getdel(`product:${id}`);'), errors: [floating(4, 'GETDEL')] },
    { name: 'ioredis: publish (no registry: every publish may invalidate)', code: ioredis("redis.publish('cache:invalidate', id);"), errors: [floating(4, 'PUBLISH')] },
    { name: 'ioredis: void', code: ioredis('void redis.del(`product:${id}`);'), errors: [voided(4, 'DEL')] },
    { name: 'ioredis: .then without a rejection handler', code: ioredis('redis.del(`product:${id}`).then(() => console.log("gone"));'), errors: [unhandledThen(4, 'DEL')] },
    { name: 'ioredis: .finally does not handle a rejection', code: ioredis('redis.del(`product:${id}`).finally(() => undefined);'), errors: [floating(4, 'DEL')] },
    {
      name: 'ioredis: Promise.all not awaited',
      code: ioredis('Promise.all([redis.del(`a:${id}`), redis.unlink(`b:${id}`)]);'),
      errors: [floating(4, 'DEL', 16), floating(4, 'UNLINK', 38)],
    },
    { name: 'ioredis: forEach with a block body', code: ioredis('ids.forEach((x) => { redis.del(`product:${x}`); });'), errors: [floating(4, 'DEL', 24)] },
    { name: 'ioredis: optional chaining', code: ioredis('redis?.del(`product:${id}`);'), errors: [floating(4, 'DEL')] },
    { name: "ioredis: call('del')", code: ioredis("redis.call('del', `product:${id}`);"), errors: [floating(4, 'DEL')] },
    { name: "ioredis: call('UNLINK')", code: ioredis("redis.call('UNLINK', `product:${id}`);"), errors: [floating(4, 'UNLINK')] },
    { name: 'ioredis: conditional statement', code: ioredis('cond ? redis.del(`a:${id}`) : redis.unlink(`b:${id}`);'), errors: [floating(4, 'DEL', 10), floating(4, 'UNLINK', 33)] },
    { name: 'ioredis: logical statement', code: ioredis('cond && redis.del(`a:${id}`);'), errors: [floating(4, 'DEL', 11)] },
    { name: 'ioredis: non-null assertion', code: ioredis('redis.del(`a:${id}`)!;'), errors: [floating(4, 'DEL')] },
    { name: 'ioredis: spread keys', code: ioredis('redis.del(...ids);'), errors: [floating(4, 'DEL')] },
    {
      name: 'ioredis: default import, top level',
      code: code("import Redis from 'ioredis';", 'const redis = new Redis();', "redis.del('config:flags');"),
      errors: [floating(3, 'DEL', 1)],
    },

    // node-redis
    { name: 'node-redis: del', code: nodeRedis('client.del(`product:${id}`);'), errors: [floating(4, 'DEL')] },
    { name: 'node-redis: unlink', code: nodeRedis('client.unlink(`product:${id}`);'), errors: [floating(4, 'UNLINK')] },
    { name: 'node-redis: expire', code: nodeRedis('client.expire(`product:${id}`, 0);'), errors: [floating(4, 'EXPIRE')] },
    { name: 'node-redis: pExpire', code: nodeRedis('client.pExpire(`product:${id}`, 0);'), errors: [floating(4, 'PEXPIRE')] },
    { name: 'node-redis: expireAt', code: nodeRedis('client.expireAt(`product:${id}`, 0);'), errors: [floating(4, 'EXPIREAT')] },
    { name: 'node-redis: publish', code: nodeRedis("client.publish('cache:invalidate', id);"), errors: [floating(4, 'PUBLISH')] },
    { name: "node-redis: sendCommand(['DEL', k])", code: nodeRedis("client.sendCommand(['DEL', `product:${id}`]);"), errors: [floating(4, 'DEL')] },
    { name: "node-redis: sendCommand(['UNLINK', k])", code: nodeRedis("client.sendCommand(['UNLINK', `product:${id}`]);"), errors: [floating(4, 'UNLINK')] },
    { name: 'node-redis: void', code: nodeRedis('void client.del(`product:${id}`);'), errors: [voided(4, 'DEL')] },
    { name: 'node-redis: .then without a rejection handler', code: nodeRedis('client.unlink(`product:${id}`).then(() => undefined);'), errors: [unhandledThen(4, 'UNLINK')] },
    { name: 'node-redis: Promise.allSettled not awaited', code: nodeRedis('Promise.allSettled([client.del(`a:${id}`)]);'), errors: [floating(4, 'DEL', 23)] },
    { name: 'node-redis: optional chaining', code: nodeRedis('client?.expire(`a:${id}`, 0);'), errors: [floating(4, 'EXPIRE')] },

    // upstash
    { name: 'upstash: del', code: upstash('redis.del(`product:${id}`);'), errors: [floating(4, 'DEL')] },
    { name: 'upstash: void unlink', code: upstash('void redis.unlink(`product:${id}`);'), errors: [voided(4, 'UNLINK')] },

    // allowVoid only allows void.
    { name: 'allowVoid: a bare call is still floating', code: ioredis('redis.del(`product:${id}`);'), options: [{ allowVoid: true }], errors: [floating(4, 'DEL')] },

    // Clients injected into a class
    {
      name: 'constructor-injected ioredis and node-redis clients',
      code: code(
        "import { Redis } from 'ioredis';",
        "import type { RedisClientType } from 'redis';",
        'export class ProductCache {',
        '  constructor(private readonly redis: Redis, private readonly client: RedisClientType) {}',
        '  async invalidate(id: string) {',
        '    this.redis.del(`product:${id}`);',
        '    this.client.unlink(`product:${id}`);',
        '    await this.client.del(`list:${id}`);',
        '  }',
        '}',
      ),
      errors: [floating(6, 'DEL', 5), floating(7, 'UNLINK', 5)],
    },

    // Registry channels
    {
      name: 'registry: a publish on an invalidation channel',
      code: code("import { redis } from './redis.js';", 'export function notify(id: string) {', "  redis.publish('cache:invalidate', id);", '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [floating(3, 'PUBLISH')],
    },

    // Multi-file
    {
      name: 'imported ioredis client',
      code: code("import { redis } from './redis.js';", 'export function f(id: string) {', '  redis.del(`product:${id}`);', '}'),
      filename: SHOP_FILE,
      errors: [floating(3, 'DEL')],
    },
    {
      name: 'imported node-redis client',
      code: code("import { client } from './node-redis.js';", 'export function f(id: string) {', '  client.unlink(`product:${id}`);', '}'),
      filename: SHOP_FILE,
      errors: [floating(3, 'UNLINK')],
    },
    {
      name: 'imported upstash client',
      code: code("import { kv } from './upstash.js';", 'export function f(id: string) {', '  void kv.del(`product:${id}`);', '}'),
      filename: SHOP_FILE,
      errors: [voided(3, 'DEL')],
    },
  ],
});

jsRuleTester.run('no-floating-invalidation (.js, espree)', rule, {
  valid: [
    { name: 'js: awaited', filename: 'file.js', code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export async function f(id) {', '  await redis.del(`p:${id}`);', '}') },
    { name: 'js: .catch', filename: 'file.js', code: code("import { createClient } from 'redis';", 'const client = createClient();', 'export function f(id) {', '  client.del(`p:${id}`).catch(console.error);', '}') },
  ],
  invalid: [
    {
      name: 'js: ioredis del not awaited',
      filename: 'file.js',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export function f(id) {', '  redis.del(`p:${id}`);', '}'),
      errors: [floating(4, 'DEL')],
    },
    {
      name: 'js: node-redis void',
      filename: 'file.js',
      code: code("import { createClient } from 'redis';", 'const client = createClient();', 'export function f(id) {', '  void client.unlink(`p:${id}`);', '}'),
      errors: [voided(4, 'UNLINK')],
    },
    {
      name: 'js: client imported from a .ts module on disk',
      filename: SHOP_JS_FILE,
      code: code("import { redis } from './redis.js';", 'export function f(id) {', '  redis.expire(`p:${id}`, 0);', '}'),
      errors: [floating(3, 'EXPIRE')],
    },
  ],
});

typedRuleTester.run('no-floating-invalidation (type information)', rule, {
  valid: [
    { name: "typed: a user's own Cache#del is not Redis", code: code("import { cache } from './cache.js';", 'export function f(id: string) {', '  cache.del(`product:${id}`);', '}') },
    { name: 'typed: Map#delete', code: code('const m = new Map<string, string>();', "m.delete('product:1');") },
    { name: 'typed: a real ioredis del, awaited', code: code("import { services } from './services.js';", 'export async function f(id: string) {', '  await services.redis.del(`product:${id}`);', '}') },
  ],
  invalid: [
    {
      name: 'typed: a real ioredis del',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export function f(id: string) {', '  redis.del(`product:${id}`);', '}'),
      errors: [floating(4, 'DEL')],
    },
    {
      name: 'typed: ioredis known only from its type',
      code: code("import { services } from './services.js';", 'export function f(id: string) {', '  services.redis.unlink(`product:${id}`);', '}'),
      errors: [floating(3, 'UNLINK')],
    },
    {
      name: "typed: the real del is reported, the user's Cache#del beside it is not",
      code: code(
        "import { Redis } from 'ioredis';",
        "import { cache } from './cache.js';",
        'const redis = new Redis();',
        'export function f(id: string) {',
        '  cache.del(`product:${id}`);',
        '  redis.del(`product:${id}`);',
        '}',
      ),
      errors: [floating(6, 'DEL')],
    },
  ],
});

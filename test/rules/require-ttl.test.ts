import rule from '../../rules/require-ttl.js';
import { code, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE, shopSettings, typedRuleTester } from './rule-tester.js';

// Each helper puts `body` inside `save()`, one statement a line: body[i] is on line 4 + i, and a
// call written `await redis.set(…)` starts at column 9.
const ioredis = (...body: string[]) =>
  code("import { Redis } from 'ioredis';", 'const redis = new Redis();', 'export async function save(id: string, ttl: number, cond: boolean) {', ...body.map((l) => `  ${l}`), '}');
const nodeRedis = (...body: string[]) =>
  code("import { createClient } from 'redis';", 'const client = createClient();', 'export async function save(id: string, ttl: number, cond: boolean) {', ...body.map((l) => `  ${l}`), '}');
const upstash = (...body: string[]) =>
  code("import { Redis } from '@upstash/redis';", 'const redis = Redis.fromEnv();', 'export async function save(id: string, ttl: number, cond: boolean) {', ...body.map((l) => `  ${l}`), '}');

const missing = (line: number, command: string, key: string, column = 9) => ({ messageId: 'missingTtl' as const, line, column, data: { command, key } });

ruleTester.run('require-ttl', rule, {
  valid: [
    // ioredis: every inline TTL form.
    { name: 'ioredis: set EX', code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', 60);") },
    { name: 'ioredis: set PX', code: ioredis("await redis.set(`product:${id}`, 'v', 'PX', 60_000);") },
    { name: 'ioredis: set EXAT', code: ioredis("await redis.set(`product:${id}`, 'v', 'EXAT', 1_900_000_000);") },
    { name: 'ioredis: set PXAT', code: ioredis("await redis.set(`product:${id}`, 'v', 'PXAT', Date.now() + 1000);") },
    { name: 'ioredis: set KEEPTTL', code: ioredis("await redis.set(`product:${id}`, 'v', 'KEEPTTL');") },
    { name: 'ioredis: lower-case ex', code: ioredis("await redis.set(`product:${id}`, 'v', 'ex', 60);") },
    { name: 'ioredis: NX with EX', code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', 60, 'NX');") },
    { name: 'ioredis: dynamic EX', code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', ttl);") },
    { name: 'ioredis: setex', code: ioredis("await redis.setex(`product:${id}`, 60, 'v');") },
    { name: 'ioredis: psetex', code: ioredis("await redis.psetex(`product:${id}`, 60_000, 'v');") },
    { name: 'ioredis: getex is a read that sets an expiry', code: ioredis("await redis.getex(`product:${id}`, 'EX', 60);") },
    { name: 'ioredis: hsetex with EX', code: ioredis("await redis.hsetex(`product:${id}`, 'EX', 60, 'FIELDS', 1, 'price', '9');") },
    { name: 'ioredis: hset then expire', code: ioredis("await redis.hset(`product:${id}`, 'price', '9');", 'await redis.expire(`product:${id}`, 60);') },
    { name: 'ioredis: sadd then pexpire', code: ioredis("await redis.sadd(`tags:${id}`, 'new');", 'await redis.pexpire(`tags:${id}`, 60_000);') },
    { name: 'ioredis: zadd then expireat', code: ioredis("await redis.zadd(`rank:${id}`, 1, 'a');", 'await redis.expireat(`rank:${id}`, 1_900_000_000);') },
    { name: 'ioredis: rpush then pexpireat', code: ioredis("await redis.rpush(`feed:${id}`, 'a');", 'await redis.pexpireat(`feed:${id}`, 1_900_000_000_000);') },
    { name: 'ioredis: incr then expire (rate limit)', code: ioredis('const n = await redis.incr(`ratelimit:${id}`);', 'if (n === 1) await redis.expire(`ratelimit:${id}`, 60);') },
    { name: 'ioredis: set then expire', code: ioredis("await redis.set(`product:${id}`, 'v');", 'await redis.expire(`product:${id}`, 60);') },
    { name: 'ioredis: pipeline chain hset + expire', code: ioredis("await redis.pipeline().hset(`product:${id}`, 'f', 'v').expire(`product:${id}`, 60).exec();") },
    { name: 'ioredis: multi chain sadd + expire', code: ioredis("await redis.multi().sadd(`tags:${id}`, 'a').expire(`tags:${id}`, 60).exec();") },
    {
      name: 'ioredis: multi held in a variable',
      code: ioredis('const tx = redis.multi();', "tx.hset(`product:${id}`, 'f', 'v');", 'tx.expire(`product:${id}`, 60);', 'await tx.exec();'),
    },
    { name: 'ioredis: batch pipeline with expire', code: ioredis("await redis.pipeline([['set', `product:${id}`, 'v'], ['expire', `product:${id}`, 60]]).exec();") },
    { name: "ioredis: call('set', …, 'EX', n)", code: ioredis("await redis.call('set', `product:${id}`, 'v', 'EX', 60);") },
    { name: "ioredis: call('hset') then call('expire')", code: ioredis("await redis.call('hset', `product:${id}`, 'f', 'v');", "await redis.call('expire', `product:${id}`, 60);") },
    { name: 'ioredis: default import', code: code("import Redis from 'ioredis';", 'const redis = new Redis();', "await redis.set('config:x', 'v', 'EX', 60);") },
    { name: 'ioredis: reads and deletes are not writes', code: ioredis('await redis.get(`product:${id}`);', 'await redis.del(`product:${id}`);', 'await redis.hgetall(`product:${id}`);') },

    // node-redis: options object (v4) and `expiration` (v5).
    { name: 'node-redis: set { EX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { EX: 60 });") },
    { name: 'node-redis: set { PX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { PX: 60_000 });") },
    { name: 'node-redis: set { EXAT }', code: nodeRedis("await client.set(`product:${id}`, 'v', { EXAT: 1_900_000_000 });") },
    { name: 'node-redis: set { PXAT }', code: nodeRedis("await client.set(`product:${id}`, 'v', { PXAT: 1_900_000_000_000 });") },
    { name: 'node-redis: set { KEEPTTL: true }', code: nodeRedis("await client.set(`product:${id}`, 'v', { KEEPTTL: true });") },
    { name: 'node-redis: set { NX, EX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { NX: true, EX: 60 });") },
    { name: 'node-redis: set { EX: ttl } shorthand-free dynamic', code: nodeRedis("await client.set(`product:${id}`, 'v', { EX: ttl });") },
    { name: 'node-redis v5: expiration { type: EX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: { type: 'EX', value: 60 } });") },
    { name: 'node-redis v5: expiration { type: PX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: { type: 'PX', value: 60_000 } });") },
    { name: 'node-redis v5: expiration { type: EXAT }', code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: { type: 'EXAT', value: 1_900_000_000 } });") },
    { name: 'node-redis v5: expiration { type: PXAT }', code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: { type: 'PXAT', value: 1_900_000_000_000 } });") },
    { name: "node-redis v5: expiration 'KEEPTTL'", code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: 'KEEPTTL' });") },
    { name: 'node-redis: setEx', code: nodeRedis("await client.setEx(`product:${id}`, 60, 'v');") },
    { name: 'node-redis: pSetEx', code: nodeRedis("await client.pSetEx(`product:${id}`, 60_000, 'v');") },
    { name: 'node-redis: getEx', code: nodeRedis('await client.getEx(`product:${id}`, { EX: 60 });') },
    { name: 'node-redis: hSet then expire', code: nodeRedis("await client.hSet(`product:${id}`, 'price', '9');", 'await client.expire(`product:${id}`, 60);') },
    { name: 'node-redis: sAdd then pExpire', code: nodeRedis("await client.sAdd(`tags:${id}`, 'a');", 'await client.pExpire(`tags:${id}`, 60_000);') },
    { name: 'node-redis: zAdd then expireAt', code: nodeRedis("await client.zAdd(`rank:${id}`, { score: 1, value: 'a' });", 'await client.expireAt(`rank:${id}`, 1_900_000_000);') },
    { name: 'node-redis: rPush then expire', code: nodeRedis("await client.rPush(`feed:${id}`, 'a');", 'await client.expire(`feed:${id}`, 60);') },
    { name: 'node-redis: incr then expire', code: nodeRedis('await client.incr(`ratelimit:${id}`);', 'await client.expire(`ratelimit:${id}`, 60);') },
    { name: 'node-redis: multi chain hSet + expire', code: nodeRedis("await client.multi().hSet(`product:${id}`, 'f', 'v').expire(`product:${id}`, 60).exec();") },
    { name: 'node-redis: multi variable', code: nodeRedis('const tx = client.multi();', "tx.sAdd(`tags:${id}`, 'a');", 'tx.expire(`tags:${id}`, 60);', 'await tx.exec();') },
    { name: "node-redis: sendCommand(['SET', …, 'EX', n])", code: nodeRedis("await client.sendCommand(['SET', `product:${id}`, 'v', 'EX', '60']);") },
    { name: "node-redis: sendCommand HSET then sendCommand EXPIRE", code: nodeRedis("await client.sendCommand(['HSET', `product:${id}`, 'f', 'v']);", "await client.sendCommand(['EXPIRE', `product:${id}`, '60']);") },

    // upstash: lower-case options.
    { name: 'upstash: set { ex }', code: upstash("await redis.set(`product:${id}`, 'v', { ex: 60 });") },
    { name: 'upstash: set { px }', code: upstash("await redis.set(`product:${id}`, 'v', { px: 60_000 });") },
    { name: 'upstash: set { exat }', code: upstash("await redis.set(`product:${id}`, 'v', { exat: 1_900_000_000 });") },
    { name: 'upstash: set { pxat }', code: upstash("await redis.set(`product:${id}`, 'v', { pxat: 1_900_000_000_000 });") },
    { name: 'upstash: set { keepTtl: true }', code: upstash("await redis.set(`product:${id}`, 'v', { keepTtl: true });") },
    { name: 'upstash: set { nx, ex }', code: upstash("await redis.set(`product:${id}`, 'v', { nx: true, ex: 60 });") },
    { name: 'upstash: setex', code: upstash("await redis.setex(`product:${id}`, 60, 'v');") },
    { name: 'upstash: psetex', code: upstash("await redis.psetex(`product:${id}`, 60_000, 'v');") },
    { name: 'upstash: getex { ex }', code: upstash('await redis.getex(`product:${id}`, { ex: 60 });') },
    { name: 'upstash: hset then expire', code: upstash("await redis.hset(`product:${id}`, { price: 9 });", 'await redis.expire(`product:${id}`, 60);') },

    // Options.
    { name: 'maxSeconds: a TTL at the limit', code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', 60 * 60);"), options: [{ maxSeconds: 3600 }] },
    { name: 'maxSeconds: PX within the limit', code: nodeRedis("await client.set(`product:${id}`, 'v', { PX: 3_600_000 });"), options: [{ maxSeconds: 3600 }] },
    { name: 'maxSeconds: a dynamic TTL is not judged', code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', ttl);"), options: [{ maxSeconds: 10 }] },
    { name: 'ignoreCommands: incr counters', code: ioredis('await redis.incr(`visits:${id}`);'), options: [{ ignoreCommands: ['incr'] }] },
    { name: 'ignoreCommands: any case', code: nodeRedis("await client.hSet(`product:${id}`, 'f', 'v');"), options: [{ ignoreCommands: ['HSET'] }] },
    { name: 'ignoreKeys: a key meant to live forever', code: ioredis("await redis.set(`config:${id}`, 'v');"), options: [{ ignoreKeys: ['config:{name}'] }] },
    { name: 'ignoreKeys: node-redis', code: nodeRedis("await client.set('config:flags', 'v');"), options: [{ ignoreKeys: ['config:flags'] }] },

    // Registry (settings.keydrift.registry).
    { name: 'registry: ttl.none family is exempt', code: code("import { redis } from './redis.js';", "await redis.set('config:flags', '{}');"), filename: SHOP_FILE, settings: shopSettings },
    {
      name: 'registry: TTL within the family maximum',
      code: code("import { redis } from './redis.js';", "import { productKey } from './keys.js';", "export const save = (id: string) => redis.set(productKey(id), 'v', 'EX', 3600);"),
      filename: SHOP_FILE,
      settings: shopSettings,
    },

    // Multi-file: the client is imported from a module read from disk.
    { name: 'imported ioredis client with EX', code: code("import { redis } from './redis.js';", "export const save = (id: string) => redis.set(`product:${id}`, 'v', 'EX', 60);"), filename: SHOP_FILE },
    { name: 'imported node-redis client with EX', code: code("import { client } from './node-redis.js';", "export const save = (id: string) => client.set(`product:${id}`, 'v', { EX: 60 });"), filename: SHOP_FILE },
    { name: 'imported upstash client with ex', code: code("import { kv } from './upstash.js';", "export const save = (id: string) => kv.set(`product:${id}`, 'v', { ex: 60 });"), filename: SHOP_FILE },

    // Not Redis, or code the rule must survive.
    { name: 'Map#set is not Redis', code: code('const cache = new Map<string, string>();', "cache.set('product:1', 'v');") },
    { name: "a user's own object with set()", code: code('const store = { set(k: string, v: string) {} };', "store.set('product:1', 'v');") },
    { name: 'computed member is not followed', code: ioredis("await redis['set'](`product:${id}`, 'v');") },
    { name: 'optional chaining with EX', code: ioredis("await redis?.set(`product:${id}`, 'v', 'EX', 60);") },
    { name: 'spread arguments: the TTL may be in them', code: ioredis('const args: [string, string, string, number] = [`product:${id}`, "v", "EX", 60];', 'await redis.set(...args);') },
    { name: 'spread after the value', code: ioredis("const rest = ['EX', 60] as const;", "await redis.set(`product:${id}`, 'v', ...rest);") },
    { name: 'call() with no arguments', code: ioredis('await redis.call();') },
    { name: 'sendCommand([])', code: nodeRedis('await client.sendCommand([]);') },
    { name: 'sendCommand with a spread', code: nodeRedis("const parts = ['SET', `product:${id}`, 'v'];", 'await client.sendCommand([...parts]);') },
    { name: 'empty batch pipeline', code: ioredis('await redis.pipeline([]).exec();', 'await redis.pipeline([[]]).exec();') },
  ],
  invalid: [
    // ioredis
    { name: 'ioredis: set without TTL', code: ioredis("await redis.set(`product:${id}`, 'v');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'ioredis: NX alone is not a TTL', code: ioredis("await redis.set(`product:${id}`, 'v', 'NX');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'ioredis: GET option is not a TTL', code: ioredis("await redis.set(`product:${id}`, 'v', 'GET');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: "ioredis: a value that is the string 'ex' is not a TTL", code: ioredis("await redis.set(`flag:${id}`, 'ex');"), errors: [missing(4, 'SET', 'flag:{id}')] },
    { name: "ioredis: a hash field named 'px' is not a TTL", code: ioredis("await redis.hset(`user:${id}`, 'px', '1');"), errors: [missing(4, 'HSET', 'user:{id}')] },
    { name: 'ioredis: hset with spread fields still has no TTL', code: ioredis("const fields = ['a', '1'];", 'await redis.hset(`user:${id}`, ...fields);'), errors: [missing(5, 'HSET', 'user:{id}')] },
    { name: 'ioredis: hset without expire', code: ioredis("await redis.hset(`product:${id}`, 'f', 'v');"), errors: [missing(4, 'HSET', 'product:{id}')] },
    { name: 'ioredis: sadd without expire', code: ioredis("await redis.sadd(`tags:${id}`, 'a');"), errors: [missing(4, 'SADD', 'tags:{id}')] },
    { name: 'ioredis: zadd without expire', code: ioredis("await redis.zadd(`rank:${id}`, 1, 'a');"), errors: [missing(4, 'ZADD', 'rank:{id}')] },
    { name: 'ioredis: rpush without expire', code: ioredis("await redis.rpush(`feed:${id}`, 'a');"), errors: [missing(4, 'RPUSH', 'feed:{id}')] },
    { name: 'ioredis: incr without expire', code: ioredis('await redis.incr(`visits:${id}`);'), errors: [missing(4, 'INCR', 'visits:{id}')] },
    { name: 'ioredis: mset', code: ioredis("await redis.mset({ 'config:a': '1' });"), errors: [missing(4, 'MSET', 'config:a')] },
    {
      name: 'ioredis: expire of another key does not count',
      code: ioredis("await redis.hset(`product:${id}`, 'f', 'v');", 'await redis.expire(`product:v2:${id}`, 60);'),
      errors: [missing(4, 'HSET', 'product:{id}')],
    },
    {
      name: 'ioredis: expire before the write does not count',
      code: ioredis('await redis.expire(`product:${id}`, 60);', "await redis.set(`product:${id}`, 'v');"),
      errors: [missing(5, 'SET', 'product:{id}')],
    },
    {
      name: 'ioredis: expire in another function does not count',
      code: code(
        "import { Redis } from 'ioredis';",
        'const redis = new Redis();',
        "export const write = (id: string) => redis.hset(`product:${id}`, 'f', 'v');",
        'export const expire = (id: string) => redis.expire(`product:${id}`, 60);',
      ),
      errors: [missing(3, 'HSET', 'product:{id}', 38)],
    },
    { name: 'ioredis: multi chain without expire', code: ioredis("await redis.multi().hset(`product:${id}`, 'f', 'v').exec();"), errors: [missing(4, 'HSET', 'product:{id}')] },
    {
      name: 'ioredis: pipeline variable, expire on another pipeline outside any function',
      code: code(
        "import { Redis } from 'ioredis';",
        'const redis = new Redis();',
        'const a = redis.pipeline();',
        'const b = redis.pipeline();',
        "a.sadd('tags:all', 'x');",
        "b.expire('tags:all', 60);",
      ),
      errors: [missing(5, 'SADD', 'tags:all', 1)],
    },
    { name: 'ioredis: batch pipeline without expire', code: ioredis("await redis.pipeline([['set', `product:${id}`, 'v']]).exec();"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: "ioredis: call('set') without TTL", code: ioredis("await redis.call('set', `product:${id}`, 'v');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: "ioredis: call('SET', …, 'NX')", code: ioredis("await redis.call('SET', `product:${id}`, 'v', 'NX');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'ioredis: default import', code: code("import Redis from 'ioredis';", 'const redis = new Redis();', "await redis.set('config:x', 'v');"), errors: [missing(3, 'SET', 'config:x', 7)] },
    { name: 'ioredis: optional chaining', code: ioredis("await redis?.set(`product:${id}`, 'v');"), errors: [missing(4, 'SET', 'product:{id}')] },
    {
      name: 'ioredis: conditional key names both families',
      code: ioredis("await redis.set(cond ? `a:${id}` : `b:${id}`, 'v');"),
      errors: [missing(4, 'SET', 'a:{id}')],
    },

    // node-redis
    { name: 'node-redis: set without options', code: nodeRedis("await client.set(`product:${id}`, 'v');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'node-redis: { NX } alone is not a TTL', code: nodeRedis("await client.set(`product:${id}`, 'v', { NX: true });"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'node-redis: { KEEPTTL: false }', code: nodeRedis("await client.set(`product:${id}`, 'v', { KEEPTTL: false });"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'node-redis v5: expiration-less { condition: NX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { condition: 'NX' });"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'node-redis: hSet without expire', code: nodeRedis("await client.hSet(`product:${id}`, { price: 9 });"), errors: [missing(4, 'HSET', 'product:{id}')] },
    { name: 'node-redis: sAdd without expire', code: nodeRedis("await client.sAdd(`tags:${id}`, 'a');"), errors: [missing(4, 'SADD', 'tags:{id}')] },
    { name: 'node-redis: zAdd without expire', code: nodeRedis("await client.zAdd(`rank:${id}`, { score: 1, value: 'a' });"), errors: [missing(4, 'ZADD', 'rank:{id}')] },
    { name: 'node-redis: rPush without expire', code: nodeRedis("await client.rPush(`feed:${id}`, 'a');"), errors: [missing(4, 'RPUSH', 'feed:{id}')] },
    { name: 'node-redis: incr without expire', code: nodeRedis('await client.incr(`visits:${id}`);'), errors: [missing(4, 'INCR', 'visits:{id}')] },
    { name: 'node-redis: multi chain without expire', code: nodeRedis("await client.multi().hSet(`product:${id}`, 'f', 'v').exec();"), errors: [missing(4, 'HSET', 'product:{id}')] },
    { name: "node-redis: sendCommand(['SET', k, v])", code: nodeRedis("await client.sendCommand(['SET', `product:${id}`, 'v']);"), errors: [missing(4, 'SET', 'product:{id}')] },
    {
      name: 'node-redis: expire of another key does not count',
      code: nodeRedis("await client.sAdd(`tags:${id}`, 'a');", 'await client.expire(`tag:${id}`, 60);'),
      errors: [missing(4, 'SADD', 'tags:{id}')],
    },

    // upstash
    { name: 'upstash: set without options', code: upstash("await redis.set(`product:${id}`, 'v');"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'upstash: { nx } alone is not a TTL', code: upstash("await redis.set(`product:${id}`, 'v', { nx: true });"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'upstash: { keepTtl: false }', code: upstash("await redis.set(`product:${id}`, 'v', { keepTtl: false });"), errors: [missing(4, 'SET', 'product:{id}')] },
    { name: 'upstash: hset without expire', code: upstash('await redis.hset(`product:${id}`, { price: 9 });'), errors: [missing(4, 'HSET', 'product:{id}')] },
    { name: "upstash: a hash field named 'ex' is not a TTL", code: upstash('await redis.hset(`user:${id}`, { ex: 5 });'), errors: [missing(4, 'HSET', 'user:{id}')] },

    // maxSeconds
    {
      name: 'maxSeconds: ioredis EX above it',
      code: ioredis("await redis.set(`product:${id}`, 'v', 'EX', 7200);"),
      options: [{ maxSeconds: 3600 }],
      errors: [{ messageId: 'ttlTooLong', line: 4, column: 9, data: { seconds: 7200, key: 'product:{id}', max: 3600, source: '' } }],
    },
    {
      name: 'maxSeconds: ioredis PX converted to seconds',
      code: ioredis("await redis.set(`product:${id}`, 'v', 'PX', 7_200_000);"),
      options: [{ maxSeconds: 3600 }],
      errors: [{ messageId: 'ttlTooLong', line: 4, column: 9, data: { seconds: 7200, key: 'product:{id}', max: 3600, source: '' } }],
    },
    { name: 'maxSeconds: ioredis setex', code: ioredis("await redis.setex(`product:${id}`, 86_400, 'v');"), options: [{ maxSeconds: 3600 }], errors: [{ messageId: 'ttlTooLong', line: 4, column: 9 }] },
    {
      name: 'maxSeconds: a following expire above it',
      code: ioredis("await redis.hset(`product:${id}`, 'f', 'v');", 'await redis.expire(`product:${id}`, 24 * 60 * 60);'),
      options: [{ maxSeconds: 3600 }],
      errors: [{ messageId: 'ttlTooLong', line: 4, column: 9, data: { seconds: 86_400, key: 'product:{id}', max: 3600, source: '' } }],
    },
    { name: 'maxSeconds: node-redis { EX }', code: nodeRedis("await client.set(`product:${id}`, 'v', { EX: 7200 });"), options: [{ maxSeconds: 3600 }], errors: [{ messageId: 'ttlTooLong', line: 4, column: 9 }] },
    {
      name: 'maxSeconds: node-redis v5 expiration',
      code: nodeRedis("await client.set(`product:${id}`, 'v', { expiration: { type: 'EX', value: 7200 } });"),
      options: [{ maxSeconds: 3600 }],
      errors: [{ messageId: 'ttlTooLong', line: 4, column: 9 }],
    },
    { name: 'maxSeconds: node-redis setEx', code: nodeRedis("await client.setEx(`product:${id}`, 7200, 'v');"), options: [{ maxSeconds: 3600 }], errors: [{ messageId: 'ttlTooLong', line: 4, column: 9 }] },
    { name: 'maxSeconds: upstash { ex }', code: upstash("await redis.set(`product:${id}`, 'v', { ex: 7200 });"), options: [{ maxSeconds: 3600 }], errors: [{ messageId: 'ttlTooLong', line: 4, column: 9 }] },
    {
      name: 'ignoreCommands does not silence other commands',
      code: ioredis('await redis.incr(`visits:${id}`);', "await redis.set(`product:${id}`, 'v');"),
      options: [{ ignoreCommands: ['incr'] }],
      errors: [missing(5, 'SET', 'product:{id}')],
    },
    {
      name: 'ignoreKeys matches whole families only',
      code: ioredis("await redis.set(`config:${id}:draft`, 'v');"),
      options: [{ ignoreKeys: ['config:{name}'] }],
      errors: [missing(4, 'SET', 'config:{id}:draft')],
    },

    // Clients injected into a class
    {
      name: 'constructor-injected ioredis and node-redis clients',
      code: code(
        "import { Redis } from 'ioredis';",
        "import type { RedisClientType } from 'redis';",
        'export class ProductCache {',
        '  constructor(private readonly redis: Redis, private readonly client: RedisClientType) {}',
        '  async save(id: string) {',
        "    await this.redis.set(`product:${id}`, 'v');",
        "    await this.client.set(`product:${id}`, 'v', { NX: true });",
        "    await this.client.set(`product:${id}`, 'v', { EX: 60 });",
        '  }',
        '}',
      ),
      errors: [missing(6, 'SET', 'product:{id}', 11), missing(7, 'SET', 'product:{id}', 11)],
    },

    // Registry
    {
      name: 'registry: TTL above the family maximum',
      code: code("import { redis } from './redis.js';", "import { productKey } from './keys.js';", "export const save = (id: string) => redis.set(productKey(id), 'v', 'EX', 7200);"),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [{ messageId: 'ttlTooLong', line: 3, column: 37, data: { seconds: 7200, key: 'product:v2:{id}', max: 3600, source: " by the registry family 'product'" } }],
    },
    {
      name: 'registry: the family maximum applies under a looser maxSeconds',
      code: code("import { client } from './node-redis.js';", "export const save = (sid: string) => client.set(`session:v2:${sid}`, 'v', { EX: 2000 });"),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ maxSeconds: 86_400 }],
      errors: [{ messageId: 'ttlTooLong', line: 2, column: 38, data: { seconds: 2000, key: 'session:v2:{sid}', max: 1800, source: " by the registry family 'session'" } }],
    },
    {
      name: 'registry: a registered family still needs a TTL',
      code: code("import { redis } from './redis.js';", "import { CacheKeys } from './keys.js';", "export const save = (id: string) => redis.set(CacheKeys.cart(id), 'v');"),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [missing(3, 'SET', 'cart:v3:{id}', 37)],
    },

    // Multi-file
    {
      name: 'imported ioredis client without TTL',
      code: code("import { redis } from './redis.js';", "export const save = (id: string) => redis.set(`product:${id}`, 'v');"),
      filename: SHOP_FILE,
      errors: [missing(2, 'SET', 'product:{id}', 37)],
    },
    {
      name: 'imported node-redis client without TTL',
      code: code("import { client } from './node-redis.js';", "export const save = (id: string) => client.hSet(`product:${id}`, 'f', 'v');"),
      filename: SHOP_FILE,
      errors: [missing(2, 'HSET', 'product:{id}', 37)],
    },
    {
      name: 'imported upstash client without TTL',
      code: code("import { kv } from './upstash.js';", "export const save = (id: string) => kv.set(`product:${id}`, 'v');"),
      filename: SHOP_FILE,
      errors: [missing(2, 'SET', 'product:{id}', 37)],
    },
    {
      name: 'key from an imported builder',
      code: code("import { redis } from './redis.js';", "import { userProfileKey } from './keys.js';", "export const save = (id: string) => redis.set(userProfileKey(id), 'v');"),
      filename: SHOP_FILE,
      errors: [missing(3, 'SET', 'user:{id}:profile', 37)],
    },
  ],
});

jsRuleTester.run('require-ttl (.js, espree)', rule, {
  valid: [
    { name: 'js: ioredis with EX', filename: 'file.js', code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const save = (id) => redis.set(`p:${id}`, 'v', 'EX', 60);") },
    { name: 'js: node-redis with { EX }', filename: 'file.js', code: code("import { createClient } from 'redis';", 'const client = createClient();', "export const save = (id) => client.set(`p:${id}`, 'v', { EX: 60 });") },
    { name: 'js: hset then expire', filename: 'file.js', code: code("import Redis from 'ioredis';", 'const redis = new Redis();', 'export async function save(id) {', "  await redis.hset(`p:${id}`, 'f', 'v');", '  await redis.expire(`p:${id}`, 60);', '}') },
    { name: 'js: Map#set', filename: 'file.js', code: code('const m = new Map();', "m.set('p:1', 'v');") },
  ],
  invalid: [
    {
      name: 'js: ioredis set without TTL',
      filename: 'file.js',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const save = (id) => redis.set(`p:${id}`, 'v');"),
      errors: [missing(3, 'SET', 'p:{id}', 29)],
    },
    {
      name: 'js: node-redis set with NX only',
      filename: 'file.js',
      code: code("import { createClient } from 'redis';", 'const client = createClient();', "export const save = (id) => client.set(`p:${id}`, 'v', { NX: true });"),
      errors: [missing(3, 'SET', 'p:{id}', 29)],
    },
    {
      name: 'js: client imported from a .ts module on disk',
      filename: SHOP_JS_FILE,
      code: code("import { redis } from './redis.js';", "export const save = (id) => redis.set(`p:${id}`, 'v');"),
      errors: [missing(2, 'SET', 'p:{id}', 29)],
    },
  ],
});

typedRuleTester.run('require-ttl (type information)', rule, {
  valid: [
    {
      name: "typed: a user's own Cache#set is not Redis",
      code: code("import { cache } from './cache.js';", "cache.set('product:1', 'v');"),
    },
    {
      name: "typed: a user's own Cache class, constructed here",
      code: code("import { Cache } from './cache.js';", 'const local = new Cache();', "local.set('product:1', 'v');"),
    },
    { name: 'typed: Map#set', code: code('const m = new Map<string, string>();', "m.set('product:1', 'v');") },
    {
      name: 'typed: ioredis through a typed service container, with EX',
      code: code("import { services } from './services.js';", "export const save = (id: string) => services.redis.set(`product:${id}`, 'v', 'EX', 60);"),
    },
  ],
  invalid: [
    {
      name: 'typed: a real ioredis call',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const save = (id: string) => redis.set(`product:${id}`, 'v');"),
      errors: [missing(3, 'SET', 'product:{id}', 37)],
    },
    {
      name: 'typed: ioredis known only from its type',
      code: code("import { services } from './services.js';", "export const save = (id: string) => services.redis.set(`product:${id}`, 'v');"),
      errors: [missing(2, 'SET', 'product:{id}', 37)],
    },
    {
      name: "typed: the real call is reported, the user's Cache#set beside it is not",
      code: code(
        "import { Redis } from 'ioredis';",
        "import { cache } from './cache.js';",
        'const redis = new Redis();',
        'export function save(id: string) {',
        "  cache.set(`product:${id}`, 'v');",
        "  return redis.set(`product:${id}`, 'v');",
        '}',
      ),
      errors: [missing(6, 'SET', 'product:{id}', 10)],
    },
  ],
});

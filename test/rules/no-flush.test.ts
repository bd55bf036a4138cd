import rule from '../../rules/no-flush.js';
import { code, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE } from './rule-tester.js';

const IOREDIS = ["import { Redis } from 'ioredis';", 'const redis = new Redis();'];
const NODE_REDIS = ["import { createClient } from 'redis';", 'const client = createClient();'];
const UPSTASH = ["import { Redis } from '@upstash/redis';", 'const redis = Redis.fromEnv();'];

// The statement under test is always line 3, written `await <call>;`: the call is at column 7.
const ioredis = (statement: string) => code(...IOREDIS, statement);
const nodeRedis = (statement: string) => code(...NODE_REDIS, statement);
const upstash = (statement: string) => code(...UPSTASH, statement);

const flush = (command: 'FLUSHALL' | 'FLUSHDB', line = 3, column = 7) => ({ messageId: 'flush' as const, line, column, data: { command } });

ruleTester.run('no-flush', rule, {
  valid: [
    { name: 'ioredis: deleting the keys that changed', code: ioredis("await redis.del('product:v2:1', 'product:v2:2');") },
    { name: 'ioredis: unlink', code: ioredis("await redis.unlink('product:v2:1');") },
    { name: "ioredis: call('del')", code: ioredis("await redis.call('del', 'product:v2:1');") },
    { name: 'node-redis: del', code: nodeRedis("await client.del(['product:v2:1', 'product:v2:2']);") },
    { name: "node-redis: sendCommand(['DEL', …])", code: nodeRedis("await client.sendCommand(['DEL', 'product:v2:1']);") },
    { name: 'upstash: del', code: upstash("await redis.del('product:v2:1');") },
    { name: 'imported client deleting', code: code("import { redis } from './redis.js';", "await redis.del('product:v2:1');"), filename: SHOP_FILE },

    // Not Redis, or code the rule must survive.
    { name: 'Map#clear is not Redis', code: code('const cache = new Map<string, string>();', 'cache.clear();') },
    { name: "a user's own object with flushall()", code: code('const logs = { flushall() {}, flushdb() {} };', 'logs.flushall();', 'logs.flushdb();') },
    { name: 'computed member is not followed', code: ioredis("await redis['flushall']();") },
    { name: 'call() with no arguments', code: ioredis('await redis.call();') },
    { name: 'sendCommand([])', code: nodeRedis('await client.sendCommand([]);') },
    { name: 'call with a non-literal command name', code: code(...IOREDIS, "const command = 'flushall' as string;", 'await redis.call(command);') },
  ],
  invalid: [
    // ioredis
    { name: 'ioredis: flushall()', code: ioredis('await redis.flushall();'), errors: [flush('FLUSHALL')] },
    { name: 'ioredis: flushdb()', code: ioredis('await redis.flushdb();'), errors: [flush('FLUSHDB')] },
    { name: "ioredis: flushall('ASYNC')", code: ioredis("await redis.flushall('ASYNC');"), errors: [flush('FLUSHALL')] },
    { name: "ioredis: call('flushall')", code: ioredis("await redis.call('flushall');"), errors: [flush('FLUSHALL')] },
    { name: "ioredis: call('FLUSHDB', 'SYNC')", code: ioredis("await redis.call('FLUSHDB', 'SYNC');"), errors: [flush('FLUSHDB')] },
    { name: "ioredis: send_command('FLUSHALL')", code: ioredis("await redis.send_command('FLUSHALL');"), errors: [flush('FLUSHALL')] },
    { name: 'ioredis: on a pipeline', code: ioredis('await redis.pipeline().flushdb().exec();'), errors: [flush('FLUSHDB')] },
    { name: 'ioredis: on a multi', code: ioredis('await redis.multi().flushall().exec();'), errors: [flush('FLUSHALL')] },
    { name: 'ioredis: batch pipeline', code: ioredis("await redis.pipeline([['flushall']]).exec();"), errors: [flush('FLUSHALL')] },
    { name: 'ioredis: optional chaining', code: ioredis('await redis?.flushdb();'), errors: [flush('FLUSHDB')] },
    { name: 'ioredis: default import', code: code("import Redis from 'ioredis';", 'const redis = new Redis();', 'await redis.flushall();'), errors: [flush('FLUSHALL')] },
    {
      name: 'ioredis: a duplicate() of the client',
      code: code(...IOREDIS, 'const admin = redis.duplicate();', 'await admin.flushdb();'),
      errors: [flush('FLUSHDB', 4)],
    },

    // node-redis
    { name: 'node-redis: flushAll()', code: nodeRedis('await client.flushAll();'), errors: [flush('FLUSHALL')] },
    { name: 'node-redis: flushDb()', code: nodeRedis('await client.flushDb();'), errors: [flush('FLUSHDB')] },
    { name: 'node-redis: FLUSHALL()', code: nodeRedis('await client.FLUSHALL();'), errors: [flush('FLUSHALL')] },
    { name: "node-redis: flushAll('ASYNC')", code: nodeRedis("await client.flushAll('ASYNC');"), errors: [flush('FLUSHALL')] },
    { name: "node-redis: sendCommand(['FLUSHALL'])", code: nodeRedis("await client.sendCommand(['FLUSHALL']);"), errors: [flush('FLUSHALL')] },
    { name: "node-redis: sendCommand(['flushdb', 'ASYNC'])", code: nodeRedis("await client.sendCommand(['flushdb', 'ASYNC']);"), errors: [flush('FLUSHDB')] },
    { name: 'node-redis: on a multi', code: nodeRedis('await client.multi().flushDb().exec();'), errors: [flush('FLUSHDB')] },

    // upstash
    { name: 'upstash: flushall()', code: upstash('await redis.flushall();'), errors: [flush('FLUSHALL')] },
    { name: 'upstash: flushdb()', code: upstash('await redis.flushdb();'), errors: [flush('FLUSHDB')] },

    // Multi-file
    { name: 'imported ioredis client', code: code("import { redis } from './redis.js';", 'await redis.flushall();'), filename: SHOP_FILE, errors: [flush('FLUSHALL', 2)] },
    { name: 'imported node-redis client', code: code("import { client } from './node-redis.js';", 'await client.flushDb();'), filename: SHOP_FILE, errors: [flush('FLUSHDB', 2)] },
    { name: 'imported upstash client', code: code("import { kv } from './upstash.js';", 'await kv.flushall();'), filename: SHOP_FILE, errors: [flush('FLUSHALL', 2)] },
  ],
});

jsRuleTester.run('no-flush (.js, espree)', rule, {
  valid: [{ name: 'js: del', filename: 'file.js', code: code(...IOREDIS, "await redis.del('p:1');") }],
  invalid: [
    { name: 'js: ioredis flushall()', filename: 'file.js', code: code(...IOREDIS, 'await redis.flushall();'), errors: [flush('FLUSHALL')] },
    { name: "js: node-redis sendCommand(['FLUSHDB'])", filename: 'file.js', code: code(...NODE_REDIS, "await client.sendCommand(['FLUSHDB']);"), errors: [flush('FLUSHDB')] },
    { name: 'js: client imported from a .ts module on disk', filename: SHOP_JS_FILE, code: code("import { client } from './node-redis.js';", 'await client.flushAll();'), errors: [flush('FLUSHALL', 2)] },
  ],
});

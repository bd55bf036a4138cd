import rule from '../../rules/no-keys-command.js';
import { code, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE } from './rule-tester.js';

const IOREDIS = ["import { Redis } from 'ioredis';", 'const redis = new Redis();'];
const NODE_REDIS = ["import { createClient } from 'redis';", 'const client = createClient();'];
const UPSTASH = ["import { Redis } from '@upstash/redis';", 'const redis = Redis.fromEnv();'];

// The statement under test is always line 3: `const found = await <call>;` puts the call at column 21.
const ioredis = (statement: string) => code(...IOREDIS, statement);
const nodeRedis = (statement: string) => code(...NODE_REDIS, statement);
const upstash = (statement: string) => code(...UPSTASH, statement);

const keys = (line = 3, column = 21) => ({ messageId: 'keysCommand' as const, line, column });

ruleTester.run('no-keys-command', rule, {
  valid: [
    { name: 'ioredis: scanStream', code: ioredis("const stream = redis.scanStream({ match: 'product:*' });") },
    { name: 'ioredis: scan with MATCH', code: ioredis("const [cursor, found] = await redis.scan('0', 'MATCH', 'product:*');") },
    { name: "ioredis: call('scan')", code: ioredis("const page = await redis.call('scan', '0', 'MATCH', 'product:*');") },
    { name: 'ioredis: hkeys is not KEYS', code: ioredis("const fields = await redis.hkeys('product:1');") },
    { name: 'node-redis: scanIterator', code: nodeRedis("for await (const key of client.scanIterator({ MATCH: 'product:*' })) console.log(key);") },
    { name: 'node-redis: scan', code: nodeRedis("const page = await client.scan('0', { MATCH: 'product:*' });") },
    { name: "node-redis: sendCommand(['SCAN', …])", code: nodeRedis("const page = await client.sendCommand(['SCAN', '0', 'MATCH', 'product:*']);") },
    { name: 'node-redis: hKeys is not KEYS', code: nodeRedis("const fields = await client.hKeys('product:1');") },
    { name: 'upstash: scan', code: upstash("const page = await redis.scan(0, { match: 'product:*' });") },
    { name: 'imported client scanning', code: code("import { redis } from './redis.js';", "export const stream = redis.scanStream({ match: 'product:*' });"), filename: SHOP_FILE },

    // Not Redis, or code the rule must survive.
    { name: 'Map#keys is not Redis', code: code('const cache = new Map<string, string>();', 'const all = [...cache.keys()];') },
    { name: 'Object.keys', code: code('const obj = { a: 1 };', 'const names = Object.keys(obj);') },
    { name: "a user's own object with keys()", code: code("const store = { keys(pattern: string) { return [pattern]; } };", "store.keys('product:*');") },
    { name: 'computed member is not followed', code: ioredis("const found = await redis['keys']('*');") },
    { name: 'call() with no arguments', code: ioredis('await redis.call();') },
    { name: 'sendCommand([])', code: nodeRedis('await client.sendCommand([]);') },
    { name: 'sendCommand with a spread is not followed', code: code(...NODE_REDIS, "const parts = ['KEYS', '*'];", 'await client.sendCommand([...parts]);') },
  ],
  invalid: [
    // ioredis
    {
      name: 'ioredis: keys() suggests scanStream',
      code: ioredis("const found = await redis.keys('product:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: ioredis("const found = await redis.scanStream({ match: 'product:*' });") }] }],
    },
    {
      name: 'ioredis: keys() with a variable pattern',
      code: code(...IOREDIS, 'export const find = (prefix: string) => redis.keys(`${prefix}:*`);'),
      errors: [
        {
          ...keys(3, 41),
          suggestions: [{ messageId: 'useScanStream', output: code(...IOREDIS, 'export const find = (prefix: string) => redis.scanStream({ match: `${prefix}:*` });') }],
        },
      ],
    },
    {
      name: "ioredis: call('keys', pattern) suggests scanStream",
      code: ioredis("const found = await redis.call('keys', 'product:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: ioredis("const found = await redis.scanStream({ match: 'product:*' });") }] }],
    },
    {
      name: "ioredis: call('KEYS', pattern) in upper case",
      code: ioredis("const found = await redis.call('KEYS', '*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: ioredis("const found = await redis.scanStream({ match: '*' });") }] }],
    },
    {
      name: "ioredis: send_command('KEYS', pattern)",
      code: ioredis("const found = await redis.send_command('KEYS', '*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: ioredis("const found = await redis.scanStream({ match: '*' });") }] }],
    },
    { name: "ioredis: call('keys') without a pattern has no suggestion", code: ioredis("const found = await redis.call('keys');"), errors: [{ ...keys(), suggestions: [] }] },
    { name: 'ioredis: keys() with a callback has no suggestion', code: ioredis("redis.keys('*', (err, found) => console.log(found));"), errors: [{ ...keys(3, 1), suggestions: [] }] },
    { name: 'ioredis: keys() on a pipeline has no suggestion', code: ioredis("const res = await redis.pipeline().keys('*').exec();"), errors: [{ ...keys(3, 19), suggestions: [] }] },
    { name: 'ioredis: keys() on a multi has no suggestion', code: ioredis("const res = await redis.multi().keys('*').exec();"), errors: [{ ...keys(3, 19), suggestions: [] }] },
    { name: 'ioredis: batch pipeline', code: ioredis("const res = await redis.pipeline([['keys', '*']]).exec();"), errors: [{ ...keys(3, 19), suggestions: [] }] },
    {
      name: 'ioredis: optional chaining',
      code: ioredis("const found = await redis?.keys('product:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: ioredis("const found = await redis.scanStream({ match: 'product:*' });") }] }],
    },
    {
      name: 'ioredis: default import',
      code: code("import Redis from 'ioredis';", 'const redis = new Redis();', "const found = await redis.keys('*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: code("import Redis from 'ioredis';", 'const redis = new Redis();', "const found = await redis.scanStream({ match: '*' });") }] }],
    },

    // node-redis
    {
      name: 'node-redis: keys() suggests scanIterator',
      code: nodeRedis("const found = await client.keys('product:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanIterator', output: nodeRedis("const found = await client.scanIterator({ MATCH: 'product:*' });") }] }],
    },
    {
      name: 'node-redis: KEYS() in upper case',
      code: nodeRedis("const found = await client.KEYS('product:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanIterator', output: nodeRedis("const found = await client.scanIterator({ MATCH: 'product:*' });") }] }],
    },
    {
      name: "node-redis: sendCommand(['KEYS', pattern]) suggests scanIterator",
      code: nodeRedis("const found = await client.sendCommand(['KEYS', 'product:*']);"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanIterator', output: nodeRedis("const found = await client.scanIterator({ MATCH: 'product:*' });") }] }],
    },
    {
      name: "node-redis: sendCommand(['keys', pattern]) in lower case",
      code: nodeRedis("const found = await client.sendCommand(['keys', '*']);"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanIterator', output: nodeRedis("const found = await client.scanIterator({ MATCH: '*' });") }] }],
    },
    { name: "node-redis: sendCommand(['KEYS']) without a pattern", code: nodeRedis("const found = await client.sendCommand(['KEYS']);"), errors: [{ ...keys(), suggestions: [] }] },
    { name: 'node-redis: keys() on a multi has no suggestion', code: nodeRedis("const res = await client.multi().keys('*').exec();"), errors: [{ ...keys(3, 19), suggestions: [] }] },

    // upstash: no SCAN iterator to suggest.
    { name: 'upstash: keys()', code: upstash("const found = await redis.keys('product:*');"), errors: [{ ...keys(), suggestions: [] }] },

    // Multi-file
    {
      name: 'imported ioredis client',
      code: code("import { redis } from './redis.js';", "export const all = () => redis.keys('product:*');"),
      filename: SHOP_FILE,
      errors: [{ ...keys(2, 26), suggestions: [{ messageId: 'useScanStream', output: code("import { redis } from './redis.js';", "export const all = () => redis.scanStream({ match: 'product:*' });") }] }],
    },
    {
      name: 'imported node-redis client',
      code: code("import { client } from './node-redis.js';", "export const all = () => client.keys('product:*');"),
      filename: SHOP_FILE,
      errors: [{ ...keys(2, 26), suggestions: [{ messageId: 'useScanIterator', output: code("import { client } from './node-redis.js';", "export const all = () => client.scanIterator({ MATCH: 'product:*' });") }] }],
    },
    {
      name: 'imported upstash client',
      code: code("import { kv } from './upstash.js';", "export const all = () => kv.keys('product:*');"),
      filename: SHOP_FILE,
      errors: [{ ...keys(2, 26), suggestions: [] }],
    },
  ],
});

jsRuleTester.run('no-keys-command (.js, espree)', rule, {
  valid: [{ name: 'js: scanStream', filename: 'file.js', code: code(...IOREDIS, "const stream = redis.scanStream({ match: 'p:*' });") }],
  invalid: [
    {
      name: 'js: ioredis keys()',
      filename: 'file.js',
      code: code(...IOREDIS, "const found = await redis.keys('p:*');"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanStream', output: code(...IOREDIS, "const found = await redis.scanStream({ match: 'p:*' });") }] }],
    },
    {
      name: "js: node-redis sendCommand(['KEYS', p])",
      filename: 'file.js',
      code: code(...NODE_REDIS, "const found = await client.sendCommand(['KEYS', 'p:*']);"),
      errors: [{ ...keys(), suggestions: [{ messageId: 'useScanIterator', output: code(...NODE_REDIS, "const found = await client.scanIterator({ MATCH: 'p:*' });") }] }],
    },
    {
      name: 'js: client imported from a .ts module on disk',
      filename: SHOP_JS_FILE,
      code: code("import { redis } from './redis.js';", "export const all = () => redis.call('keys', '*');"),
      errors: [{ ...keys(2, 26), suggestions: [{ messageId: 'useScanStream', output: code("import { redis } from './redis.js';", "export const all = () => redis.scanStream({ match: '*' });") }] }],
    },
  ],
});

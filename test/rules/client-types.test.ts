/**
 * `settings.keydrift.clientTypes` and `settings.keydrift.ignoredClientTypes`: client types in
 * typescript-eslint's TypeOrValueSpecifier shape, read by every rule (rules/utils/client-types.ts).
 * Tried through require-ttl (is the receiver a client at all?), no-keys-command (which flavour:
 * its suggestion differs for ioredis and node-redis) and no-inline-keys (the client's keyPrefix
 * survives).
 *
 * Typed cases lint `file.ts` in test/rules/fixtures/typed: `client-types.ts` declares an in-house
 * ioredis facade (`KeyValueStore`, `store`), a node-redis one (`NodeStore`, `nodeStore`), an
 * ioredis subclass used as a queue connection (`QueueConnection`, `queue`) and a node-redis
 * `RedisClientType` (`sessions`); `acme-cache.d.ts` declares the package `@acme/cache`.
 */
import noInlineKeys from '../../rules/no-inline-keys.js';
import noKeysCommand from '../../rules/no-keys-command.js';
import requireTtl from '../../rules/require-ttl.js';
import { code, fixture, jsRuleTester, ruleTester, typedRuleTester } from './rule-tester.js';

const missing = (line: number, key: string, column = 9) => ({ messageId: 'missingTtl' as const, line, column, data: { command: 'SET', key } });

// Typed: body[i] is on line 6 + i, and `await x.set(…)` starts at column 9.
const TYPED_HEADER = [
  '/// <reference path="./acme-cache.d.ts" />',
  "import { maybeStore, nodeStore, queue, sessions, store } from './client-types.js';",
  "import { services } from './services.js';",
  "import { cache } from '@acme/cache';",
  'export async function save(id: string) {',
];
const typed = (...body: string[]) => code(...TYPED_HEADER, ...body.map((l) => `  ${l}`), '}');

const FACADES = {
  keydrift: {
    clientTypes: [
      { client: 'ioredis', types: [{ from: 'file', name: 'KeyValueStore', path: 'client-types.ts' }] },
      { client: 'node-redis', types: [{ from: 'file', name: 'NodeStore' }] },
    ],
  },
};
const IGNORED = {
  keydrift: {
    // `redis` re-exports node-redis's types from `@redis/client`: either package name works.
    ignoredClientTypes: [{ from: 'file', name: 'QueueConnection' }, { from: 'package', package: 'redis', name: 'RedisClientType' }],
  },
};
const ACME_TYPE = { keydrift: { clientTypes: [{ client: 'ioredis', types: [{ from: 'package', package: '@acme/cache', name: 'CacheClient' }] }] } };
const ACME_VALUE = { keydrift: { clientTypes: [{ client: 'ioredis', types: [{ from: 'package', package: '@acme/cache', name: 'cache' }] }] } };
/** Broken entries are skipped one by one; the good entry in the middle still counts. */
const MALFORMED = {
  keydrift: {
    clientTypes: [
      null,
      42,
      'KeyValueStore',
      { client: 'memcached', types: [{ from: 'file', name: 'KeyValueStore' }] },
      { client: 'ioredis', types: [7, { from: 'lib' }, { from: 'package', name: 'x' }, { from: 'file', name: 'KeyValueStore' }, { from: 'file', name: [] }] },
      { client: 'node-redis' },
    ],
    ignoredClientTypes: { from: 'file', name: 'KeyValueStore' },
  },
};

typedRuleTester.run('client types (type information): require-ttl', requireTtl, {
  valid: [
    { name: 'typed, no settings: a facade declared in the project is not Redis', code: typed("await store.set(`product:${id}`, 'v');") },
    { name: 'typed clientTypes: the ioredis facade with EX', code: typed("await store.set(`product:${id}`, 'v', 'EX', 60);"), settings: FACADES },
    { name: 'typed clientTypes: the node-redis facade with EX', code: typed("await nodeStore.set(`product:${id}`, 'v', { EX: 60 });"), settings: FACADES },
    { name: 'typed ignoredClientTypes: an ioredis subclass named by file', code: typed("await queue.set(`job:${id}`, 'v');"), settings: IGNORED },
    { name: 'typed ignoredClientTypes: its multi() chain too', code: typed("await queue.multi().set(`job:${id}`, 'v').exec();"), settings: IGNORED },
    { name: 'typed ignoredClientTypes: its multi() held in a const', code: typed('const tx = queue.multi();', "tx.set(`job:${id}`, 'v');", 'await tx.exec();'), settings: IGNORED },
    { name: 'typed ignoredClientTypes: node-redis RedisClientType, named by package', code: typed("await sessions.set(`session:${id}`, 'v');"), settings: IGNORED },
    {
      name: 'typed: ignoredClientTypes wins over clientTypes',
      code: typed("await queue.set(`job:${id}`, 'v');"),
      settings: { keydrift: { ...IGNORED.keydrift, clientTypes: [{ client: 'ioredis', types: [{ from: 'file', name: 'QueueConnection' }] }] } },
    },
    { name: 'typed: a Map is never asked about', code: typed('const m = new Map<string, string>();', "m.set(`product:${id}`, 'v');"), settings: FACADES },
    { name: 'typed: settings that are not arrays are ignored', code: typed("await store.set(`product:${id}`, 'v');"), settings: { keydrift: { clientTypes: 'KeyValueStore', ignoredClientTypes: 7 } } },
    { name: 'typed: a file specifier with another path does not match', code: typed("await store.set(`product:${id}`, 'v');"), settings: { keydrift: { clientTypes: [{ client: 'ioredis', types: [{ from: 'file', name: 'KeyValueStore', path: 'elsewhere.ts' }] }] } } },
    {
      name: 'typed odd code: unresolved names, any, computed members, this outside a class',
      code: typed('await (undefinedThing as any).set(`a:${id}`, "v");', 'await (this as any)?.set(`a:${id}`, "v");', "await store['set'](`a:${id}`, 'v');", 'await (await import("./client-types.js")).store.get(`a:${id}`);'),
      settings: MALFORMED,
    },
  ],
  invalid: [
    { name: 'typed clientTypes: the ioredis facade without a TTL', code: typed("await store.set(`product:${id}`, 'v');"), settings: FACADES, errors: [missing(6, 'product:{id}')] },
    { name: 'typed clientTypes: an optional facade (T | undefined)', code: typed("await maybeStore?.set(`product:${id}`, 'v');"), settings: FACADES, errors: [missing(6, 'product:{id}')] },
    { name: 'typed clientTypes: a multi() chain on the facade', code: typed("await store.multi().set(`product:${id}`, 'v');"), settings: FACADES, errors: [missing(6, 'product:{id}')] },
    { name: 'typed clientTypes: the node-redis facade without a TTL', code: typed("await nodeStore.set(`product:${id}`, 'v');"), settings: FACADES, errors: [missing(6, 'product:{id}')] },
    { name: 'typed, no settings: the ioredis subclass is Redis', code: typed("await queue.set(`job:${id}`, 'v');"), errors: [missing(6, 'job:{id}')] },
    { name: 'typed, no settings: RedisClientType is Redis', code: typed("await sessions.set(`session:${id}`, 'v');"), errors: [missing(6, 'session:{id}')] },
    {
      name: 'typed ignoredClientTypes leaves other clients alone',
      code: typed("await queue.set(`job:${id}`, 'v');", "await services.redis.set(`product:${id}`, 'v');"),
      settings: IGNORED,
      errors: [missing(7, 'product:{id}')],
    },
    { name: 'typed clientTypes: a package type (an ambient module)', code: typed("await cache.set(`product:${id}`, 'v');"), settings: ACME_TYPE, errors: [missing(6, 'product:{id}')] },
    { name: 'typed clientTypes: a package value, by its import', code: typed("await cache.set(`product:${id}`, 'v');"), settings: ACME_VALUE, errors: [missing(6, 'product:{id}')] },
    { name: 'typed: malformed entries are skipped, the good one counts', code: typed("await store.set(`product:${id}`, 'v');"), settings: MALFORMED, errors: [missing(6, 'product:{id}')] },
  ],
});

typedRuleTester.run('client types (type information): no-keys-command picks the flavour', noKeysCommand, {
  valid: [{ name: 'typed, no settings: the facade is not Redis', code: typed("await store.keys('product:*');") }],
  invalid: [
    {
      name: 'typed clientTypes: an ioredis facade gets scanStream',
      code: typed("await store.keys('product:*');"),
      settings: FACADES,
      errors: [{ messageId: 'keysCommand', line: 6, column: 9, suggestions: [{ messageId: 'useScanStream', output: typed("await store.scanStream({ match: 'product:*' });") }] }],
    },
    {
      name: 'typed clientTypes: a node-redis facade gets scanIterator',
      code: typed("await nodeStore.keys('product:*');"),
      settings: FACADES,
      errors: [{ messageId: 'keysCommand', line: 6, column: 9, suggestions: [{ messageId: 'useScanIterator', output: typed("await nodeStore.scanIterator({ MATCH: 'product:*' });") }] }],
    },
  ],
});

const PREFIXED = code("import { Redis } from 'ioredis';", "const redis = new Redis({ keyPrefix: 'app:' });", 'export const read = (id: string) => redis.get(`product:${id}`);');

typedRuleTester.run('client types (type information): no-inline-keys', noInlineKeys, {
  valid: [{ name: 'typed, no settings: the facade is not Redis', code: typed('await store.get(`product:${id}`);') }],
  invalid: [
    {
      name: 'typed clientTypes naming ioredis itself: the keyPrefix is kept',
      code: PREFIXED,
      settings: { keydrift: { clientTypes: [{ client: 'ioredis', types: [{ from: 'package', package: 'ioredis', name: 'Redis' }] }] } },
      errors: [{ messageId: 'inlineKey', line: 3, column: 47, data: { key: 'app:product:{id}' } }],
    },
    {
      name: 'typed clientTypes: a node-redis facade hGetAll',
      code: typed('await nodeStore.hGetAll(`user:${id}`);'),
      settings: FACADES,
      errors: [{ messageId: 'inlineKey', line: 6, column: 27, data: { key: 'user:{id}' } }],
    },
  ],
});

// Untyped: `{ from: 'package' }` specifiers still work, through import data flow. Each body
// line sits in `save()`: body[i] is on line header.length + 2 + i.
const untyped = (header: string[], ...body: string[]) => code(...header, 'export async function save(id: string) {', ...body.map((l) => `  ${l}`), '}');
const ACME = ["import { cache } from '@acme/cache';"];
const CLUSTER = ["import { Cluster, Redis } from 'ioredis';", "const cluster = new Cluster([{ host: 'a', port: 6379 }]);", 'const redis = new Redis();'];
const NODE_TYPE = ["import type { RedisClientType } from 'redis';", 'declare const sessions: RedisClientType;'];
const ACME_SESSIONS = { keydrift: { clientTypes: [{ client: 'node-redis', types: [{ from: 'package', package: '@acme/sessions', name: ['sessions', 'SessionStore'] }] }] } };

ruleTester.run('client types (no type information): require-ttl', requireTtl, {
  valid: [
    { name: 'untyped, no settings: an in-house package is not Redis', code: untyped(ACME, "await cache.set(`product:${id}`, 'v');") },
    { name: 'untyped clientTypes: the in-house client with EX', code: untyped(ACME, "await cache.set(`product:${id}`, 'v', 'EX', 60);"), settings: ACME_VALUE },
    { name: 'untyped: another value of the package is not the client', code: untyped(["import { other } from '@acme/cache';"], "await other.set(`product:${id}`, 'v');"), settings: ACME_VALUE },
    { name: 'untyped: the same name from another package is not the client', code: untyped(["import { cache } from '@acme/cache-extra';"], "await cache.set(`product:${id}`, 'v');"), settings: ACME_VALUE },
    {
      name: 'untyped: a file specifier needs type information',
      code: untyped(["import { store } from './client-types.js';"], "await store.set(`product:${id}`, 'v');"),
      filename: fixture('typed', 'file.ts'),
      settings: FACADES,
    },
    { name: 'untyped ignoredClientTypes: an ioredis Cluster', code: untyped(CLUSTER, "await cluster.set(`job:${id}`, 'v');"), settings: { keydrift: { ignoredClientTypes: [{ from: 'package', package: 'ioredis', name: 'Cluster' }] } } },
    {
      name: 'untyped ignoredClientTypes: a node-redis RedisClientType annotation, named by @redis/client',
      code: untyped(NODE_TYPE, "await sessions.set(`session:${id}`, 'v');"),
      settings: { keydrift: { ignoredClientTypes: [{ from: 'package', package: '@redis/client', name: 'RedisClientType' }] } },
    },
    {
      name: 'untyped odd code: the rule does not throw',
      code: untyped(
        [...ACME, 'declare const x: any;', 'declare function getCache(): any;'],
        "await x?.[0]?.set(`a:${id}`, 'v');",
        "await this.set(`a:${id}`, 'v');",
        "await (() => cache)().set(`a:${id}`, 'v', 'EX', 1);",
        "await cache['set'](`a:${id}`, 'v');",
        "await (await getCache()).set(`a:${id}`, 'v', 'EX', 1);",
        "await (0, cache).set(`a:${id}`, 'v', 'EX', 1);",
        "await new.target?.set(`a:${id}`, 'v');",
        "const { set } = cache; await set(`a:${id}`, 'v');",
      ),
      settings: { keydrift: { ...MALFORMED.keydrift, ignoredClientTypes: [null, { from: 'package', package: '@acme/cache', name: 'cache' }, 'x', { from: 'file', name: 'y' }] } },
    },
  ],
  invalid: [
    { name: 'untyped clientTypes: a package value, by its import', code: untyped(ACME, "await cache.set(`product:${id}`, 'v');"), settings: ACME_VALUE, errors: [missing(3, 'product:{id}')] },
    {
      name: 'untyped clientTypes: through a namespace import',
      code: untyped(["import * as acme from '@acme/cache';"], "await acme.cache.set(`product:${id}`, 'v');"),
      settings: ACME_VALUE,
      errors: [missing(3, 'product:{id}')],
    },
    {
      name: 'untyped clientTypes: a subpath of the package',
      code: untyped(["import { cache } from '@acme/cache/node';"], "await cache.set(`product:${id}`, 'v');"),
      settings: ACME_VALUE,
      errors: [missing(3, 'product:{id}')],
    },
    { name: 'untyped clientTypes: held in a local const', code: untyped(ACME, 'const c = cache;', "await c.set(`product:${id}`, 'v');"), settings: ACME_VALUE, errors: [missing(4, 'product:{id}')] },
    { name: 'untyped clientTypes: its multi() chain', code: untyped(ACME, "await cache.multi().set(`product:${id}`, 'v').exec();"), settings: ACME_VALUE, errors: [missing(3, 'product:{id}')] },
    {
      name: 'untyped clientTypes: a parameter typed with the package type',
      code: code("import type { CacheClient } from '@acme/cache';", 'export async function save(c: CacheClient, id: string) {', "  await c.set(`product:${id}`, 'v');", '}'),
      settings: ACME_TYPE,
      errors: [missing(3, 'product:{id}')],
    },
    {
      name: 'untyped clientTypes: a constructor-injected field',
      code: code(
        "import { CacheClient } from '@acme/cache';",
        'export class Products {',
        '  constructor(private readonly kv: CacheClient | null) {}',
        '  async save(id: string) {',
        "    await this.kv?.set(`product:${id}`, 'v');",
        '  }',
        '}',
      ),
      settings: ACME_TYPE,
      errors: [missing(5, 'product:{id}', 11)],
    },
    {
      name: 'untyped clientTypes: constructed from the package class',
      code: code("import { CacheClient } from '@acme/cache';", 'const kv = new CacheClient();', "export const save = (id: string) => kv.set(`product:${id}`, 'v');"),
      settings: ACME_TYPE,
      errors: [missing(3, 'product:{id}', 37)],
    },
    {
      name: 'untyped ignoredClientTypes leaves other clients alone',
      code: untyped(CLUSTER, "await cluster.set(`job:${id}`, 'v');", "await redis.set(`product:${id}`, 'v');"),
      settings: { keydrift: { ignoredClientTypes: [{ from: 'package', package: 'ioredis', name: 'Cluster' }] } },
      errors: [missing(6, 'product:{id}')],
    },
    { name: 'untyped, no settings: the Cluster is Redis', code: untyped(CLUSTER, "await cluster.set(`job:${id}`, 'v');"), errors: [missing(5, 'job:{id}')] },
    { name: 'untyped, no settings: a RedisClientType annotation is Redis', code: untyped(NODE_TYPE, "await sessions.set(`session:${id}`, 'v');"), errors: [missing(4, 'session:{id}')] },
    {
      name: 'untyped odd settings: malformed entries are skipped, the good one counts',
      code: untyped(ACME, "await cache.set(`product:${id}`, 'v');"),
      settings: { keydrift: { clientTypes: [...MALFORMED.keydrift.clientTypes, ...ACME_VALUE.keydrift.clientTypes], ignoredClientTypes: 'cache' } },
      errors: [missing(3, 'product:{id}')],
    },
  ],
});

ruleTester.run('client types (no type information): no-keys-command picks the flavour', noKeysCommand, {
  valid: [{ name: 'untyped, no settings: not Redis', code: untyped(["import { sessions } from '@acme/sessions';"], "await sessions.keys('session:*');") }],
  invalid: [
    {
      name: 'untyped clientTypes: a node-redis value gets scanIterator',
      code: untyped(["import { sessions } from '@acme/sessions';"], "await sessions.keys('session:*');"),
      settings: ACME_SESSIONS,
      errors: [{ messageId: 'keysCommand', line: 3, column: 9, suggestions: [{ messageId: 'useScanIterator', output: untyped(["import { sessions } from '@acme/sessions';"], "await sessions.scanIterator({ MATCH: 'session:*' });") }] }],
    },
    {
      name: 'untyped clientTypes: an ioredis value gets scanStream',
      code: untyped(ACME, "await cache.keys('product:*');"),
      settings: ACME_VALUE,
      errors: [{ messageId: 'keysCommand', line: 3, column: 9, suggestions: [{ messageId: 'useScanStream', output: untyped(ACME, "await cache.scanStream({ match: 'product:*' });") }] }],
    },
  ],
});

jsRuleTester.run('client types (.js, espree): require-ttl', requireTtl, {
  valid: [{ name: 'js, no settings: not Redis', filename: 'file.js', code: code("import { cache } from '@acme/cache';", "export const save = (id) => cache.set(`product:${id}`, 'v');") }],
  invalid: [
    {
      name: 'js clientTypes: a package value',
      filename: 'file.js',
      code: code("import { cache } from '@acme/cache';", "export const save = (id) => cache.set(`product:${id}`, 'v');"),
      settings: ACME_VALUE,
      errors: [missing(2, 'product:{id}', 29)],
    },
    {
      name: 'js clientTypes: CommonJS require',
      filename: 'file.js',
      code: code("const { cache } = require('@acme/cache');", "exports.save = (id) => cache.set(`product:${id}`, 'v');"),
      settings: ACME_VALUE,
      errors: [missing(2, 'product:{id}', 24)],
    },
  ],
});

import rule from '../../rules/no-inline-keys.js';
import { code, col, fixture, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE, SHOP_REGISTRY, shopSettings } from './rule-tester.js';

// The shop fixture (test/rules/fixtures/shop): keys.ts builds `product:v2:{id}` (productKey),
// `user:{userId}:profile` (userProfileKey) and `cart:v3:{cartId}` (CacheKeys.cart); the registry
// also has `session:v2:{sid}` and `config:flags`, which no builder builds.
const IO = "import { redis } from './redis.js';";
const NR = "import { client } from './node-redis.js';";
const UP = "import { kv } from './upstash.js';";
const ALT_KEYS = fixture('shop', 'alt-keys.ts');
const KEYS = fixture('shop', 'keys.ts');

const inline = (line: number, text: string, needle: string, suggestions: { messageId: 'useBuilder'; output: string }[] = []) => ({
  messageId: 'inlineKey' as const,
  line,
  column: col(text, needle),
  suggestions,
});
const useBuilder = (output: string) => [{ messageId: 'useBuilder' as const, output }];

// Lines reused below (a case's line numbers are its positions in code(...)).
const IO_PRODUCT = 'export const read = (id: string) => redis.get(`product:v2:${id}`);';
const IO_PRODUCT_CONCAT = "export const read = (id: string) => redis.get('product:v2:' + id);";
const IO_CART = 'export const read = (cartId: string) => redis.hgetall(`cart:v3:${cartId}`);';
const NR_PRODUCT = 'export const read = (id: string) => client.get(`product:v2:${id}`);';
const NR_PROFILE = 'export const read = (userId: string) => client.hGetAll(`user:${userId}:profile`);';
const NR_SEND = "export const read = (id: string) => client.sendCommand(['GET', `product:v2:${id}`]);";
const UP_PRODUCT = 'export const read = (id: string) => kv.get(`product:v2:${id}`);';
const IO_SESSION = 'export const read = (sid: string) => redis.get(`session:v2:${sid}`);';
const IO_UNKNOWN = 'export const read = (id: string) => redis.get(`unknown:${id}`);';
const IO_FLAGS = "export const read = () => redis.get('config:flags');";
const IO_TWO = 'export const drop = (id: string, cartId: string) => redis.del(`product:v2:${id}`, `cart:v3:${cartId}`);';
const IO_MSET = "export const write = (id: string) => redis.mset({ 'config:flags': '{}', [`product:v2:${id}`]: 'v' });";

ruleTester.run('no-inline-keys', rule, {
  valid: [
    { name: 'ioredis: key from a builder function', code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'), filename: SHOP_FILE, settings: shopSettings },
    { name: 'ioredis: key from a static builder', code: code(IO, "import { CacheKeys } from './keys.js';", 'export const read = (id: string) => redis.hgetall(CacheKeys.cart(id));'), filename: SHOP_FILE, settings: shopSettings },
    { name: 'node-redis: key from a builder function', code: code(NR, "import { userProfileKey } from './keys.js';", 'export const read = (id: string) => client.hGetAll(userProfileKey(id));'), filename: SHOP_FILE, settings: shopSettings },
    { name: 'node-redis: sendCommand with a builder key', code: code(NR, "import { productKey } from './keys.js';", "export const read = (id: string) => client.sendCommand(['GET', productKey(id)]);"), filename: SHOP_FILE },
    { name: 'imported constant', code: code(IO, "import { FLAGS_KEY } from './legacy-keys.js';", 'export const read = () => redis.get(FLAGS_KEY);'), filename: SHOP_FILE },
    { name: 'module-level constant', code: code(IO, "const FLAGS = 'config:flags';", 'export const read = () => redis.get(FLAGS);'), filename: SHOP_FILE },
    { name: 'wrapper: the key is a parameter', code: code(IO, 'export async function cached(key: string) {', '  return redis.get(key);', '}'), filename: SHOP_FILE },
    { name: 'a parameter used whole as the key', code: code(NR, 'export const read = (id: string) => client.get(id);'), filename: SHOP_FILE },
    {
      name: 'allowedPatterns: an inline lock key',
      code: code(IO, "export const lock = (name: string) => redis.set(`lock:${name}`, '1', 'PX', 5000, 'NX');"),
      filename: SHOP_FILE,
      options: [{ allowedPatterns: ['lock:{name}'] }],
    },
    { name: 'allowedPatterns: node-redis', code: code(NR, "export const lock = (job: string) => client.set(`lock:${job}`, '1', { NX: true, PX: 5000 });"), filename: SHOP_FILE, options: [{ allowedPatterns: ['lock:{name}'] }] },
    { name: 'SCAN patterns are not keys', code: code(IO, "export const stream = redis.scanStream({ match: 'product:v2:*' });"), filename: SHOP_FILE },
    { name: 'node-redis scanIterator pattern', code: code(NR, "export const it = client.scanIterator({ MATCH: 'product:v2:*' });"), filename: SHOP_FILE },
    { name: 'KEYS patterns are left to no-keys-command', code: code(IO, "export const all = () => redis.keys('product:*');"), filename: SHOP_FILE },
    { name: 'pub/sub channels are not keys', code: code(IO, "export const notify = (id: string) => redis.publish('cache:invalidate', id);"), filename: SHOP_FILE },
    { name: 'node-redis subscribe channel', code: code(NR, "await client.subscribe('cache:invalidate', (message) => console.log(message));"), filename: SHOP_FILE },

    // Not Redis, or code the rule must survive.
    { name: 'Map#get with an inline key is not Redis', code: code('const cache = new Map<string, string>();', 'export const read = (id: string) => cache.get(`product:v2:${id}`);') },
    { name: 'computed member is not followed', code: code(IO, 'export const read = (id: string) => redis["get"](`product:v2:${id}`);'), filename: SHOP_FILE },
    { name: 'spread keys', code: code(IO, 'export const drop = (keys: string[]) => redis.del(...keys);'), filename: SHOP_FILE },
    { name: 'call() with no arguments', code: code(IO, 'export const ping = () => redis.call();'), filename: SHOP_FILE },
    { name: 'sendCommand([])', code: code(NR, 'export const nothing = () => client.sendCommand([]);'), filename: SHOP_FILE },
  ],
  invalid: [
    // ioredis
    {
      name: 'ioredis: template literal, replaced by the builder call and imported',
      code: code(IO, IO_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        inline(2, IO_PRODUCT, '`product', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'))),
      ],
    },
    {
      name: 'ioredis: concatenation',
      code: code(IO, IO_PRODUCT_CONCAT),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        inline(2, IO_PRODUCT_CONCAT, "'product", useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'))),
      ],
    },
    {
      name: 'ioredis: a local variable assigned a template literal',
      code: code(IO, 'export async function read(userId: string) {', '  const key = `user:${userId}:profile`;', '  return redis.get(key);', '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKeyVariable',
          line: 4,
          column: 20,
          data: { key: 'user:{userId}:profile' },
          suggestions: useBuilder(
            code(IO, "import { userProfileKey } from './keys.js';", 'export async function read(userId: string) {', '  const key = userProfileKey(userId);', '  return redis.get(key);', '}'),
          ),
        },
      ],
    },
    {
      name: 'ioredis: a local variable assigned a concatenation',
      code: code(IO, 'export async function drop(id: string) {', "  const key = 'product:v2:' + id;", '  await redis.del(key);', '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKeyVariable',
          line: 4,
          column: 19,
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", 'export async function drop(id: string) {', '  const key = productKey(id);', '  await redis.del(key);', '}')),
        },
      ],
    },
    {
      name: 'ioredis: a `let` is reported, but not resolved, so no suggestion',
      code: code(IO, 'export async function drop(id: string) {', "  let key = 'product:v2:' + id;", '  await redis.del(key);', '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [{ messageId: 'inlineKeyVariable', line: 4, column: 19, data: { key: "'product:v2:' + id" }, suggestions: [] }],
    },
    {
      name: 'ioredis: a static builder method',
      code: code(IO, IO_CART),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, IO_CART, '`cart', useBuilder(code(IO, "import { CacheKeys } from './keys.js';", 'export const read = (cartId: string) => redis.hgetall(CacheKeys.cart(cartId));')))],
    },
    {
      name: 'ioredis: hole text is any expression',
      code: code(IO, 'export const read = (p: { id: string }) => redis.get(`product:v2:${p.id}`);'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKey',
          line: 2,
          column: 54,
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (p: { id: string }) => redis.get(productKey(p.id));')),
        },
      ],
    },
    {
      name: 'ioredis: the builder is already imported',
      code: code(IO, "import { productKey } from './keys.js';", 'export const a = (id: string) => redis.get(productKey(id));', 'export const b = (id: string) => redis.del(`product:v2:${id}`);'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKey',
          line: 4,
          column: 44,
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const a = (id: string) => redis.get(productKey(id));', 'export const b = (id: string) => redis.del(productKey(id));')),
        },
      ],
    },
    {
      name: 'ioredis: another builder of the module is imported',
      code: code(IO, "import { productKey } from './keys.js';", 'export const a = (id: string) => redis.get(productKey(id));', 'export const b = (id: string) => redis.get(`user:${id}:profile`);'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKey',
          line: 4,
          column: 44,
          suggestions: useBuilder(
            code(
              IO,
              "import { productKey } from './keys.js';",
              "import { userProfileKey } from './keys.js';",
              'export const a = (id: string) => redis.get(productKey(id));',
              'export const b = (id: string) => redis.get(userProfileKey(id));',
            ),
          ),
        },
      ],
    },
    {
      name: 'ioredis: extensionless imports get an extensionless import',
      code: code("import { redis } from './redis';", IO_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, IO_PRODUCT, '`product', useBuilder(code("import { redis } from './redis';", "import { productKey } from './keys';", 'export const read = (id: string) => redis.get(productKey(id));')))],
    },
    {
      name: 'ioredis: a file in a subfolder imports the builder with ../',
      code: code("import { redis } from '../redis.js';", IO_PRODUCT),
      filename: fixture('shop', 'routes', 'products.ts'),
      settings: shopSettings,
      errors: [inline(2, IO_PRODUCT, '`product', useBuilder(code("import { redis } from '../redis.js';", "import { productKey } from '../keys.js';", 'export const read = (id: string) => redis.get(productKey(id));')))],
    },
    {
      name: 'ioredis: two inline keys in one call, one suggestion each',
      code: code(IO, IO_TWO),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        inline(2, IO_TWO, '`product', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const drop = (id: string, cartId: string) => redis.del(productKey(id), `cart:v3:${cartId}`);'))),
        inline(2, IO_TWO, '`cart', useBuilder(code(IO, "import { CacheKeys } from './keys.js';", 'export const drop = (id: string, cartId: string) => redis.del(`product:v2:${id}`, CacheKeys.cart(cartId));'))),
      ],
    },
    {
      name: 'ioredis: mset object keys (a property name gets no suggestion, a computed one does)',
      code: code(IO, IO_MSET),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        { messageId: 'inlineKey', line: 2, column: col(IO_MSET, "'config:flags'"), data: { key: 'config:flags' }, suggestions: [] },
        inline(2, IO_MSET, '`product', useBuilder(code(IO, "import { productKey } from './keys.js';", "export const write = (id: string) => redis.mset({ 'config:flags': '{}', [productKey(id)]: 'v' });"))),
      ],
    },
    {
      name: "ioredis: call('get', key)",
      code: code(IO, "export const read = (id: string) => redis.call('get', `product:v2:${id}`);"),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKey',
          line: 2,
          column: 55,
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", "export const read = (id: string) => redis.call('get', productKey(id));")),
        },
      ],
    },
    {
      name: 'ioredis: pipeline commands',
      code: code(IO, "export const warm = (id: string) => redis.pipeline().set(`product:v2:${id}`, 'v', 'EX', 60).exec();"),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKey',
          line: 2,
          column: 58,
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", "export const warm = (id: string) => redis.pipeline().set(productKey(id), 'v', 'EX', 60).exec();")),
        },
      ],
    },
    { name: 'ioredis: a registered family no builder builds', code: code(IO, IO_SESSION), filename: SHOP_FILE, settings: shopSettings, errors: [inline(2, IO_SESSION, '`session')] },
    { name: 'ioredis: an unregistered family', code: code(IO, IO_UNKNOWN), filename: SHOP_FILE, settings: shopSettings, errors: [inline(2, IO_UNKNOWN, '`unknown')] },
    { name: 'ioredis: a plain string', code: code(IO, IO_FLAGS), filename: SHOP_FILE, settings: shopSettings, errors: [{ ...inline(2, IO_FLAGS, "'config"), data: { key: 'config:flags' } }] },
    { name: 'ioredis: no registry, no suggestion', code: code(IO, IO_PRODUCT), filename: SHOP_FILE, errors: [{ ...inline(2, IO_PRODUCT, '`product'), data: { key: 'product:v2:{id}' } }] },
    {
      name: 'ioredis: the client created in the file',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', "export const read = (id: string) => redis.get('product:' + id);"),
      errors: [{ messageId: 'inlineKey', line: 3, column: 47, data: { key: 'product:{id}' }, suggestions: [] }],
    },
    {
      name: 'allowedPatterns does not cover other families',
      code: code(IO, 'export const read = (name: string) => redis.get(`locks:${name}`);'),
      filename: SHOP_FILE,
      options: [{ allowedPatterns: ['lock:{name}'] }],
      errors: [{ messageId: 'inlineKey', line: 2, column: 49, suggestions: [] }],
    },

    // node-redis
    {
      name: 'node-redis: template literal',
      code: code(NR, NR_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, NR_PRODUCT, '`product', useBuilder(code(NR, "import { productKey } from './keys.js';", 'export const read = (id: string) => client.get(productKey(id));')))],
    },
    {
      name: 'node-redis: hGetAll',
      code: code(NR, NR_PROFILE),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, NR_PROFILE, '`user', useBuilder(code(NR, "import { userProfileKey } from './keys.js';", 'export const read = (userId: string) => client.hGetAll(userProfileKey(userId));')))],
    },
    {
      name: "node-redis: sendCommand(['GET', key])",
      code: code(NR, NR_SEND),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, NR_SEND, '`product', useBuilder(code(NR, "import { productKey } from './keys.js';", "export const read = (id: string) => client.sendCommand(['GET', productKey(id)]);")))],
    },
    {
      name: 'node-redis: a local variable',
      code: code(NR, 'export async function drop(cartId: string) {', '  const key = `cart:v3:${cartId}`;', '  await client.unlink(key);', '}'),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [
        {
          messageId: 'inlineKeyVariable',
          line: 4,
          column: 23,
          suggestions: useBuilder(code(NR, "import { CacheKeys } from './keys.js';", 'export async function drop(cartId: string) {', '  const key = CacheKeys.cart(cartId);', '  await client.unlink(key);', '}')),
        },
      ],
    },
    { name: 'node-redis: no registry, no suggestion', code: code(NR, NR_PRODUCT), filename: SHOP_FILE, errors: [inline(2, NR_PRODUCT, '`product')] },

    // upstash
    {
      name: 'upstash: template literal',
      code: code(UP, UP_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      errors: [inline(2, UP_PRODUCT, '`product', useBuilder(code(UP, "import { productKey } from './keys.js';", 'export const read = (id: string) => kv.get(productKey(id));')))],
    },

    // Where the builders come from.
    {
      name: 'builders option: another module',
      code: code(IO, IO_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [ALT_KEYS] }],
      errors: [inline(2, IO_PRODUCT, '`product', useBuilder(code(IO, "import { productCacheKey } from './alt-keys.js';", 'export const read = (id: string) => redis.get(productCacheKey(id));')))],
    },
    {
      name: 'settings.keydrift.builders',
      code: code(NR, NR_PRODUCT),
      filename: SHOP_FILE,
      settings: { keydrift: { registry: SHOP_REGISTRY, builders: [ALT_KEYS] } },
      errors: [inline(2, NR_PRODUCT, '`product', useBuilder(code(NR, "import { productCacheKey } from './alt-keys.js';", 'export const read = (id: string) => client.get(productCacheKey(id));')))],
    },
    {
      name: 'two builders for one family: no suggestion',
      code: code(IO, IO_PRODUCT),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [KEYS, ALT_KEYS] }],
      errors: [inline(2, IO_PRODUCT, '`product')],
    },
  ],
});

const JS_PRODUCT = 'export const read = (id) => redis.get(`product:v2:${id}`);';

jsRuleTester.run('no-inline-keys (.js, espree)', rule, {
  valid: [{ name: 'js: builder key', filename: SHOP_JS_FILE, code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id) => redis.get(productKey(id));'), settings: shopSettings }],
  invalid: [
    {
      name: 'js: inline key with the builder suggestion',
      filename: SHOP_JS_FILE,
      settings: shopSettings,
      code: code(IO, JS_PRODUCT),
      errors: [inline(2, JS_PRODUCT, '`product', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (id) => redis.get(productKey(id));')))],
    },
    {
      name: 'js: client created in the file, no registry',
      filename: 'file.js',
      code: code("import { createClient } from 'redis';", 'const client = createClient();', "export const read = (id) => client.get('product:' + id);"),
      errors: [{ messageId: 'inlineKey', line: 3, column: 40, data: { key: 'product:{id}' }, suggestions: [] }],
    },
  ],
});

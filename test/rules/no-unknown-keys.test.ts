import rule from '../../rules/no-unknown-keys.js';
import { code, col, fixture, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE, shopSettings } from './rule-tester.js';

// The shop registry (test/rules/fixtures/shop/keydrift.keys.json) deprecates `product:{id}` for
// `product:v2:{id}` (built by keys.ts productKey), `cart:{cartId}` for `cart:v3:{cartId}`
// (CacheKeys.cart) and `session:{sid}` for `session:v2:{sid}`, which no builder builds.
const IO = "import { redis } from './redis.js';";
const NR = "import { client } from './node-redis.js';";
const UP = "import { kv } from './upstash.js';";

const withRegistry = { filename: SHOP_FILE, settings: shopSettings };

type Suggestion = { messageId: 'useBuilder' | 'useReplacement'; output: string };
const unknown = (line: number, text: string, needle: string, key: string) => ({ messageId: 'unknownKey' as const, line, column: col(text, needle), data: { key }, suggestions: [] });
const deprecated = (line: number, text: string, needle: string, key: string, suggestions: Suggestion[] = []) => {
  const [old, replacement] = key.startsWith('product') ? ['product:{id}', 'product:v2:{id}'] : key.startsWith('cart') ? ['cart:{cartId}', 'cart:v3:{cartId}'] : ['session:{sid}', 'session:v2:{sid}'];
  return { messageId: 'deprecatedKey' as const, line, column: col(text, needle), data: { key, deprecated: old, replacement }, suggestions };
};
const useBuilder = (output: string): Suggestion[] => [{ messageId: 'useBuilder', output }];
const useReplacement = (output: string): Suggestion[] => [{ messageId: 'useReplacement', output }];

const IO_UNKNOWN = 'export const read = (id: string) => redis.get(`unknown:${id}`);';
const IO_UNKNOWN_STRING = "export const read = () => redis.get('stats:daily');";
const IO_OLD_PRODUCT = 'export const read = (id: string) => redis.get(`product:${id}`);';
const IO_OLD_PRODUCT_CONCAT = "export const drop = (id: string) => redis.del('product:' + id);";
const IO_OLD_CART = 'export const read = (cartId: string) => redis.hgetall(`cart:${cartId}`);';
const IO_OLD_SESSION = 'export const read = (sid: string) => redis.get(`session:${sid}`);';
const IO_OLD_SESSION_CONCAT = "export const read = (id: string) => redis.get('session:' + id);";
const IO_LEGACY_BUILDER = 'export const read = (id: string) => redis.get(oldProductKey(id));';
const IO_CONDITIONAL = 'export const read = (id: string, v2: boolean) => redis.get(v2 ? `product:v2:${id}` : `product:${id}`);';
const IO_CONDITIONAL_UNKNOWN = "export const read = (eu: boolean) => redis.get(eu ? 'stats:eu' : 'stats:us');";
const IO_MSET = "export const write = (id: string) => redis.mset({ 'product:1': 'x', nope: 'y', [`session:${id}`]: 'z' });";
const IO_DEL_TWO = 'export const drop = (id: string, cartId: string) => redis.del(`product:${id}`, `cart:${cartId}`);';
const NR_OLD_PRODUCT = 'export const read = (id: string) => client.get(`product:${id}`);';
const NR_OLD_CART = 'export const read = (cartId: string) => client.hGetAll(`cart:${cartId}`);';
const NR_OLD_SESSION = 'export const drop = (sid: string) => client.del(`session:${sid}`);';
const NR_SEND_UNKNOWN = "export const read = (id: string) => client.sendCommand(['GET', `nope:${id}`]);";
const NR_SEND_OLD = "export const read = (id: string) => client.sendCommand(['GET', `product:${id}`]);";
const UP_OLD_PRODUCT = 'export const read = (id: string) => kv.get(`product:${id}`);';
const UP_UNKNOWN = 'export const read = (id: string) => kv.get(`nope:${id}`);';

ruleTester.run('no-unknown-keys', rule, {
  valid: [
    { name: 'ioredis: builder function key', code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'), ...withRegistry },
    { name: 'ioredis: static builder key', code: code(IO, "import { CacheKeys } from './keys.js';", 'export const read = (id: string) => redis.hgetall(CacheKeys.cart(id));'), ...withRegistry },
    { name: 'ioredis: registered inline template (inline is no-inline-keys’ business)', code: code(IO, 'export const read = (id: string) => redis.get(`product:v2:${id}`);'), ...withRegistry },
    { name: 'ioredis: registered plain key', code: code(IO, "export const read = () => redis.get('config:flags');"), ...withRegistry },
    { name: 'ioredis: registered key from an imported constant', code: code(IO, "import { FLAGS_KEY } from './legacy-keys.js';", 'export const read = () => redis.get(FLAGS_KEY);'), ...withRegistry },
    { name: 'ioredis: a wholly unknown key is not guessed', code: code(IO, 'export const read = (key: string) => redis.get(key);'), ...withRegistry },
    { name: 'ioredis: SCAN patterns are not keys', code: code(IO, "export const stream = redis.scanStream({ match: 'whatever:*' });"), ...withRegistry },
    { name: 'ioredis: KEYS patterns are not keys', code: code(IO, "export const all = () => redis.keys('whatever:*');"), ...withRegistry },
    { name: 'ioredis: pub/sub channels are not keys', code: code(IO, "export const notify = (id: string) => redis.publish('whatever', id);"), ...withRegistry },
    { name: 'node-redis: builder key', code: code(NR, "import { userProfileKey } from './keys.js';", 'export const read = (id: string) => client.hGetAll(userProfileKey(id));'), ...withRegistry },
    { name: 'node-redis: registered inline template', code: code(NR, 'export const read = (sid: string) => client.get(`session:v2:${sid}`);'), ...withRegistry },
    { name: 'node-redis: scanIterator pattern', code: code(NR, "export const it = client.scanIterator({ MATCH: 'whatever:*' });"), ...withRegistry },
    { name: "node-redis: sendCommand(['GET', registered])", code: code(NR, "export const read = (id: string) => client.sendCommand(['GET', `product:v2:${id}`]);"), ...withRegistry },
    { name: 'upstash: registered key', code: code(UP, 'export const read = (id: string) => kv.get(`user:${id}:profile`);'), ...withRegistry },
    { name: 'no registry in settings: the rule is off', code: code(IO, IO_UNKNOWN), filename: SHOP_FILE },
    { name: 'a registry that does not exist: the rule is off', code: code(IO, IO_UNKNOWN), filename: SHOP_FILE, settings: { keydrift: { registry: fixture('shop', 'missing.keys.json') } } },

    // Not Redis, or code the rule must survive.
    { name: 'Map#get with an unknown key is not Redis', code: code('const cache = new Map<string, string>();', 'export const read = (id: string) => cache.get(`nope:${id}`);'), ...withRegistry },
    { name: 'computed member is not followed', code: code(IO, 'export const read = (id: string) => redis["get"](`nope:${id}`);'), ...withRegistry },
    { name: 'spread keys', code: code(IO, 'export const drop = (keys: string[]) => redis.del(...keys);'), ...withRegistry },
    { name: 'call() with no arguments', code: code(IO, 'export const x = () => redis.call();'), ...withRegistry },
    { name: 'sendCommand([])', code: code(NR, 'export const x = () => client.sendCommand([]);'), ...withRegistry },
    { name: 'optional chaining on a registered key', code: code(IO, 'export const read = (id: string) => redis?.get(`product:v2:${id}`);'), ...withRegistry },
  ],
  invalid: [
    // Unknown families
    { name: 'ioredis: unknown template', code: code(IO, IO_UNKNOWN), ...withRegistry, errors: [unknown(2, IO_UNKNOWN, '`unknown', 'unknown:{id}')] },
    { name: 'ioredis: unknown plain key', code: code(IO, IO_UNKNOWN_STRING), ...withRegistry, errors: [unknown(2, IO_UNKNOWN_STRING, "'stats", 'stats:daily')] },
    {
      name: 'ioredis: a conditional key, one error per unknown template',
      code: code(IO, IO_CONDITIONAL_UNKNOWN),
      ...withRegistry,
      errors: [unknown(2, IO_CONDITIONAL_UNKNOWN, 'eu ?', 'stats:eu'), unknown(2, IO_CONDITIONAL_UNKNOWN, 'eu ?', 'stats:us')],
    },
    {
      name: 'ioredis: the client created in the file',
      code: code("import { Redis } from 'ioredis';", 'const redis = new Redis();', IO_UNKNOWN),
      ...withRegistry,
      errors: [unknown(3, IO_UNKNOWN, '`unknown', 'unknown:{id}')],
    },
    { name: "node-redis: sendCommand(['GET', unknown])", code: code(NR, NR_SEND_UNKNOWN), ...withRegistry, errors: [unknown(2, NR_SEND_UNKNOWN, '`nope', 'nope:{id}')] },
    { name: 'upstash: unknown template', code: code(UP, UP_UNKNOWN), ...withRegistry, errors: [unknown(2, UP_UNKNOWN, '`nope', 'nope:{id}')] },

    // Deprecated families: the replacement as a builder call when a registry builder builds it.
    {
      name: 'ioredis: deprecated template literal, replaced by the builder call',
      code: code(IO, IO_OLD_PRODUCT),
      ...withRegistry,
      errors: [deprecated(2, IO_OLD_PRODUCT, '`product', 'product:{id}', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));')))],
    },
    {
      name: 'ioredis: deprecated concatenation',
      code: code(IO, IO_OLD_PRODUCT_CONCAT),
      ...withRegistry,
      errors: [deprecated(2, IO_OLD_PRODUCT_CONCAT, "'product", 'product:{id}', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const drop = (id: string) => redis.del(productKey(id));')))],
    },
    {
      name: 'ioredis: deprecated family replaced by a static builder',
      code: code(IO, IO_OLD_CART),
      ...withRegistry,
      errors: [deprecated(2, IO_OLD_CART, '`cart', 'cart:{cartId}', useBuilder(code(IO, "import { CacheKeys } from './keys.js';", 'export const read = (cartId: string) => redis.hgetall(CacheKeys.cart(cartId));')))],
    },
    {
      name: 'ioredis: deprecated key in a local variable, the initializer is rewritten',
      code: code(IO, 'export async function drop(id: string) {', '  const key = `product:${id}`;', '  await redis.del(key);', '}'),
      ...withRegistry,
      errors: [
        {
          messageId: 'deprecatedKey',
          line: 4,
          column: 19,
          data: { key: 'product:{id}', deprecated: 'product:{id}', replacement: 'product:v2:{id}' },
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", 'export async function drop(id: string) {', '  const key = productKey(id);', '  await redis.del(key);', '}')),
        },
      ],
    },
    {
      name: 'ioredis: the builder is already imported',
      code: code(IO, "import { productKey } from './keys.js';", 'export const a = (id: string) => redis.get(productKey(id));', 'export const b = (id: string) => redis.del(`product:${id}`);'),
      ...withRegistry,
      errors: [
        {
          messageId: 'deprecatedKey',
          line: 4,
          column: 44,
          data: { key: 'product:{id}', deprecated: 'product:{id}', replacement: 'product:v2:{id}' },
          suggestions: useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const a = (id: string) => redis.get(productKey(id));', 'export const b = (id: string) => redis.del(productKey(id));')),
        },
      ],
    },
    {
      name: 'ioredis: two deprecated keys in one del',
      code: code(IO, IO_DEL_TWO),
      ...withRegistry,
      errors: [
        deprecated(2, IO_DEL_TWO, '`product', 'product:{id}', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const drop = (id: string, cartId: string) => redis.del(productKey(id), `cart:${cartId}`);'))),
        deprecated(2, IO_DEL_TWO, '`cart', 'cart:{cartId}', useBuilder(code(IO, "import { CacheKeys } from './keys.js';", 'export const drop = (id: string, cartId: string) => redis.del(`product:${id}`, CacheKeys.cart(cartId));'))),
      ],
    },

    // Deprecated families no builder builds: the template literal is rewritten.
    {
      name: 'ioredis: deprecated template literal, rewritten',
      code: code(IO, IO_OLD_SESSION),
      ...withRegistry,
      errors: [deprecated(2, IO_OLD_SESSION, '`session', 'session:{sid}', useReplacement(code(IO, 'export const read = (sid: string) => redis.get(`session:v2:${sid}`);')))],
    },
    {
      name: 'ioredis: deprecated concatenation, rewritten as a template literal',
      code: code(IO, IO_OLD_SESSION_CONCAT),
      ...withRegistry,
      errors: [deprecated(2, IO_OLD_SESSION_CONCAT, "'session", 'session:{id}', useReplacement(code(IO, 'export const read = (id: string) => redis.get(`session:v2:${id}`);')))],
    },

    // Deprecated keys with no inline text to rewrite.
    {
      name: 'ioredis: deprecated key from an imported builder (no suggestion)',
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_LEGACY_BUILDER),
      ...withRegistry,
      errors: [deprecated(3, IO_LEGACY_BUILDER, 'oldProductKey(id)', 'product:{id}')],
    },
    {
      name: 'ioredis: a conditional with one deprecated branch',
      code: code(IO, IO_CONDITIONAL),
      ...withRegistry,
      errors: [deprecated(2, IO_CONDITIONAL, 'v2 ?', 'product:{id}')],
    },
    {
      name: 'ioredis: mset keys (property names get no suggestion, a computed one does)',
      code: code(IO, IO_MSET),
      ...withRegistry,
      errors: [
        deprecated(2, IO_MSET, "'product:1'", 'product:1'),
        unknown(2, IO_MSET, 'nope', 'nope'),
        deprecated(2, IO_MSET, '`session', 'session:{id}', useReplacement(code(IO, "export const write = (id: string) => redis.mset({ 'product:1': 'x', nope: 'y', [`session:v2:${id}`]: 'z' });"))),
      ],
    },

    // node-redis
    {
      name: 'node-redis: deprecated template literal',
      code: code(NR, NR_OLD_PRODUCT),
      ...withRegistry,
      errors: [deprecated(2, NR_OLD_PRODUCT, '`product', 'product:{id}', useBuilder(code(NR, "import { productKey } from './keys.js';", 'export const read = (id: string) => client.get(productKey(id));')))],
    },
    {
      name: 'node-redis: deprecated hash key, static builder',
      code: code(NR, NR_OLD_CART),
      ...withRegistry,
      errors: [deprecated(2, NR_OLD_CART, '`cart', 'cart:{cartId}', useBuilder(code(NR, "import { CacheKeys } from './keys.js';", 'export const read = (cartId: string) => client.hGetAll(CacheKeys.cart(cartId));')))],
    },
    {
      name: 'node-redis: deprecated key, rewritten',
      code: code(NR, NR_OLD_SESSION),
      ...withRegistry,
      errors: [deprecated(2, NR_OLD_SESSION, '`session', 'session:{sid}', useReplacement(code(NR, 'export const drop = (sid: string) => client.del(`session:v2:${sid}`);')))],
    },
    {
      name: "node-redis: sendCommand(['GET', deprecated])",
      code: code(NR, NR_SEND_OLD),
      ...withRegistry,
      errors: [deprecated(2, NR_SEND_OLD, '`product', 'product:{id}', useBuilder(code(NR, "import { productKey } from './keys.js';", "export const read = (id: string) => client.sendCommand(['GET', productKey(id)]);")))],
    },

    // upstash
    {
      name: 'upstash: deprecated template literal',
      code: code(UP, UP_OLD_PRODUCT),
      ...withRegistry,
      errors: [deprecated(2, UP_OLD_PRODUCT, '`product', 'product:{id}', useBuilder(code(UP, "import { productKey } from './keys.js';", 'export const read = (id: string) => kv.get(productKey(id));')))],
    },
  ],
});

const JS_OLD = 'export const read = (id) => redis.get(`product:${id}`);';
const JS_UNKNOWN = 'export const read = (id) => redis.get(`nope:${id}`);';

jsRuleTester.run('no-unknown-keys (.js, espree)', rule, {
  valid: [{ name: 'js: registered key', filename: SHOP_JS_FILE, settings: shopSettings, code: code(IO, 'export const read = (id) => redis.get(`product:v2:${id}`);') }],
  invalid: [
    {
      name: 'js: deprecated key with the builder suggestion',
      filename: SHOP_JS_FILE,
      settings: shopSettings,
      code: code(IO, JS_OLD),
      errors: [deprecated(2, JS_OLD, '`product', 'product:{id}', useBuilder(code(IO, "import { productKey } from './keys.js';", 'export const read = (id) => redis.get(productKey(id));')))],
    },
    { name: 'js: unknown key', filename: SHOP_JS_FILE, settings: shopSettings, code: code(IO, JS_UNKNOWN), errors: [unknown(2, JS_UNKNOWN, '`nope', 'nope:{id}')] },
  ],
});

/**
 * no-inline-keys `builders` naming builder *functions* (TypeOrValueSpecifier-like entries), beside
 * the builder modules it always accepted. Once any entry names a function, a key that comes from
 * a call must come from a builder: a named builder function, or a function of a listed builder
 * module. With module paths only, a call is never reported (as before).
 *
 * The shop fixture (test/rules/fixtures/shop): keys.ts exports productKey, userProfileKey and
 * CacheKeys.cart; alt-keys.ts productCacheKey; legacy-keys.ts oldProductKey (`product:{id}`).
 */
import { typeOrValueSpecifiersSchema } from '@typescript-eslint/type-utils';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/no-inline-keys.js';
import { code, col, fixture, jsRuleTester, ruleTester, SHOP_FILE, SHOP_JS_FILE, SHOP_REGISTRY, shopSettings, typedRuleTester } from './rule-tester.js';

const IO = "import { redis } from './redis.js';";
const NR = "import { client } from './node-redis.js';";
const KEYS = fixture('shop', 'keys.ts');
const ALT_KEYS = fixture('shop', 'alt-keys.ts');

const PRODUCT_KEY = { from: 'file' as const, path: KEYS, name: 'productKey' };
const CACHE_KEYS = { from: 'file' as const, path: KEYS, name: 'CacheKeys' };
const ACME_KEYS = { from: 'package' as const, package: '@acme/keys', name: ['productKey', 'cartKey'] };

const notBuilder = (line: number, text: string, needle: string, key: string, callee: string) => ({
  messageId: 'notBuilder' as const,
  line,
  column: col(text, needle),
  data: { key, callee },
  suggestions: [],
});

const IO_OLD = 'export const drop = (id: string) => redis.del(oldProductKey(id));';
const NR_GLOBAL = 'export const read = () => client.get(crypto.randomUUID());';
const IO_LOWER = 'export const read = (id: string) => redis.get(productKey(id).toLowerCase());';
const IO_COMMA = 'export const read = (id: string) => redis.get((0, productKey)(id));';
const NR_PROFILE = 'export const read = (id: string) => client.hGetAll(userProfileKey(id));';
const IO_INLINE = 'export const read = (id: string) => redis.get(`product:v2:${id}`);';

ruleTester.run('no-inline-keys: builder functions', rule, {
  valid: [
    { name: 'ioredis: a named builder function', code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'), filename: SHOP_FILE, options: [{ builders: [PRODUCT_KEY] }] },
    { name: 'ioredis: an optional call of a builder', code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey?.(id));'), filename: SHOP_FILE, options: [{ builders: [PRODUCT_KEY] }] },
    { name: 'node-redis: a class named: its static methods are builders', code: code(NR, "import { CacheKeys } from './keys.js';", 'export const read = (id: string) => client.hGetAll(CacheKeys.cart(id));'), filename: SHOP_FILE, options: [{ builders: [CACHE_KEYS] }] },
    {
      name: 'node-redis: one static method named',
      code: code(NR, "import { CacheKeys } from './keys.js';", 'export const read = (id: string) => client.hGetAll(CacheKeys.cart(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [{ from: 'file', path: KEYS, name: 'CacheKeys.cart' }] }],
    },
    {
      name: 'ioredis: a builder call held in a local const',
      code: code(IO, "import { productKey } from './keys.js';", 'export async function read(id: string) {', '  const key = productKey(id);', '  return redis.get(key);', '}'),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
    },
    {
      name: 'ioredis: through a re-export (export { productKey as barrelProductKey } from)',
      code: code(IO, "import { barrelProductKey } from './keys-barrel.js';", 'export const read = (id: string) => redis.get(barrelProductKey(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
    },
    { name: 'ioredis: an aliased import', code: code(IO, "import { productKey as pk } from './keys.js';", 'export const read = (id: string) => redis.get(pk(id));'), filename: SHOP_FILE, options: [{ builders: [PRODUCT_KEY] }] },
    { name: 'ioredis: a namespace import', code: code(IO, "import * as keys from './keys.js';", 'export const read = (id: string) => redis.get(keys.productKey(id));'), filename: SHOP_FILE, options: [{ builders: [PRODUCT_KEY] }] },
    {
      name: 'no path: a function of that name in any project file',
      code: code(NR, "import { userProfileKey } from './keys.js';", NR_PROFILE),
      filename: SHOP_FILE,
      options: [{ builders: [{ from: 'file', name: ['productKey', 'userProfileKey'] }] }],
    },
    {
      name: 'no path: a builder written in the linted file',
      code: code(IO, 'const localKey = (id: string) => `product:v2:${id}`;', 'export const read = (id: string) => redis.get(localKey(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [{ from: 'file', name: 'localKey' }] }],
    },
    {
      name: 'modules and functions mixed: functions of a listed module count too',
      code: code(IO, "import { userProfileKey } from './keys.js';", "import { productCacheKey } from './alt-keys.js';", 'export const a = (id: string) => redis.get(userProfileKey(id));', 'export const b = (id: string) => redis.get(productCacheKey(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [KEYS, { from: 'file', path: ALT_KEYS, name: 'productCacheKey' }] }],
    },
    { name: 'a package builder', code: code(IO, "import { productKey } from '@acme/keys';", 'export const read = (id: string) => redis.get(productKey(id));'), filename: SHOP_FILE, options: [{ builders: [ACME_KEYS] }] },
    { name: 'a package builder through a namespace import', code: code(NR, "import * as k from '@acme/keys';", 'export const read = (id: string) => client.get(k.cartKey(id));'), filename: SHOP_FILE, options: [{ builders: [ACME_KEYS] }] },
    {
      name: 'settings.keydrift.builders may name functions',
      code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id: string) => redis.get(productKey(id));'),
      filename: SHOP_FILE,
      settings: { keydrift: { registry: SHOP_REGISTRY, builders: [PRODUCT_KEY] } },
    },
    {
      name: 'modules only (as before): a call to any function is not reported',
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_OLD),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [KEYS] }],
    },
    { name: 'no builders at all (as before): a call is not reported', code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_OLD), filename: SHOP_FILE },
    {
      name: 'allowedPatterns covers a key from a call',
      code: code(IO, 'const lockKey = (name: string) => `lock:${name}`;', "export const lock = (name: string) => redis.set(lockKey(name), '1', 'PX', 5000, 'NX');"),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY], allowedPatterns: ['lock:{name}'] }],
    },
    {
      name: 'parameters, module constants and wrappers as before',
      code: code(IO, "import { FLAGS_KEY } from './legacy-keys.js';", 'export const a = () => redis.get(FLAGS_KEY);', 'export const b = (id: string) => redis.get(id);', 'export const c = (key: string) => redis.get(String(key));'),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
    },
    { name: 'not Redis: a Map with a key from any call', code: code('const m = new Map<string, string>();', 'export const read = (id: string) => m.get(String(id));'), options: [{ builders: [PRODUCT_KEY] }] },
    {
      name: 'odd code: the rule does not throw',
      code: code(
        IO,
        "import { productKey } from './keys.js';",
        'declare const f: any;',
        'export async function odd(id: string) {',
        '  await redis.get(...[productKey(id)]);',
        '  await redis.call();',
        '  await redis.get(productKey(id), ...f);',
        '}',
      ),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      settings: { keydrift: { builders: [42, null, { from: 'lib', name: 'x' }, { from: 'file' }, 'nowhere.ts'] } },
    },
    {
      name: 'odd settings: malformed builder entries are skipped',
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_OLD),
      filename: SHOP_FILE,
      settings: { keydrift: { builders: [42, null, { from: 'lib', name: 'x' }, { from: 'file' }, { from: 'package', name: 'x' }] } },
    },
  ],
  invalid: [
    {
      name: 'ioredis: a call to another function',
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_OLD),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(3, IO_OLD, 'oldProductKey(', 'product:{id}', 'oldProductKey')],
    },
    {
      name: 'node-redis: a call to a global',
      code: code(NR, NR_GLOBAL),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(2, NR_GLOBAL, 'crypto', 'crypto.randomUUID()', 'crypto.randomUUID')],
    },
    {
      name: 'node-redis: a local const from another function',
      code: code(NR, "import { oldProductKey } from './legacy-keys.js';", 'export async function drop(id: string) {', '  const key = oldProductKey(id);', '  await client.unlink(key);', '}'),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [{ messageId: 'notBuilder', line: 4, column: 15, data: { key: 'product:{id}', callee: 'oldProductKey' }, suggestions: [] }],
    },
    {
      name: 'ioredis: a function of the same name declared elsewhere is not the builder',
      code: code(IO, 'const productKey = (id: string) => `product:v2:${id}`;', 'export const read = (id: string) => redis.get(productKey(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(3, 'export const read = (id: string) => redis.get(productKey(id));', 'productKey(', 'product:v2:{id}', 'productKey')],
    },
    {
      name: 'node-redis: functions named, so the registry builder modules no longer apply',
      code: code(NR, "import { userProfileKey } from './keys.js';", NR_PROFILE),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [{ from: 'file', path: ALT_KEYS, name: 'productCacheKey' }] }],
      errors: [notBuilder(3, NR_PROFILE, 'userProfileKey(', 'user:{id}:profile', 'userProfileKey')],
    },
    {
      name: 'node-redis: another static method of a class whose one method is named',
      code: code(NR, "import { CacheKeys } from './keys.js';", 'export const read = (id: string) => client.hGetAll(CacheKeys.cart(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [{ from: 'file', path: KEYS, name: 'CacheKeys.product' }] }],
      errors: [notBuilder(3, 'export const read = (id: string) => client.hGetAll(CacheKeys.cart(id));', 'CacheKeys', 'cart:v3:{id}', 'CacheKeys.cart')],
    },
    {
      name: 'ioredis: a method called on a builder result',
      code: code(IO, "import { productKey } from './keys.js';", IO_LOWER),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(3, IO_LOWER, 'productKey(', 'productKey(id).toLowerCase()', 'productKey(id).toLowerCase')],
    },
    {
      name: 'ioredis: an indirect call is not followed',
      code: code(IO, "import { productKey } from './keys.js';", IO_COMMA),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(3, IO_COMMA, '(0,', '(0, productKey)(id)', '(0, productKey)')],
    },
    {
      name: 'the same name from another package',
      code: code(IO, "import { productKey } from '@other/keys';", 'export const read = (id: string) => redis.get(productKey(id));'),
      filename: SHOP_FILE,
      options: [{ builders: [ACME_KEYS] }],
      errors: [notBuilder(3, 'export const read = (id: string) => redis.get(productKey(id));', 'productKey(', 'productKey(id)', 'productKey')],
    },
    {
      name: 'inline keys are still reported',
      code: code(IO, IO_INLINE),
      filename: SHOP_FILE,
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [{ messageId: 'inlineKey', line: 2, column: col(IO_INLINE, '`product'), suggestions: [] }],
    },
    {
      name: 'settings.keydrift.builders naming a function',
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", IO_OLD),
      filename: SHOP_FILE,
      settings: { keydrift: { builders: [PRODUCT_KEY] } },
      errors: [notBuilder(3, IO_OLD, 'oldProductKey(', 'product:{id}', 'oldProductKey')],
    },
    {
      name: 'a named builder with a path also drives the suggestion for inline keys',
      code: code(IO, IO_INLINE),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [{ from: 'file', path: ALT_KEYS, name: 'productCacheKey' }] }],
      errors: [
        {
          messageId: 'inlineKey',
          line: 2,
          column: col(IO_INLINE, '`product'),
          suggestions: [{ messageId: 'useBuilder', output: code(IO, "import { productCacheKey } from './alt-keys.js';", 'export const read = (id: string) => redis.get(productCacheKey(id));') }],
        },
      ],
    },
    {
      name: 'a builder the entry does not name offers no suggestion',
      code: code(IO, IO_INLINE),
      filename: SHOP_FILE,
      settings: shopSettings,
      options: [{ builders: [{ from: 'file', path: KEYS, name: 'userProfileKey' }] }],
      errors: [{ messageId: 'inlineKey', line: 2, column: col(IO_INLINE, '`product'), suggestions: [] }],
    },
  ],
});

const JS_OLD = 'export const drop = (id) => redis.del(oldProductKey(id));';

jsRuleTester.run('no-inline-keys: builder functions (.js, espree)', rule, {
  valid: [{ name: 'js: a named builder', filename: SHOP_JS_FILE, code: code(IO, "import { productKey } from './keys.js';", 'export const read = (id) => redis.get(productKey(id));'), options: [{ builders: [PRODUCT_KEY] }] }],
  invalid: [
    {
      name: 'js: another function',
      filename: SHOP_JS_FILE,
      code: code(IO, "import { oldProductKey } from './legacy-keys.js';", JS_OLD),
      options: [{ builders: [PRODUCT_KEY] }],
      errors: [notBuilder(3, JS_OLD, 'oldProductKey(', 'product:{id}', 'oldProductKey')],
    },
  ],
});

// Typed: test/rules/fixtures/typed/keys.ts exports productKey and legacyProductKey; services.ts an
// ioredis client known only from its type.
const TYPED_KEYS = { from: 'file' as const, path: fixture('typed', 'keys.ts'), name: 'productKey' };
const TYPED_HEADER = ["import { services } from './services.js';", "import { legacyProductKey, productKey } from './keys.js';"];
const TYPED_LEGACY = 'export const read = (id: string) => services.redis.get(legacyProductKey(id));';

typedRuleTester.run('no-inline-keys: builder functions (type information)', rule, {
  valid: [
    { name: 'typed: a named builder', code: code(...TYPED_HEADER, 'export const read = (id: string) => services.redis.get(productKey(id));'), options: [{ builders: [TYPED_KEYS] }] },
    { name: 'typed: modules only, any call', code: code(...TYPED_HEADER, TYPED_LEGACY), options: [{ builders: [fixture('typed', 'keys.ts')] }] },
    {
      // The typed tester lints `file.ts` with the working directory test/rules/fixtures/typed.
      name: 'typed: a path relative to the working directory',
      code: code(...TYPED_HEADER, 'export const read = (id: string) => services.redis.get(productKey(id));'),
      options: [{ builders: [{ from: 'file', path: 'keys.ts', name: 'productKey' }] }],
    },
    {
      name: 'typed: settings.keydrift.builders, relative to the working directory',
      code: code(...TYPED_HEADER, 'export const read = (id: string) => services.redis.get(productKey(id));'),
      settings: { keydrift: { builders: [{ from: 'file', path: './keys.ts', name: ['productKey'] }] } },
    },
  ],
  invalid: [
    {
      name: 'typed: another function of the same module',
      code: code(...TYPED_HEADER, TYPED_LEGACY),
      options: [{ builders: [TYPED_KEYS] }],
      errors: [notBuilder(3, TYPED_LEGACY, 'legacyProductKey(', 'product:{id}', 'legacyProductKey')],
    },
    {
      name: 'typed: settings.keydrift.builders, another function',
      code: code(...TYPED_HEADER, TYPED_LEGACY),
      settings: { keydrift: { builders: [{ from: 'file', path: './keys.ts', name: ['productKey'] }] } },
      errors: [notBuilder(3, TYPED_LEGACY, 'legacyProductKey(', 'product:{id}', 'legacyProductKey')],
    },
  ],
});

describe('builder function schema', () => {
  it("takes `name` exactly as typescript-eslint's TypeOrValueSpecifier schema does (it is written out to keep type-utils out of every lint run)", () => {
    const options = (rule.meta.schema as unknown as { properties: { builders: { items: { oneOf: { properties?: { name: object } }[] } } } }[])[0];
    const { description: _description, ...name } = options.properties.builders.items.oneOf[1].properties!.name as { description?: string };
    expect(name).toEqual(typeOrValueSpecifiersSchema.items.oneOf[1].properties.name);
  });
});

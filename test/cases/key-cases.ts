/**
 * The shared table of key-resolution cases: code a user writes and the template(s) keydrift must
 * give for each Redis call. The analyzer runs it typed and untyped; the ESLint rules will run
 * the same table, so both give the same template for the same code.
 *
 * `expected` lists `command template` per call site in file order (`null` for an unresolved key).
 */
export interface KeyCase {
  name: string;
  files: Record<string, string>;
  expected: string[];
  /** Only with type information (literal union types). */
  typedOnly?: boolean;
  /**
   * Only the whole-program analyzer: wrapper layers are followed to their callers in other
   * files, which a per-file rule cannot see (a rule sees the call inside the wrapper instead).
   */
  analyzerOnly?: boolean;
}

const IOREDIS = `import Redis from 'ioredis';\nexport const redis = new Redis();\n`;
const NODE_REDIS = `import { createClient } from 'redis';\nexport const client = createClient();\n`;

export const keyCases: KeyCase[] = [
  {
    name: 'string literal and template literal',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.get('config:global'); await redis.get(\`product:v2:\${id}\`); }` },
    expected: ['get config:global', 'get product:v2:{id}'],
  },
  {
    name: 'concatenation and property holes',
    files: { 'src/main.ts': `${IOREDIS}export async function f(p: { id: number }) { await redis.del('product:' + p.id); }` },
    expected: ['del product:{id}'],
  },
  {
    name: 'local const and imported const',
    files: {
      'src/prefix.ts': `export const PREFIX = 'product:v2';\n`,
      'src/main.ts': `${IOREDIS}import { PREFIX } from './prefix.js';\nconst SEP = ':';\nexport async function f(id: string) { await redis.get(PREFIX + SEP + id); }`,
    },
    expected: ['get product:v2:{id}'],
  },
  {
    name: 're-exported const through export * and export { as }',
    files: {
      'src/keys/base.ts': `export const productPrefix = 'product:v2';\n`,
      'src/keys/index.ts': `export * from './base.js';\nexport { productPrefix as PRODUCT } from './base.js';\n`,
      'src/main.ts': `${IOREDIS}import { PRODUCT, productPrefix } from './keys/index.js';\nexport async function f(id: string) { await redis.get(\`\${PRODUCT}:\${id}\`); await redis.del(\`\${productPrefix}:\${id}\`); }`,
    },
    expected: ['get product:v2:{id}', 'del product:v2:{id}'],
  },
  {
    name: 'as const object and nested object',
    files: { 'src/main.ts': `${IOREDIS}const KEYS = { product: 'product:v2', user: { profile: 'user-profile' } } as const;\nexport async function f(id: string) { await redis.get(\`\${KEYS.product}:\${id}\`); await redis.get(\`\${KEYS.user.profile}:\${id}\`); }` },
    expected: ['get product:v2:{id}', 'get user-profile:{id}'],
  },
  {
    name: 'string enum and numeric enum',
    files: { 'src/main.ts': `${IOREDIS}enum Prefix { Product = 'product', User = 'user' }\nenum Version { V0, V1, V2 }\nexport async function f(id: string) { await redis.get(\`\${Prefix.Product}:v\${Version.V2}:\${id}\`); }` },
    expected: ['get product:v2:{id}'],
  },
  {
    name: 'key-builder function with arguments substituted',
    files: {
      'src/keys.ts': `export function productKey(id: string) { return \`product:v2:\${id}\`; }\nexport const userKey = (userId: string) => \`user:\${userId}:profile\`;\n`,
      'src/main.ts': `${IOREDIS}import { productKey, userKey } from './keys.js';\nexport async function f(sku: string) { await redis.get(productKey(sku)); await redis.del(userKey('42')); }`,
    },
    expected: ['get product:v2:{sku}', 'del user:42:profile'],
  },
  {
    name: 'default parameters applied',
    files: { 'src/main.ts': `${IOREDIS}function listKey(page: number, locale = 'en') { return \`products:\${locale}:\${page}\`; }\nexport async function f(p: number) { await redis.get(listKey(p)); await redis.get(listKey(p, 'de')); }` },
    expected: ['get products:en:{p}', 'get products:de:{p}'],
  },
  {
    name: 'static methods: CacheKeys.product(id)',
    files: {
      'src/cache-keys.ts': `export class CacheKeys {\n  static readonly VERSION = 'v2';\n  static product(id: string) { return \`product:\${CacheKeys.VERSION}:\${id}\`; }\n  static userProducts(userId: string) { return \`user:\${userId}:products:v2\`; }\n}\n`,
      'src/main.ts': `${IOREDIS}import { CacheKeys } from './cache-keys.js';\nexport async function f(id: string) { await redis.get(CacheKeys.product(id)); await redis.del(CacheKeys.userProducts(id)); }`,
    },
    expected: ['get product:v2:{id}', 'del user:{id}:products:v2'],
  },
  {
    name: 'object of key builders and namespace import',
    files: {
      'src/keys.ts': `export const Keys = { product: (id: string) => \`product:v2:\${id}\`, session(sid: string) { return \`session:\${sid}\`; } };\nexport const feed = (u: string) => \`feed:\${u}\`;\n`,
      'src/main.ts': `${IOREDIS}import { Keys } from './keys.js';\nimport * as keys from './keys.js';\nexport async function f(id: string) { await redis.get(Keys.product(id)); await redis.get(Keys.session(id)); await redis.get(keys.feed(id)); }`,
    },
    expected: ['get product:v2:{id}', 'get session:{id}', 'get feed:{id}'],
  },
  {
    name: 'conditional gives several templates',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string, draft: boolean) { await redis.get(draft ? \`draft:\${id}\` : \`product:v2:\${id}\`); }` },
    expected: ['get draft:{id} product:v2:{id}'],
  },
  {
    name: 'join over known parts',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.get(['product', 'v2', id].join(':')); }` },
    expected: ['get product:v2:{id}'],
  },
  {
    name: 'wholly unknown key is null, never guessed',
    files: { 'src/main.ts': `${IOREDIS}declare function computeKey(): string;\nexport async function f() { await redis.get(computeKey()); }` },
    expected: ['get null'],
  },
  {
    name: 'finite union type expanded with types',
    files: { 'src/main.ts': `${IOREDIS}export type Region = 'eu' | 'us';\nexport async function f(region: Region, id: string) { await redis.get(\`price:\${region}:\${id}\`); }` },
    expected: ['get price:eu:{id} price:us:{id}'],
    typedOnly: true,
  },
  {
    name: 'ioredis keyPrefix applies to keys, not to KEYS or SCAN patterns',
    files: { 'src/main.ts': `import Redis from 'ioredis';\nconst redis = new Redis({ keyPrefix: 'shop:' });\nexport async function f(id: string) { await redis.get(\`product:\${id}\`); await redis.keys('product:*'); await redis.scan(0, 'MATCH', 'product:*'); }` },
    expected: ['get shop:product:{id}', 'keys product:*', 'scan product:*'],
  },
  {
    name: 'hash tags: literal braces are escaped',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.get(\`{user:\${id}}:cart\`); }` },
    expected: ['get {{user:{id}}}:cart'],
  },
  {
    name: 'wrapper layer followed to its callers',
    files: {
      'src/cache-service.ts': `import Redis from 'ioredis';\nexport class CacheService {\n  constructor(private readonly redis: Redis) {}\n  async get(key: string) { return this.redis.get(key); }\n  async invalidate(key: string) { await this.redis.del(key); }\n}\n`,
      'src/main.ts': `import Redis from 'ioredis';\nimport { CacheService } from './cache-service.js';\nconst cache = new CacheService(new Redis());\nexport async function f(id: string) { await cache.get(\`product:v2:\${id}\`); await cache.invalidate(\`product:v2:\${id}\`); }`,
    },
    expected: ['get product:v2:{id}', 'del product:v2:{id}'],
    analyzerOnly: true,
  },
  {
    name: 'function wrapper with a prefix, two layers',
    files: {
      'src/cache.ts': `import Redis from 'ioredis';\nconst redis = new Redis();\nexport function cacheGet(key: string) { return redis.get('app:' + key); }\nexport function productGet(productKey: string) { return cacheGet(productKey); }\n`,
      'src/main.ts': `import { productGet } from './cache.js';\nexport async function f(id: string) { await productGet(\`product:\${id}\`); }`,
    },
    expected: ['get app:product:{id}'],
    analyzerOnly: true,
  },
  {
    name: 'node-redis: camelCase methods, options objects, arrays',
    files: { 'src/main.ts': `${NODE_REDIS}export async function f(id: string) { await client.hGetAll(\`user:\${id}\`); await client.set(\`user:\${id}:name\`, 'x', { EX: 60 }); await client.del([\`a:\${id}\`, \`b:\${id}\`]); }` },
    expected: ['hgetall user:{id}', 'set user:{id}:name', 'del a:{id} b:{id}'],
  },
  {
    name: 'raw command forms: call and sendCommand',
    files: {
      'src/io.ts': `${IOREDIS}export async function f(id: string) { await redis.call('GET', \`product:\${id}\`); }`,
      'src/nr.ts': `import { createClient } from 'redis';\nconst client = createClient();\nexport async function g(id: string) { await client.sendCommand(['DEL', \`product:\${id}\`]); }`,
    },
    expected: ['get product:{id}', 'del product:{id}'],
  },
  {
    name: 'pipeline and multi chains, batch arrays',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.pipeline().get(\`a:\${id}\`).del(\`b:\${id}\`).exec(); const m = redis.multi(); m.set(\`c:\${id}\`, '1', 'EX', 5); await m.exec(); await redis.pipeline([['get', \`d:\${id}\`]]).exec(); }` },
    expected: ['del b:{id}', 'get a:{id}', 'set c:{id}', 'get d:{id}'],
  },
  {
    name: 'clients from class fields, injection, duplicate() and factories',
    files: {
      'src/factory.ts': `import Redis from 'ioredis';\nexport function getRedis() { return new Redis(); }\n`,
      'src/main.ts': `import Redis, { Cluster } from 'ioredis';\nimport { getRedis } from './factory.js';\nconst sub = getRedis().duplicate();\nconst cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }]);\nexport class Svc {\n  private field = new Redis();\n  constructor(private readonly injected: Redis) {}\n  async run() { await this.field.get('a'); await this.injected.get('b'); await sub.get('c'); await cluster.get('d'); }\n}`,
    },
    expected: ['get a', 'get b', 'get c', 'get d'],
  },
  {
    name: 'a Map is not Redis',
    files: { 'src/main.ts': `${IOREDIS}const local = new Map<string, string>();\nexport async function f(id: string) { local.get(\`product:\${id}\`); local.set('x', 'y'); local.delete('x'); await redis.get(\`product:\${id}\`); }` },
    expected: ['get product:{id}'],
  },
  {
    name: 'upstash client',
    files: { 'src/main.ts': `import { Redis } from '@upstash/redis';\nconst redis = Redis.fromEnv();\nexport async function f(id: string) { await redis.set(\`product:\${id}\`, 'x', { ex: 60 }); await redis.unlink(\`product:\${id}\`); }` },
    expected: ['set product:{id}', 'unlink product:{id}'],
  },
  {
    name: 'mset object form and getdel, getex, expire family',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.mset({ [\`a:\${id}\`]: '1', 'b:static': '2' }); await redis.getdel(\`c:\${id}\`); await redis.getex(\`d:\${id}\`, 'EX', 5); await redis.pexpire(\`e:\${id}\`, 500); }` },
    expected: ['mset a:{id} b:static', 'getdel c:{id}', 'getex d:{id}', 'pexpire e:{id}'],
  },
  {
    name: 'module commands through their namespace (node-redis and upstash)',
    files: {
      'src/nr.ts': `${NODE_REDIS}export async function f(id: string) { await client.json.get(\`doc:\${id}\`); await client.json.set(\`doc:\${id}\`, '$', { a: 1 }); }`,
      'src/up.ts': `import { Redis } from '@upstash/redis';\nconst redis = new Redis({ url: 'https://example.invalid', token: 't' });\nexport async function g(id: string) { await redis.json.del(\`doc:\${id}\`); }`,
    },
    expected: ['json.get doc:{id}', 'json.set doc:{id}', 'json.del doc:{id}'],
  },
  {
    name: 'keys built per element with .map, also spread',
    files: { 'src/main.ts': `${IOREDIS}const productKey = (id: string) => \`product:v2:\${id}\`;\nexport async function f(ids: string[]) { await redis.mget(ids.map((id) => productKey(id))); await redis.del(...ids.map((i) => \`lock:\${i}\`)); }` },
    expected: ['mget product:v2:{id}', 'del lock:{i}'],
  },
  {
    name: 'CommonJS: require and module.exports',
    files: {
      'src/redis.js': `const Redis = require('ioredis');\nconst redis = new Redis({ keyPrefix: 'cjs:' });\nmodule.exports = { redis };\n`,
      'src/keys.js': `exports.productKey = (id) => \`product:v2:\${id}\`;\n`,
      'src/main.js': `const { redis } = require('./redis');\nconst { productKey } = require('./keys');\nasync function f(id) { await redis.get(productKey(id)); }\nmodule.exports = { f };\n`,
    },
    expected: ['get cjs:product:v2:{id}'],
  },
  {
    name: 'publish and subscribe channels',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string) { await redis.publish('cache:invalidate', id); await redis.subscribe('cache:invalidate'); }` },
    expected: ['publish cache:invalidate', 'subscribe cache:invalidate'],
  },
  {
    name: 'a command that needs a key, called without one or with a callback, is not a Redis call',
    files: { 'src/main.ts': `${IOREDIS}export async function f(id: string, items: number[]) { await redis.sort(\`list:\${id}\`); (redis as any).sort(); items.sort((a, b) => a - b); }` },
    expected: ['sort list:{id}'],
  },
  {
    name: 'a literal default or an element of string[] is a hole, not a type query',
    files: { 'src/main.ts': `${IOREDIS}export async function f(ids: readonly string[], locale = 'en') { for (const id of ids) await redis.get(\`summary:\${id}:\${locale}\`); await redis.mget(ids.map((i) => \`product:\${i}\`)); }` },
    expected: ['get summary:{id}:{locale}', 'mget product:{i}'],
  },
  {
    name: 'elements of a finite-union array are expanded with types',
    files: { 'src/main.ts': `${IOREDIS}export type Region = 'eu' | 'us';\nexport async function f(regions: Region[]) { for (const r of regions) await redis.del(\`price:\${r}\`); await redis.mget(regions.map((g) => \`rate:\${g}\`)); }` },
    expected: ['del price:eu price:us', 'mget rate:eu rate:us'],
    typedOnly: true,
  },
  {
    name: 'a property declared with a finite union is expanded with types, one declared string is a hole',
    files: {
      'src/model.ts': `export interface Price {\n  region: 'eu' | 'us';\n  id: string;\n}\n`,
      'src/main.ts': `${IOREDIS}import type { Price } from './model.js';\ninterface Plan { tier: 'a' | 'b'; name: string }\nexport async function f(price: Price, plan: Plan) { await redis.get(\`price:\${price.region}:\${price.id}\`); await redis.get(\`plan:\${plan.tier}:\${plan.name}\`); }`,
    },
    expected: ['get price:eu:{id} price:us:{id}', 'get plan:a:{name} plan:b:{name}'],
    typedOnly: true,
  },
  {
    name: 'wrapper callers that pass the key by spread, or leave a defaulted key out',
    files: {
      'src/cache.ts': `import Redis from 'ioredis';\nconst redis = new Redis();\nexport function cacheDel(key: string) { return redis.del(key); }\nexport function configGet(prefix: string, key = 'config:global') { return redis.get(key); }\n`,
      'src/main.ts': `import { cacheDel, configGet } from './cache.js';\nexport async function f(id: string) { const args = [\`lock:\${id}\`] as const; await cacheDel(...args); await configGet('app'); }`,
    },
    // A spread cannot be matched to the key parameter: the caller's key is unknown, not guessed.
    expected: ['del null', 'get config:global'],
    analyzerOnly: true,
  },
];

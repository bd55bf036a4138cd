// Deterministic generator of a synthetic TypeScript service tree with realistic Redis usage.
//
//   import { generateTree } from './generate.mjs';
//   const manifest = generateTree('bench/.out/tree-1000', 1000, 42);
//
// or from the command line: `node bench/generate.mjs <dir> <fileCount> [seed]`.
//
// The tree is meant to be created somewhere below /work/main (bench/.out/) so that `ioredis`,
// `redis` and `@types/node` resolve by walking up to the package's node_modules.
//
// File i of the tree depends only on (seed, i) and on files < i, so a smaller tree is a prefix of
// a bigger one generated with the same seed.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the generated output changes, so cached trees in bench/.out are regenerated. */
export const GENERATOR_VERSION = 7;
export const MARKER_FILE = '.keydrift-bench.json';

// ---------------------------------------------------------------------------------------------
// PRNG

export function mulberry32(a) {
  return function () {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(...parts) {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function makeRng(seed, ...salt) {
  const next = mulberry32(hash32(seed, ...salt));
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    weighted(entries) {
      let total = 0;
      for (const [, w] of entries) total += w;
      let r = next() * total;
      for (const [v, w] of entries) {
        r -= w;
        if (r < 0) return v;
      }
      return entries[entries.length - 1][0];
    },
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Domain vocabulary

const DOMAIN_NAMES = [
  'product', 'user', 'order', 'cart', 'inventory', 'session', 'catalog', 'pricing', 'review',
  'shipment', 'payment', 'notification', 'search', 'tenant', 'coupon', 'wishlist', 'account',
  'recommendation', 'store', 'category',
];
const KINDS = ['services', 'repositories', 'jobs', 'handlers'];
const SUBFOLDERS = ['core', 'admin', 'public', 'internal', 'sync', 'reporting', 'imports', 'legacy'];
const FIELDS = ['name', 'status', 'region', 'currency', 'owner', 'label', 'channel', 'segment'];
const VERBS = ['refresh', 'rebuild', 'sync', 'reconcile', 'archive', 'recompute', 'publish', 'expire'];
const NOUNS = ['Details', 'Summary', 'Snapshot', 'Profile', 'Listing', 'Overview', 'Stats', 'Digest'];

const pascal = (s) => s[0].toUpperCase() + s.slice(1);
const upper = (s) => s.toUpperCase();

function domainInfo(name, index) {
  // Version segment of the main key family: most domains are versioned, some are not.
  const version = ['v2', 'v2', 'v3', 'v1', null][index % 5];
  const main = version ? `${name}:${version}` : name;
  return {
    name,
    index,
    P: pascal(name),
    U: upper(name),
    version,
    main, // prefix of the detail key family
    record: `${pascal(name)}Record`,
    keysModule: `keys/${name}`,
    modelModule: `modules/${name}/model`,
  };
}

const DOMAINS = DOMAIN_NAMES.map(domainInfo);

// ---------------------------------------------------------------------------------------------
// Shared files

function tsconfig() {
  return JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'ESNext',
        moduleResolution: 'bundler',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        esModuleInterop: true,
        types: ['node'],
      },
      include: ['src'],
    },
    null,
    2,
  ) + '\n';
}

function packageJson() {
  return JSON.stringify(
    {
      name: 'keydrift-bench-service',
      private: true,
      type: 'module',
      dependencies: { ioredis: '*', redis: '*' },
    },
    null,
    2,
  ) + '\n';
}

const REDIS_TS = `import Redis from 'ioredis';

export const redis = new Redis({
  host: process.env.REDIS_HOST ?? '127.0.0.1',
  port: Number(process.env.REDIS_PORT ?? 6379),
  lazyConnect: true,
  maxRetriesPerRequest: 2,
});

export const DEFAULT_TTL = 300;
`;

const NODE_REDIS_TS = `import { createClient } from 'redis';

export const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });

export async function connectNodeRedis(): Promise<void> {
  if (!client.isOpen) {
    await client.connect();
  }
}
`;

const DB_TS = `export interface Row {
  [column: string]: unknown;
}

export class Database {
  private statements = 0;

  async query<T = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.statements += 1;
    void sql;
    void params;
    return [];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    this.statements += 1;
    void sql;
    return params.length;
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    return fn(this);
  }

  get count(): number {
    return this.statements;
  }
}

export const db = new Database();
`;

const LOGGER_TS = `export type Level = 'debug' | 'info' | 'warn' | 'error';

const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: Level = 'info';

export function setLevel(level: Level): void {
  threshold = level;
}

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (order[level] < order[threshold]) return;
  const suffix = Object.entries(fields)
    .map(([k, v]) => \`\${k}=\${String(v)}\`)
    .join(' ');
  console.log(\`[\${level}] \${message}\${suffix ? ' ' + suffix : ''}\`);
}
`;

const CACHE_SERVICE_TS = `import { redis, DEFAULT_TTL } from '../redis';

/** Thin wrapper over ioredis, used by some modules instead of the raw client. */
export class CacheService {
  constructor(private readonly defaultTtl: number = DEFAULT_TTL) {}

  async get(key: string): Promise<string | null> {
    return redis.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number = this.defaultTtl): Promise<void> {
    await redis.set(key, value, 'EX', ttlSeconds);
  }

  async invalidate(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await redis.del(...keys);
  }
}

export const cache = new CacheService();
`;

const BUS_TS = `import { redis } from '../redis';
import { log } from '../logger';

export const INVALIDATION_CHANNEL = 'cache:invalidate';

type Listener = (key: string) => void;
const listeners: Listener[] = [];

export function onInvalidate(listener: Listener): void {
  listeners.push(listener);
}

export async function publishInvalidation(key: string): Promise<void> {
  await redis.publish(INVALIDATION_CHANNEL, key);
}

export async function startInvalidationListener(): Promise<void> {
  const sub = redis.duplicate();
  await sub.subscribe(INVALIDATION_CHANNEL);
  sub.on('message', (channel: string, message: string) => {
    if (channel !== INVALIDATION_CHANNEL) return;
    log('debug', 'invalidate', { key: message });
    for (const listener of listeners) listener(message);
  });
}
`;

const UTIL_TS = `export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

export function today(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

export function safeJson<T>(raw: string | null): T | null {
  if (raw === null || raw === '') return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
`;

function keysModule(d) {
  const v = d.version ? `${d.version}:` : '';
  return `// Key builders for the ${d.name} domain.

export const ${d.name}Key = (id: string) => \`${d.name}:${v}\${id}\`;

export const ${d.name}ListKey = (page: number) => \`${d.name}:list:\${page}\`;

export function ${d.name}IndexKey(): string {
  return '${d.name}:index';
}

export const ${d.name}RankKey = (bucket: string) => \`${d.name}:rank:\${bucket}\`;

export function ${d.name}HashKey(id: string): string {
  return \`${d.name}:h:\${id}\`;
}

export const ${d.name}TenantKey = (tenantId: string, id: string) => \`t:\${tenantId}:${d.name}:\${id}\`;

export const ${d.U}_KEYS = {
  prefix: '${d.main}',
  stats: '${d.name}:stats',
  tags: '${d.name}:tags',
  lock: '${d.name}:lock',
} as const;

export type ${d.P}KeyKind = keyof typeof ${d.U}_KEYS;
`;
}

function cacheKeysModule() {
  const methods = DOMAINS.map(
    (d) => `  static ${d.name}(id: string): string {
    return \`cache:${d.name}:\${id}\`;
  }

  static ${d.name}Summary(id: string, locale = 'en'): string {
    return \`cache:${d.name}:summary:\${locale}:\${id}\`;
  }
`,
  ).join('\n');
  return `export class CacheKeys {
${methods}}
`;
}

function keysIndex() {
  return DOMAINS.map((d) => `export * from './${d.name}';`).join('\n') + "\nexport { CacheKeys } from './cache-keys';\n";
}

function modelModule(d) {
  return `export type ${d.P}Status = 'active' | 'archived' | 'pending';

export interface ${d.record} {
  id: string;
  tenantId: string;
  name: string;
  status: ${d.P}Status;
  price: number;
  tags: string[];
  updatedAt: number;
}

export function to${d.P}Record(row: Record<string, unknown>): ${d.record} {
  return {
    id: String(row.id ?? ''),
    tenantId: String(row.tenant_id ?? 'default'),
    name: String(row.name ?? ''),
    status: (row.status as ${d.P}Status | undefined) ?? 'pending',
    price: Number(row.price ?? 0),
    tags: Array.isArray(row.tags) ? row.tags.map(String) : [],
    updatedAt: Number(row.updated_at ?? 0),
  };
}

export function parse${d.P}(raw: string | null): ${d.record} | null {
  if (!raw) return null;
  return JSON.parse(raw) as ${d.record};
}

export function from${d.P}Hash(hash: Record<string, string>): ${d.record} | null {
  if (!hash.id) return null;
  return {
    id: hash.id,
    tenantId: hash.tenantId ?? 'default',
    name: hash.name ?? '',
    status: (hash.status as ${d.P}Status | undefined) ?? 'pending',
    price: Number(hash.price ?? 0),
    tags: (hash.tags ?? '').split(',').filter(Boolean),
    updatedAt: Number(hash.updatedAt ?? 0),
  };
}
`;
}

function registry() {
  const keys = {};
  const deprecated = {};
  for (const d of DOMAINS) {
    const by = [`${d.name}s`];
    keys[d.name] = { template: `${d.main}:{id}`, ttl: { max: 86400 }, invalidatedBy: by, description: `${d.P} detail, cache-aside` };
    keys[`${d.name}List`] = { template: `${d.name}:list:{page}`, ttl: { max: 300 }, invalidatedBy: by };
    keys[`${d.name}Index`] = { template: `${d.name}:index`, ttl: { max: 14400 }, invalidatedBy: by };
    keys[`${d.name}Rank`] = { template: `${d.name}:rank:{bucket}`, ttl: { none: true } };
    keys[`${d.name}Hash`] = { template: `${d.name}:h:{id}`, ttl: { max: 1800 }, invalidatedBy: by };
    keys[`${d.name}Tenant`] = { template: `t:{tenantId}:${d.name}:{id}`, ttl: { max: 600 }, invalidatedBy: by };
    keys[`${d.name}Tags`] = { template: `${d.name}:tags:{id}`, ttl: { max: 7200 } };
    keys[`${d.name}Stats`] = { template: `${d.name}:stats:{day}`, ttl: { max: 604800 } };
    keys[`${d.name}Counters`] = { template: `${d.name}:counters:{id}`, ttl: { max: 86400 } };
    keys[`${d.name}Cache`] = { template: `cache:${d.name}:{id}`, ttl: { max: 900 }, invalidatedBy: by };
    keys[`${d.name}Summary`] = { template: `cache:${d.name}:summary:{locale}:{id}`, ttl: { max: 1800 }, invalidatedBy: by };
    if (d.version) deprecated[`${d.name}:{id}`] = `${d.main}:{id}`;
  }
  return JSON.stringify(
    {
      keys,
      deprecated,
      builders: [...DOMAINS.map((d) => `src/${d.keysModule}.ts`), 'src/keys/cache-keys.ts'],
      channels: { 'cache:invalidate': { invalidates: DOMAINS.map((d) => d.name) } },
    },
    null,
    2,
  ) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Blocks. Each block is a function (free function or class method) or a top-level declaration.
// A block generator returns:
//   { top?: string[], fn?: { name, sig, ret, body: string[], async }, calls, imports: [[module, name]],
//     export?: { kind: 'load'|'invalidate'|'describe', name } }

function blockTypes(c) {
  const n = c.uid();
  const { d } = c;
  const fields = [c.rng.pick(FIELDS), c.rng.pick(FIELDS)].filter((f, i, a) => a.indexOf(f) === i);
  return {
    top: [
      `export interface ${d.P}${c.rng.pick(NOUNS)}${n} {`,
      `  id: string;`,
      ...fields.map((f) => `  ${f}: string;`),
      `  score: number;`,
      `  tags: readonly string[];`,
      `  createdAt: Date;`,
      `}`,
      ``,
      `export type ${d.P}Event${n} =`,
      `  | { type: 'created'; id: string }`,
      `  | { type: 'updated'; id: string; fields: string[] }`,
      `  | { type: 'deleted'; id: string; reason?: string };`,
      ``,
      `export function describe${d.P}Event${n}(event: ${d.P}Event${n}): string {`,
      `  switch (event.type) {`,
      `    case 'created':`,
      `      return \`created \${event.id}\`;`,
      `    case 'updated':`,
      `      return \`updated \${event.id} (\${event.fields.join(', ')})\`;`,
      `    case 'deleted':`,
      `      return \`deleted \${event.id}\${event.reason ? ': ' + event.reason : ''}\`;`,
      `  }`,
      `}`,
    ],
    calls: 0,
    imports: [],
  };
}

function blockFormat(c) {
  const n = c.uid();
  const { d } = c;
  const sep = c.rng.pick([' | ', ' - ', ', ', ' / ']);
  const name = `format${d.P}${n}`;
  return {
    fn: {
      name,
      sig: `record: ${d.record}, currency = '${c.rng.pick(['EUR', 'USD', 'GBP'])}'`,
      ret: 'string',
      body: [
        `const parts: string[] = [];`,
        `parts.push(record.name.trim() || record.id);`,
        `parts.push(\`\${(record.price / 100).toFixed(2)} \${currency}\`);`,
        `if (record.tags.length > 0) {`,
        `  parts.push(record.tags.slice(0, ${c.rng.int(2, 5)}).map((t) => '#' + t).join(' '));`,
        `}`,
        `if (record.status !== 'active') {`,
        `  parts.push(record.status.toUpperCase());`,
        `}`,
        `return parts.join('${sep}');`,
      ],
    },
    calls: 0,
    imports: [[d.modelModule, d.record]],
  };
}

function blockAggregate(c) {
  const n = c.uid();
  const { d } = c;
  const name = `summarize${d.P}s${n}`;
  const threshold = c.rng.int(10, 500);
  return {
    top: [
      `export interface ${d.P}Totals${n} {`,
      `  count: number;`,
      `  revenue: number;`,
      `  byStatus: Record<string, number>;`,
      `  top: string[];`,
      `}`,
    ],
    fn: {
      name,
      sig: `records: readonly ${d.record}[]`,
      ret: `${d.P}Totals${n}`,
      body: [
        `const byStatus: Record<string, number> = {};`,
        `let revenue = 0;`,
        `for (const r of records) {`,
        `  byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;`,
        `  revenue += r.price;`,
        `}`,
        `const top = [...records]`,
        `  .filter((r) => r.price > ${threshold})`,
        `  .sort((a, b) => b.price - a.price)`,
        `  .slice(0, ${c.rng.int(3, 10)})`,
        `  .map((r) => r.id);`,
        `return { count: records.length, revenue, byStatus, top };`,
      ],
    },
    calls: 0,
    imports: [[d.modelModule, d.record]],
  };
}

function blockValidate(c) {
  const n = c.uid();
  const { d } = c;
  const max = c.rng.int(40, 200);
  return {
    fn: {
      name: `validate${d.P}Input${n}`,
      sig: `input: Partial<${d.record}>`,
      ret: 'string[]',
      body: [
        `const errors: string[] = [];`,
        `if (!input.id || !/^[a-z0-9-]+$/i.test(input.id)) {`,
        `  errors.push('id must be alphanumeric');`,
        `}`,
        `if (input.name !== undefined && input.name.length > ${max}) {`,
        `  errors.push('name is longer than ${max} characters');`,
        `}`,
        `if (input.price !== undefined && (input.price < 0 || !Number.isFinite(input.price))) {`,
        `  errors.push('price must be a positive number');`,
        `}`,
        `for (const tag of input.tags ?? []) {`,
        `  if (tag.includes(' ')) errors.push(\`tag "\${tag}" contains a space\`);`,
        `}`,
        `return errors;`,
      ],
    },
    calls: 0,
    imports: [[d.modelModule, d.record]],
  };
}

function blockMemo(c) {
  // A Map used as a memo: not Redis, must not be reported.
  const n = c.uid();
  const { d } = c;
  return {
    top: [`const weights${n} = new Map<string, number>();`],
    fn: {
      name: `${d.name}Weight${n}`,
      sig: `key: string`,
      ret: 'number',
      body: [
        `const hit = weights${n}.get(key);`,
        `if (hit !== undefined) return hit;`,
        `let h = ${c.rng.int(3, 31)};`,
        `for (let i = 0; i < key.length; i++) {`,
        `  h = (h * 31 + key.charCodeAt(i)) % 1000003;`,
        `}`,
        `weights${n}.set(key, h);`,
        `if (weights${n}.size > ${c.rng.int(100, 5000)}) weights${n}.clear();`,
        `return h;`,
      ],
    },
    calls: 0,
    imports: [],
  };
}

function blockChunked(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `plan${d.P}Batches${n}`,
      sig: `ids: readonly string[]`,
      ret: 'string[]',
      body: [
        `const lines: string[] = [];`,
        `const batches = chunk(ids, ${c.rng.pick([25, 50, 100, 250])});`,
        `batches.forEach((batch, index) => {`,
        `  const first = batch[0] ?? '-';`,
        `  lines.push(\`batch \${index + 1}/\${batches.length}: \${batch.length} ids from \${first}\`);`,
        `});`,
        `return lines;`,
      ],
    },
    calls: 0,
    imports: [['util', 'chunk']],
  };
}

function blockDto(c) {
  const n = c.uid();
  const { d } = c;
  const f = c.rng.pick(FIELDS);
  return {
    top: [
      `export interface ${d.P}Dto${n} {`,
      `  id: string;`,
      `  title: string;`,
      `  ${f}?: string;`,
      `  priceLabel: string;`,
      `  tagCount: number;`,
      `}`,
    ],
    fn: {
      name: `to${d.P}Dto${n}`,
      sig: `record: ${d.record}, ${f}?: string`,
      ret: `${d.P}Dto${n}`,
      body: [
        `const dto: ${d.P}Dto${n} = {`,
        `  id: record.id,`,
        `  title: record.name.length > ${c.rng.int(20, 80)} ? record.name.slice(0, ${c.rng.int(10, 19)}) + '…' : record.name,`,
        `  priceLabel: new Intl.NumberFormat('en', { minimumFractionDigits: 2 }).format(record.price / 100),`,
        `  tagCount: record.tags.length,`,
        `};`,
        `if (${f}) dto.${f} = ${f};`,
        `return dto;`,
      ],
    },
    calls: 0,
    imports: [[d.modelModule, d.record]],
  };
}

function blockReport(c) {
  // Key-looking strings that never reach Redis (log lines, URLs, audit ids).
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `${d.name}AuditLines${n}`,
      sig: `records: readonly ${d.record}[], actor: string`,
      ret: 'string[]',
      body: [
        `const lines = records.map((r) => \`${d.name}:\${r.id} by \${actor} at \${new Date(r.updatedAt).toISOString()}\`);`,
        `const url = \`/api/${d.name}s/\${encodeURIComponent(records[0]?.id ?? '')}\`;`,
        `lines.unshift(\`audit ${d.name} (\${records.length}) \${url}\`);`,
        `if (lines.length > ${c.rng.int(50, 500)}) {`,
        `  lines.length = ${c.rng.int(20, 49)};`,
        `  lines.push('…truncated');`,
        `}`,
        `log('debug', 'audit', { lines: lines.length });`,
        `return lines;`,
      ],
    },
    calls: 0,
    imports: [[d.modelModule, d.record], ['logger', 'log']],
  };
}

function blockRetry(c) {
  const n = c.uid();
  const { d } = c;
  const attempts = c.rng.int(2, 6);
  return {
    fn: {
      name: `with${d.P}Retry${n}`,
      async: true,
      sig: `task: () => Promise<number>`,
      ret: 'Promise<number>',
      body: [
        `let lastError: unknown;`,
        `for (let attempt = 1; attempt <= ${attempts}; attempt++) {`,
        `  try {`,
        `    return await task();`,
        `  } catch (err) {`,
        `    lastError = err;`,
        `    const delay = clamp(${c.rng.pick([50, 100, 250])} * 2 ** attempt, 0, ${c.rng.pick([2000, 5000])});`,
        `    await new Promise<void>((resolve) => setTimeout(resolve, delay));`,
        `  }`,
        `}`,
        `throw lastError instanceof Error ? lastError : new Error('${d.name} retry failed');`,
      ],
    },
    calls: 0,
    imports: [['util', 'clamp']],
  };
}

// ---- Redis blocks (ioredis) -----------------------------------------------------------------

function blockCacheAside(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([60, 300, 600, 3600, 86400]);
  const viaLocal = c.inClass;
  const name = `get${d.P}${n}`;
  const useInline = c.rng.chance(0.15);
  const keyExpr = useInline ? `\`${d.main}:\${id}\`` : `${d.name}Key(id)`;
  const ttlForm = c.rng.pick(['EX', 'EX', 'EX', 'PX']);
  const ttlValue = ttlForm === 'PX' ? ttl * 1000 : ttl;
  return {
    fn: {
      name,
      async: true,
      sig: `id: string`,
      ret: `Promise<${d.record} | null>`,
      body: [
        ...(viaLocal
          ? [`const local = this.local.get(id);`, `if (local) return local;`]
          : []),
        `const key = ${keyExpr};`,
        `const cached = await redis.get(key);`,
        `if (cached) {`,
        `  return parse${d.P}(cached);`,
        `}`,
        `const rows = await db.query<Record<string, unknown>>('SELECT * FROM ${d.name}s WHERE id = $1', [id]);`,
        `if (rows.length === 0) return null;`,
        `const record = to${d.P}Record(rows[0]);`,
        `await redis.set(key, JSON.stringify(record), '${ttlForm}', ${ttlValue});`,
        ...(viaLocal ? [`this.local.set(id, record);`] : []),
        `return record;`,
      ],
    },
    calls: 2,
    imports: [
      ['redis', 'redis'],
      ['db', 'db'],
      [d.modelModule, d.record],
      [d.modelModule, `parse${d.P}`],
      [d.modelModule, `to${d.P}Record`],
      ...(useInline ? [] : [[d.keysModule, `${d.name}Key`]]),
    ],
    export: { kind: 'load', name },
  };
}

function blockHash(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([120, 900, 1800]);
  return {
    fn: {
      name: `load${d.P}Hash${n}`,
      async: true,
      sig: `id: string`,
      ret: `Promise<${d.record} | null>`,
      body: [
        `const hash = await redis.hgetall(${d.name}HashKey(id));`,
        `const hit = from${d.P}Hash(hash);`,
        `if (hit) return hit;`,
        `const rows = await db.query<Record<string, unknown>>('SELECT * FROM ${d.name}s WHERE id = $1', [id]);`,
        `if (rows.length === 0) return null;`,
        `const record = to${d.P}Record(rows[0]);`,
        `await redis.hset(${d.name}HashKey(id), {`,
        `  id: record.id,`,
        `  tenantId: record.tenantId,`,
        `  name: record.name,`,
        `  status: record.status,`,
        `  price: String(record.price),`,
        `  tags: record.tags.join(','),`,
        `  updatedAt: String(record.updatedAt),`,
        `});`,
        `await redis.expire(${d.name}HashKey(id), ${ttl});`,
        `return record;`,
      ],
    },
    calls: 3,
    imports: [
      ['redis', 'redis'],
      ['db', 'db'],
      [d.modelModule, d.record],
      [d.modelModule, `from${d.P}Hash`],
      [d.modelModule, `to${d.P}Record`],
      [d.keysModule, `${d.name}HashKey`],
    ],
  };
}

function blockMget(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `get${d.P}Many${n}`,
      async: true,
      sig: `ids: readonly string[]`,
      ret: `Promise<Map<string, ${d.record}>>`,
      body: [
        `const out = new Map<string, ${d.record}>();`,
        `if (ids.length === 0) return out;`,
        `const values = await redis.mget(ids.map((id) => ${d.name}Key(id)));`,
        `values.forEach((raw, i) => {`,
        `  const record = parse${d.P}(raw);`,
        `  if (record) out.set(ids[i], record);`,
        `});`,
        `return out;`,
      ],
    },
    calls: 1,
    imports: [
      ['redis', 'redis'],
      [d.modelModule, d.record],
      [d.modelModule, `parse${d.P}`],
      [d.keysModule, `${d.name}Key`],
    ],
  };
}

function blockSets(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([600, 3600, 7200]);
  return {
    fn: {
      name: `${d.name}Tags${n}`,
      async: true,
      sig: `id: string, add: readonly string[] = []`,
      ret: `Promise<string[]>`,
      body: [
        `const key = \`\${${d.U}_KEYS.tags}:\${id}\`;`,
        `if (add.length > 0) {`,
        `  await redis.sadd(key, ...add);`,
        `  await redis.expire(key, ${ttl});`,
        `}`,
        `const members = await redis.smembers(key);`,
        `return members.sort();`,
      ],
    },
    calls: 3,
    imports: [['redis', 'redis'], [d.keysModule, `${d.U}_KEYS`]],
  };
}

function blockZset(c) {
  const n = c.uid();
  const { d } = c;
  const top = c.rng.int(5, 50);
  const rev = c.rng.chance(0.5);
  return {
    fn: {
      name: `top${d.P}s${n}`,
      async: true,
      sig: `bucket: string, bump?: { id: string; score: number }`,
      ret: `Promise<string[]>`,
      body: [
        `const key = ${d.name}RankKey(bucket);`,
        `if (bump) {`,
        `  await redis.zadd(key, bump.score, bump.id);`,
        `}`,
        // ioredis 6 types the ZRANGE stop argument as string | Buffer
        rev ? `const ids = await redis.zrevrange(key, 0, ${top - 1});` : `const ids = await redis.zrange(key, 0, '${top - 1}');`,
        `return ids.filter((id) => id.length > 0);`,
      ],
    },
    calls: 2,
    imports: [['redis', 'redis'], [d.keysModule, `${d.name}RankKey`]],
  };
}

function blockInvalidate(c) {
  const n = c.uid();
  const { d } = c;
  const name = `update${d.P}${n}`;
  const cmd = c.rng.pick(['del', 'del', 'unlink']);
  const field = c.rng.pick(FIELDS);
  return {
    fn: {
      name,
      async: true,
      sig: `id: string, ${field}: string`,
      ret: `Promise<void>`,
      body: [
        `await db.execute('UPDATE ${d.name}s SET ${field} = $2, updated_at = now() WHERE id = $1', [id, ${field}]);`,
        `await redis.${cmd}(${d.name}Key(id), ${d.name}HashKey(id));`,
        ...(c.inClass ? [`this.local.delete(id);`] : []),
      ],
    },
    calls: 1,
    imports: [
      ['redis', 'redis'],
      ['db', 'db'],
      [d.keysModule, `${d.name}Key`],
      [d.keysModule, `${d.name}HashKey`],
    ],
  };
}

function blockEvict(c) {
  // Exported invalidation helper, called from other files.
  const n = c.uid();
  const { d } = c;
  const name = `evict${d.P}${n}`;
  return {
    fn: {
      name,
      async: true,
      sig: `id: string`,
      ret: `Promise<void>`,
      body: [
        `await redis.del(${d.name}Key(id));`,
        `await redis.unlink(CacheKeys.${d.name}(id));`,
      ],
    },
    calls: 2,
    imports: [['redis', 'redis'], [d.keysModule, `${d.name}Key`], ['keys/cache-keys', 'CacheKeys']],
    export: { kind: 'invalidate', name },
  };
}

function blockPipeline(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `purge${d.P}s${n}`,
      async: true,
      sig: `ids: readonly string[]`,
      ret: `Promise<number>`,
      body: [
        `let purged = 0;`,
        `for (const batch of chunk(ids, ${c.rng.pick([50, 100, 200])})) {`,
        `  const pipe = redis.pipeline();`,
        `  for (const id of batch) {`,
        `    pipe.del(${d.name}Key(id)).unlink(${d.name}HashKey(id));`,
        `  }`,
        `  const results = await pipe.exec();`,
        `  purged += (results ?? []).filter(([err]) => err === null).length;`,
        `}`,
        `await redis.del(${d.name}ListKey(1), ${d.name}ListKey(2));`,
        `return purged;`,
      ],
    },
    calls: 3,
    imports: [
      ['redis', 'redis'],
      ['util', 'chunk'],
      [d.keysModule, `${d.name}Key`],
      [d.keysModule, `${d.name}HashKey`],
      [d.keysModule, `${d.name}ListKey`],
    ],
  };
}

function blockMulti(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([300, 900, 3600]);
  return {
    fn: {
      name: `store${d.P}${n}`,
      async: true,
      sig: `record: ${d.record}`,
      ret: `Promise<boolean>`,
      body: [
        `const result = await redis`,
        `  .multi()`,
        `  .set(${d.name}Key(record.id), JSON.stringify(record), 'EX', ${ttl})`,
        `  .sadd(${d.name}IndexKey(), record.id)`,
        `  .expire(${d.name}IndexKey(), ${ttl * 4})`,
        `  .exec();`,
        `return result !== null && result.every(([err]) => err === null);`,
      ],
    },
    calls: 3,
    imports: [
      ['redis', 'redis'],
      [d.modelModule, d.record],
      [d.keysModule, `${d.name}Key`],
      [d.keysModule, `${d.name}IndexKey`],
    ],
  };
}

function blockSetex(c) {
  // Read-through cache of a list page (get + setex); pages 1 and 2 are purged by blockPipeline.
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([30, 60, 120]);
  const size = c.rng.pick([20, 50]);
  return {
    fn: {
      name: `list${d.P}Page${n}`,
      async: true,
      sig: `page: number`,
      ret: `Promise<string[]>`,
      body: [
        `const cached = await redis.get(${d.name}ListKey(page));`,
        `if (cached) return JSON.parse(cached) as string[];`,
        `const rows = await db.query<{ id: string }>('SELECT id FROM ${d.name}s ORDER BY updated_at DESC LIMIT ${size} OFFSET $1', [(page - 1) * ${size}]);`,
        `const ids = rows.map((r) => r.id);`,
        `await redis.setex(${d.name}ListKey(page), ${ttl}, JSON.stringify(ids));`,
        `return ids;`,
      ],
    },
    calls: 2,
    imports: [['redis', 'redis'], ['db', 'db'], [d.keysModule, `${d.name}ListKey`]],
  };
}

function blockCacheKeysClass(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([300, 1800]);
  return {
    fn: {
      name: `${d.name}Summary${n}`,
      async: true,
      sig: `id: string, locale = 'en'`,
      ret: `Promise<string>`,
      body: [
        `const key = CacheKeys.${d.name}Summary(id, locale);`,
        `const hit = await redis.get(key);`,
        `if (hit !== null) return hit;`,
        `const rows = await db.query<{ summary: string }>('SELECT summary FROM ${d.name}_summaries WHERE id = $1 AND locale = $2', [id, locale]);`,
        `const summary = rows[0]?.summary ?? '';`,
        `await redis.setex(key, ${ttl}, summary);`,
        `return summary;`,
      ],
    },
    calls: 2,
    imports: [['redis', 'redis'], ['db', 'db'], ['keys/cache-keys', 'CacheKeys']],
  };
}

function blockStats(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `record${d.P}Hit${n}`,
      async: true,
      sig: `field: string, report = false`,
      ret: `Promise<Record<string, string> | null>`,
      body: [
        `const key = \`\${${d.U}_KEYS.stats}:\${today()}\`;`,
        `await redis.hincrby(key, field, 1);`,
        `await redis.expire(key, ${c.rng.pick([86400, 172800, 604800])});`,
        `return report ? redis.hgetall(key) : null;`,
      ],
    },
    calls: 3,
    imports: [['redis', 'redis'], ['util', 'today'], [d.keysModule, `${d.U}_KEYS`]],
  };
}

function blockPublish(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `rename${d.P}${n}`,
      async: true,
      sig: `id: string, name: string`,
      ret: `Promise<void>`,
      body: [
        `await db.transaction(async (tx) => {`,
        `  await tx.execute('UPDATE ${d.name}s SET name = $2 WHERE id = $1', [id, name]);`,
        `});`,
        `await publishInvalidation(${d.name}Key(id));`,
      ],
    },
    calls: 0,
    imports: [['db', 'db'], ['cache/invalidation-bus', 'publishInvalidation'], [d.keysModule, `${d.name}Key`]],
  };
}

function blockWrapper(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `${d.name}ViaCache${n}`,
      async: true,
      sig: `id: string, fresh?: ${d.record}`,
      ret: `Promise<${d.record} | null>`,
      body: [
        `const key = CacheKeys.${d.name}(id);`,
        `if (fresh) {`,
        `  await cache.set(key, JSON.stringify(fresh), ${c.rng.pick([60, 600])});`,
        `  return fresh;`,
        `}`,
        `return parse${d.P}(await cache.get(key));`,
      ],
    },
    calls: 2,
    imports: [
      ['cache/cache-service', 'cache'],
      ['keys/cache-keys', 'CacheKeys'],
      [d.modelModule, d.record],
      [d.modelModule, `parse${d.P}`],
    ],
  };
}

function blockTenant(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `tenant${d.P}${n}`,
      async: true,
      sig: `tenantId: string, id: string`,
      ret: `Promise<${d.record} | null>`,
      body: [
        `const key = ${d.name}TenantKey(tenantId, id);`,
        `const raw = await redis.get(key);`,
        `if (raw !== null) return parse${d.P}(raw);`,
        `const rows = await db.query<Record<string, unknown>>('SELECT * FROM ${d.name}s WHERE tenant_id = $1 AND id = $2', [tenantId, id]);`,
        `const record = rows.length > 0 ? to${d.P}Record(rows[0]) : null;`,
        `if (record) await redis.set(key, JSON.stringify(record), 'EX', ${c.rng.pick([120, 600])});`,
        `return record;`,
      ],
    },
    calls: 2,
    imports: [
      ['redis', 'redis'],
      ['db', 'db'],
      [d.modelModule, d.record],
      [d.modelModule, `parse${d.P}`],
      [d.modelModule, `to${d.P}Record`],
      [d.keysModule, `${d.name}TenantKey`],
    ],
  };
}

function blockCrossCall(c) {
  // Call an invalidation helper exported by an earlier file, after a DB write.
  const target = c.pickExport('invalidate');
  if (!target) return blockInvalidate(c);
  const n = c.uid();
  const { d } = c;
  const verb = c.rng.pick(VERBS);
  return {
    fn: {
      name: `${verb}${d.P}${n}`,
      async: true,
      sig: `ids: readonly string[]`,
      ret: `Promise<number>`,
      body: [
        `let changed = 0;`,
        `for (const id of ids) {`,
        `  changed += await db.execute('UPDATE ${d.name}s SET updated_at = now() WHERE id = $1', [id]);`,
        `  await ${target.call}(id);`,
        `}`,
        `log('info', '${verb} ${d.name}', { count: ids.length, changed });`,
        `return changed;`,
      ],
    },
    calls: 0,
    imports: [['db', 'db'], ['logger', 'log'], [target.module, target.symbol]],
  };
}

function blockLoadCall(c) {
  const target = c.pickExport('load');
  if (!target) return blockFormat(c);
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `${d.name}Names${n}`,
      async: true,
      sig: `ids: readonly string[]`,
      ret: `Promise<string[]>`,
      body: [
        `const names: string[] = [];`,
        `for (const id of ids) {`,
        `  const record = await ${target.call}(id);`,
        `  if (record && record.status !== 'archived') names.push(record.name);`,
        `}`,
        `return names;`,
      ],
    },
    calls: 0,
    imports: [[target.module, target.symbol]],
  };
}

// ---- node-redis blocks ----------------------------------------------------------------------

function blockNrRead(c) {
  const n = c.uid();
  const { d } = c;
  const ttl = c.rng.pick([60, 300, 900]);
  const modern = c.rng.chance(0.3);
  const opts = modern ? `{ expiration: { type: 'EX', value: ${ttl} } }` : `{ EX: ${ttl} }`;
  return {
    fn: {
      name: `fetch${d.P}${n}`,
      async: true,
      sig: `id: string`,
      ret: `Promise<${d.record} | null>`,
      body: [
        `const key = CacheKeys.${d.name}(id);`,
        `const raw = await client.get(key);`,
        `if (raw != null) return parse${d.P}(String(raw));`,
        `const rows = await db.query<Record<string, unknown>>('SELECT * FROM ${d.name}s WHERE id = $1', [id]);`,
        `if (rows.length === 0) return null;`,
        `const record = to${d.P}Record(rows[0]);`,
        `await client.set(key, JSON.stringify(record), ${opts});`,
        `return record;`,
      ],
    },
    calls: 2,
    imports: [
      ['node-redis', 'client'],
      ['db', 'db'],
      ['keys/cache-keys', 'CacheKeys'],
      [d.modelModule, d.record],
      [d.modelModule, `parse${d.P}`],
      [d.modelModule, `to${d.P}Record`],
    ],
    export: { kind: 'load', name: `fetch${d.P}${n}` },
  };
}

function blockNrHash(c) {
  const n = c.uid();
  const { d } = c;
  return {
    fn: {
      name: `${d.name}Counters${n}`,
      async: true,
      sig: `id: string, increment?: string`,
      ret: `Promise<Record<string, number>>`,
      body: [
        `const key = \`${d.name}:counters:\${id}\`;`,
        `if (increment) {`,
        `  await client.hSet(key, { [increment]: String(Date.now()) });`,
        `  await client.expire(key, ${c.rng.pick([3600, 86400])});`,
        `}`,
        `const hash = await client.hGetAll(key);`,
        `const out: Record<string, number> = {};`,
        `for (const [field, value] of Object.entries(hash)) {`,
        `  out[String(field)] = Number(value);`,
        `}`,
        `return out;`,
      ],
    },
    calls: 3,
    imports: [['node-redis', 'client']],
  };
}

function blockNrInvalidate(c) {
  const n = c.uid();
  const { d } = c;
  const name = `drop${d.P}${n}`;
  const viaMulti = c.rng.chance(0.5);
  return {
    fn: {
      name,
      async: true,
      sig: `id: string`,
      ret: `Promise<void>`,
      body: viaMulti
        ? [
            `await db.execute('DELETE FROM ${d.name}s WHERE id = $1', [id]);`,
            `await client`,
            `  .multi()`,
            `  .del(CacheKeys.${d.name}(id))`,
            `  .sRem(${d.name}IndexKey(), id)`,
            `  .exec();`,
          ]
        : [
            `await db.execute('DELETE FROM ${d.name}s WHERE id = $1', [id]);`,
            `await client.del([CacheKeys.${d.name}(id), CacheKeys.${d.name}Summary(id)]);`,
            `await client.unlink(${d.name}Key(id));`,
          ],
    },
    calls: 2,
    imports: [
      ['node-redis', 'client'],
      ['db', 'db'],
      ['keys/cache-keys', 'CacheKeys'],
      ...(viaMulti ? [[d.keysModule, `${d.name}IndexKey`]] : [[d.keysModule, `${d.name}Key`]]),
    ],
    export: { kind: 'invalidate', name },
  };
}

// ---- deliberate bugs ------------------------------------------------------------------------

function blockDriftDelete(c) {
  const n = c.uid();
  const { d } = c;
  const variants = [];
  if (d.version) variants.push(`\`${d.name}:\${id}\``); // dropped version segment
  variants.push(`\`${pascal(d.name)}:${d.version ? d.version + ':' : ''}\${id}\``); // case drift
  variants.push(`\`${d.main.replace(/:/g, '_')}_\${id}\``); // separator drift
  variants.push(`'${d.main}:' + id + ':'`); // trailing separator
  const stale = c.rng.pick(variants);
  c.manifest.drift.push({ file: c.file, template: stale });
  return {
    fn: {
      name: `discontinue${d.P}${n}`,
      async: true,
      sig: `id: string`,
      ret: `Promise<void>`,
      body: [
        `await db.execute('UPDATE ${d.name}s SET status = $2 WHERE id = $1', [id, 'archived']);`,
        `// invalidate the cached entry`,
        `await redis.del(${stale});`,
      ],
    },
    calls: 1,
    imports: [['redis', 'redis'], ['db', 'db']],
  };
}

function blockNoTtl(c) {
  const n = c.uid();
  const { d } = c;
  c.manifest.noTtl.push({ file: c.file });
  const nodeRedis = c.rng.chance(0.3);
  return {
    fn: {
      name: `remember${d.P}${n}`,
      async: true,
      sig: `record: ${d.record}`,
      ret: `Promise<void>`,
      body: nodeRedis
        ? [`await client.set(CacheKeys.${d.name}(record.id), JSON.stringify(record));`]
        : [`await redis.set(${d.name}Key(record.id), JSON.stringify(record));`],
    },
    calls: 1,
    imports: nodeRedis
      ? [['node-redis', 'client'], ['keys/cache-keys', 'CacheKeys'], [d.modelModule, d.record]]
      : [['redis', 'redis'], [d.keysModule, `${d.name}Key`], [d.modelModule, d.record]],
  };
}

const PLAIN_BLOCKS = [
  [blockTypes, 3],
  [blockFormat, 3],
  [blockAggregate, 3],
  [blockValidate, 3],
  [blockMemo, 2],
  [blockChunked, 1],
  [blockLoadCall, 1],
  [blockDto, 2],
  [blockReport, 2],
  [blockRetry, 1],
];
const REDIS_BLOCKS = [
  [blockCacheAside, 5],
  [blockHash, 2],
  [blockMget, 2],
  [blockSets, 2],
  [blockZset, 2],
  [blockInvalidate, 4],
  [blockEvict, 2],
  [blockPipeline, 2],
  [blockMulti, 2],
  [blockSetex, 2],
  [blockCacheKeysClass, 2],
  [blockStats, 1],
  [blockPublish, 1],
  [blockWrapper, 2],
  [blockTenant, 1],
  [blockCrossCall, 2],
  [blockNrRead, 2],
  [blockNrHash, 1],
  [blockNrInvalidate, 2],
];

// ---------------------------------------------------------------------------------------------
// File assembly

function filePlan(i) {
  const d = DOMAINS[i % DOMAINS.length];
  const k = Math.floor(i / DOMAINS.length); // index within the domain
  const kind = KINDS[k % KINDS.length];
  const sub = SUBFOLDERS[Math.floor(k / 16) % SUBFOLDERS.length];
  const deep = Math.floor(k / 128); // more nesting for big trees
  const dir = deep > 0 ? `modules/${d.name}/${kind}/${sub}/batch${deep}` : `modules/${d.name}/${kind}/${sub}`;
  const stem = `${d.name}-${kind.replace(/s$/, '').replace(/ie$/, 'y')}-${k}`;
  return { d, kind, dir, module: `${dir}/${stem}`, k };
}

function relSpecifier(fromModule, toModule) {
  let rel = path.posix.relative(path.posix.dirname(fromModule), toModule);
  if (!rel.startsWith('.')) rel = './' + rel;
  return rel;
}

function renderFile(i, seed, state) {
  const plan = filePlan(i);
  const { d, kind } = plan;
  const rng = makeRng(seed, 'file', i);
  // Per-file id ranges keep generated names unique across the files of a domain, so that an
  // imported helper never clashes with a local declaration.
  let uidCounter = plan.k * 50;
  const inClass = kind === 'repositories' || (kind === 'services' && rng.chance(0.6));
  const className = `${d.P}${kind === 'repositories' ? 'Repository' : 'Service'}${plan.k}`;
  const instanceName = `${d.name}${kind === 'repositories' ? 'Repository' : 'Service'}${plan.k}`;

  const ctx = {
    d,
    rng,
    inClass,
    file: `src/${plan.module}.ts`,
    manifest: state.manifest,
    uid: () => String(++uidCounter),
    pickExport(kindWanted) {
      // Prefer the same domain, otherwise any earlier file.
      const pool = state.exports[kindWanted];
      if (pool.length === 0) return null;
      const same = pool.filter((e) => e.domain === d.name);
      const src = same.length > 0 && rng.chance(0.7) ? same : pool;
      // Favour recent files so that imports stay local-ish.
      const idx = Math.max(0, src.length - 1 - Math.floor(rng.next() * Math.min(src.length, 40)));
      return src[idx];
    },
  };

  const targetLines = rng.int(60, 150);
  // A share below 1 leaves the other files without Redis (and so without the bugs, which are
  // Redis calls); at 1 no number is drawn for it, so the default tree stays as it was.
  const usesRedis = state.redisShare >= 1 || rng.chance(state.redisShare);
  const isDriftFile = rng.chance(0.03) && usesRedis;
  const isNoTtlFile = rng.chance(0.04) && usesRedis;

  const blocks = [];
  let lines = 12;
  let redisBlocks = 0;
  const used = new Set();
  while (lines < targetLines || blocks.length < 3) {
    // Keep Redis blocks a minority: roughly 1 in 3 (and at least one in a file that uses Redis).
    const useRedis = usesRedis && (redisBlocks === 0 ? blocks.length >= 1 : rng.chance(0.33));
    let gen = rng.weighted(useRedis ? REDIS_BLOCKS : PLAIN_BLOCKS);
    // Avoid near-identical blocks in one file most of the time.
    for (let tries = 0; tries < 3 && used.has(gen) && rng.chance(0.8); tries++) {
      gen = rng.weighted(useRedis ? REDIS_BLOCKS : PLAIN_BLOCKS);
    }
    used.add(gen);
    const b = gen(ctx);
    if (useRedis) redisBlocks++;
    blocks.push(b);
    lines += (b.top?.length ?? 0) + (b.fn ? b.fn.body.length + 3 : 0) + 1;
  }
  if (isDriftFile) blocks.push(blockDriftDelete(ctx));
  if (isNoTtlFile) blocks.push(blockNoTtl(ctx));

  // Imports
  const imports = new Map();
  const addImport = (mod, name) => {
    if (!imports.has(mod)) imports.set(mod, new Set());
    imports.get(mod).add(name);
  };
  let calls = 0;
  for (const b of blocks) {
    calls += b.calls;
    for (const [mod, name] of b.imports) addImport(mod, name);
  }
  if (inClass) addImport(d.modelModule, d.record);

  const out = [];
  out.push(`// ${d.P} ${kind}: generated by bench/generate.mjs (file ${i}).`);
  const typeOnly = (name) => /Record$/.test(name) && /^[A-Z]/.test(name);
  const specs = [...imports.entries()].map(([mod, names]) => [relSpecifier(plan.module, mod), names]);
  for (const [spec, names] of specs.sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...names].sort().map((n) => (typeOnly(n) ? `type ${n}` : n));
    out.push(`import { ${list.join(', ')} } from '${spec}';`);
  }
  out.push('');

  for (const b of blocks) {
    if (b.top) {
      out.push(...b.top, '');
    }
  }

  const fns = blocks.filter((b) => b.fn);
  const renderFn = (fn, indent, asMethod) => {
    const pad = ' '.repeat(indent);
    const head = asMethod
      ? `${pad}${fn.async ? 'async ' : ''}${fn.name}(${fn.sig}): ${fn.ret} {`
      : `${pad}export ${fn.async ? 'async ' : ''}function ${fn.name}(${fn.sig}): ${fn.ret} {`;
    return [head, ...fn.body.map((l) => `${pad}  ${l}`), `${pad}}`];
  };

  const newExports = [];
  if (inClass) {
    out.push(`export class ${className} {`);
    out.push(`  private readonly local = new Map<string, ${d.record}>();`);
    out.push('');
    out.push(`  get cachedCount(): number {`);
    out.push(`    return this.local.size;`);
    out.push(`  }`);
    for (const b of fns) {
      out.push('');
      // Methods that do not touch `this` are fine too; keep them as instance methods.
      out.push(...renderFn(b.fn, 2, true));
    }
    out.push(`}`);
    out.push('');
    out.push(`export const ${instanceName} = new ${className}();`);
    for (const b of fns) {
      if (b.export)
        newExports.push({
          kind: b.export.kind,
          domain: d.name,
          module: plan.module,
          symbol: instanceName,
          call: `${instanceName}.${b.export.name}`,
        });
    }
  } else {
    fns.forEach((b, idx) => {
      if (idx > 0) out.push('');
      out.push(...renderFn(b.fn, 0, false));
      if (b.export)
        newExports.push({
          kind: b.export.kind,
          domain: d.name,
          module: plan.module,
          symbol: b.export.name,
          call: b.export.name,
        });
    });
  }
  out.push('');

  for (const e of newExports) state.exports[e.kind].push(e);
  state.manifest.redisCalls += calls;
  return { rel: `src/${plan.module}.ts`, text: out.join('\n') };
}

// ---------------------------------------------------------------------------------------------

function writeFile(root, rel, text) {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
}

/**
 * Write a synthetic service tree into `dir` (emptied first).
 * Returns a manifest: { version, seed, fileCount, totalFiles, lines, redisCalls, drift, noTtl }.
 */
export function generateTree(dir, fileCount, seed = 42, { redisShare = 1 } = {}) {
  const root = path.resolve(dir);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });

  const manifest = {
    version: GENERATOR_VERSION,
    seed,
    fileCount,
    redisShare,
    totalFiles: 0,
    lines: 0,
    redisCalls: 0, // approximate number of Redis command call sites emitted
    drift: [],
    noTtl: [],
  };
  const put = (rel, text) => {
    writeFile(root, rel, text);
    if (rel.endsWith('.ts')) {
      manifest.totalFiles++;
      manifest.lines += text.split('\n').length;
    }
  };

  put('tsconfig.json', tsconfig());
  put('package.json', packageJson());
  put('keydrift.keys.json', registry());
  put('src/redis.ts', REDIS_TS);
  put('src/node-redis.ts', NODE_REDIS_TS);
  put('src/db.ts', DB_TS);
  put('src/logger.ts', LOGGER_TS);
  put('src/util.ts', UTIL_TS);
  put('src/cache/cache-service.ts', CACHE_SERVICE_TS);
  put('src/cache/invalidation-bus.ts', BUS_TS);
  manifest.redisCalls += 3 + 2; // cache-service get/set/del, bus publish/subscribe
  for (const d of DOMAINS) {
    put(`src/${d.keysModule}.ts`, keysModule(d));
    put(`src/${d.modelModule}.ts`, modelModule(d));
  }
  put('src/keys/cache-keys.ts', cacheKeysModule());
  put('src/keys/index.ts', keysIndex());

  const state = { manifest, redisShare, exports: { load: [], invalidate: [] } };
  for (let i = 0; i < fileCount; i++) {
    const { rel, text } = renderFile(i, seed, state);
    put(rel, text);
  }

  fs.writeFileSync(path.join(root, MARKER_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** The manifest of an already generated tree if it matches (version, seed, fileCount, Redis share), else null. */
export function readMarker(dir, fileCount, seed, redisShare = 1) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER_FILE), 'utf8'));
    if (m.version === GENERATOR_VERSION && m.seed === seed && m.fileCount === fileCount && (m.redisShare ?? 1) === redisShare) return m;
  } catch {
    // missing or unreadable: regenerate
  }
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, count, seed, share] = process.argv.slice(2);
  if (!dir || !count) {
    console.error('usage: node bench/generate.mjs <dir> <fileCount> [seed] [redisShare]');
    process.exit(2);
  }
  const t0 = performance.now();
  const m = generateTree(dir, Number(count), seed === undefined ? 42 : Number(seed), { redisShare: share === undefined ? 1 : Number(share) });
  const { drift, noTtl, ...rest } = m;
  console.log(
    JSON.stringify({ ...rest, driftSites: drift.length, noTtlSites: noTtl.length, ms: Math.round(performance.now() - t0) }),
  );
}

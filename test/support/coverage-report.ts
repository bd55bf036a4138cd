/**
 * A hand-built coverage report for the format tests: five families (registered and not, pinned
 * and inferred entities, every kind of TTL), seven write paths (three leave families stale), a
 * template holding `|` and a backtick, a folder with spaces, and a template that is markup.
 */
import type { CodeRef, CoverageReport, FamilyCoverage, WritePathCoverage } from '../../src/coverage/types.js';

export const PIPE_TEMPLATE = 'price:`{sku}`|{region}';
export const MARKUP_TEMPLATE = '</script><img src=x onerror=alert(1)>';

export function ref(file: string, line: number, fn: string | null, column = 3): CodeRef {
  return { file, line, column, function: fn };
}

function family(template: string, overrides: Partial<FamilyCoverage>): FamilyCoverage {
  return { template, name: null, entities: [], readers: [], populators: [], invalidators: [], ttl: null, ...overrides };
}

function writePath(at: CodeRef, entity: string, overrides: Partial<WritePathCoverage>): WritePathCoverage {
  return { at, entity, inferred: false, orm: 'prisma', operation: 'update', via: null, invalidates: [], stale: [], ...overrides };
}

export function sampleCoverageReport(): CoverageReport {
  const families: FamilyCoverage[] = [
    family(MARKUP_TEMPLATE, {
      name: 'audit',
      entities: [{ entity: 'Audit', inferred: false }],
      readers: [ref('src/audit/read.ts', 4, 'readAudit')],
      invalidators: [ref('src/audit/log.ts', 11, 'writeAudit')],
      ttl: { seconds: 86_400 },
    }),
    family(PIPE_TEMPLATE, {
      name: 'price',
      entities: [{ entity: 'Price', inferred: false }],
      readers: [ref('src/pricing/read.ts', 3, 'getPrice'), ref('src/pricing/read.ts', 20, 'listPrices')],
      populators: [ref('src/pricing/read.ts', 9, 'getPrice')],
      invalidators: [ref('src/pricing/update.ts', 9, 'setPrice')],
      ttl: null,
    }),
    family('product:{id}', {
      name: 'product',
      entities: [
        { entity: 'Product', inferred: false },
        { entity: 'products', inferred: true },
      ],
      readers: [ref('src/api/products.ts', 12, 'getProduct'), ref('src/api/search.ts', 40, 'search'), ref('src/jobs/feed.ts', 8, null)],
      populators: [ref('src/api/products.ts', 16, 'getProduct')],
      invalidators: [ref('src/api/products.ts', 34, 'createProduct'), ref('src/jobs/reprice.ts', 15, 'repriceAll')],
      ttl: { seconds: 300 },
    }),
    family('products:list:{page}', {
      entities: [{ entity: 'products', inferred: true }],
      readers: [ref('src/api/products.ts', 50, 'listProducts')],
      populators: [ref('src/api/products.ts', 55, 'listProducts')],
      invalidators: [ref('src/api/products.ts', 35, 'createProduct')],
      ttl: { dynamic: true },
    }),
    family('user:{id}', {
      name: 'user',
      entities: [{ entity: 'users', inferred: true }],
      readers: [ref('src/users/service.ts', 20, 'getUser')],
      populators: [ref('src/users/service.ts', 24, 'getUser')],
      invalidators: [ref('src/users/service.ts', 58, 'renameUser')],
      ttl: { seconds: 3600 },
    }),
  ];
  const writePaths: WritePathCoverage[] = [
    writePath(ref('src/admin tools/bulk edit.ts', 40, null), 'products', {
      inferred: true,
      orm: 'sql',
      via: ref('src/repo/products.ts', 88, 'updateMany'),
      stale: ['product:{id}', 'products:list:{page}'],
    }),
    writePath(ref('src/api/products.ts', 30, 'createProduct'), 'Product', { operation: 'insert', invalidates: ['product:{id}', 'products:list:{page}'] }),
    writePath(ref('src/audit/log.ts', 9, 'writeAudit'), 'Audit', { orm: 'mongoose', operation: 'insert', invalidates: [MARKUP_TEMPLATE] }),
    writePath(ref('src/jobs/reprice.ts', 12, 'repriceAll'), 'Product', { invalidates: ['product:{id}'], stale: ['products:list:{page}'] }),
    writePath(ref('src/pricing/update.ts', 7, 'setPrice'), 'Price', { orm: 'typeorm', operation: 'upsert', invalidates: [PIPE_TEMPLATE] }),
    writePath(ref('src/users/service.ts', 55, 'renameUser'), 'users', { inferred: true, orm: 'knex', invalidates: ['user:{id}'] }),
    writePath(ref('src/users/service.ts', 101, 'deleteUser'), 'users', { inferred: true, orm: 'knex', operation: 'delete', stale: ['user:{id}'] }),
  ];
  return { version: 1, families, writePaths, totals: totalsOf(families, writePaths) };
}

/** Totals as the report builder computes them (percent to one decimal, 100 when empty). */
export function totalsOf(families: FamilyCoverage[], writePaths: WritePathCoverage[]): CoverageReport['totals'] {
  const fullyCovered = writePaths.filter((p) => p.stale.length === 0).length;
  const percent = writePaths.length === 0 ? 100 : Math.round((fullyCovered / writePaths.length) * 1000) / 10;
  return { families: families.length, writePaths: writePaths.length, fullyCovered, percent };
}

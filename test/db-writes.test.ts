import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ModuleGraph } from '../src/resolve/declarations.js';
import type { ResolveContext } from '../src/resolve/resolve-key.js';
import { describeDbWrite, sqlControlOf, transactionCallOf } from '../src/writes/db-writes.js';
import { classifySql } from '../src/writes/sql.js';
import type { DbWrite } from '../src/writes/types.js';
import { writeProject } from './support/temp-project.js';

// ---------------------------------------------------------------------------------------------
// Helpers: parse files into an in-memory module graph, visit every call and tagged template.

type Files = Record<string, string>;

function project(files: Files): { sources: Map<string, ts.SourceFile>; ctx: ResolveContext } {
  const sources = new Map(Object.entries(files).map(([name, text]) => [name, ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true)]));
  const graph: ModuleGraph = {
    resolveModule(from, specifier) {
      if (!specifier.startsWith('.')) return undefined;
      const base = path.posix.join(path.posix.dirname(from.fileName), specifier).replace(/\.js$/, '');
      return sources.get(`${base}.ts`) ?? sources.get(`${base}/index.ts`) ?? sources.get(base);
    },
  };
  return { sources, ctx: { graph } };
}

function candidates(file: ts.SourceFile): (ts.CallExpression | ts.TaggedTemplateExpression)[] {
  const out: (ts.CallExpression | ts.TaggedTemplateExpression)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) out.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Every write in the last file (or `fileName`), as full DbWrite objects. */
function fullWrites(files: Files | string, fileName?: string, ctxOverride?: Partial<ResolveContext>): DbWrite[] {
  const all = typeof files === 'string' ? { '/src/main.ts': files } : files;
  const { sources, ctx } = project(all);
  const file = sources.get(fileName ?? Object.keys(all).at(-1)!)!;
  return candidates(file)
    .map((node) => describeDbWrite(node, { ...ctx, ...ctxOverride }))
    .filter((w): w is DbWrite => w !== undefined);
}

/** Every write as `orm operation entity`, the shape most tests compare. */
function writes(files: Files | string, fileName?: string): string[] {
  return fullWrites(files, fileName).map((w) => `${w.orm} ${w.operation} ${w.entity ?? 'null'}`);
}

function nodeTexts(files: Files | string): string[] {
  return fullWrites(files).map((w) => w.node.getText().replace(/\s+/g, ' '));
}

// ---------------------------------------------------------------------------------------------

describe('classifySql', () => {
  it.each([
    ['UPDATE products SET price = $1 WHERE id = $2', { kind: 'write', operation: 'update', table: 'products' }],
    ['  -- a comment\n /* block */ update products set price = 1', { kind: 'write', operation: 'update', table: 'products' }],
    ['UPDATE ONLY products SET a = 1', { kind: 'write', operation: 'update', table: 'products' }],
    ['UPDATE public.products SET a = 1', { kind: 'write', operation: 'update', table: 'public.products' }],
    ['UPDATE "public"."products" SET a = 1', { kind: 'write', operation: 'update', table: 'public.products' }],
    ['UPDATE `shop`.`products` SET a = 1', { kind: 'write', operation: 'update', table: 'shop.products' }],
    ['UPDATE [dbo].[products] SET a = 1', { kind: 'write', operation: 'update', table: 'dbo.products' }],
    ['INSERT INTO products (id) VALUES (?)', { kind: 'write', operation: 'insert', table: 'products' }],
    ['INSERT IGNORE INTO products (id) VALUES (?)', { kind: 'write', operation: 'insert', table: 'products' }],
    ['INSERT INTO products (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET price = excluded.price', { kind: 'write', operation: 'upsert', table: 'products' }],
    ['INSERT INTO products (id) VALUES (?) ON DUPLICATE KEY UPDATE price = VALUES(price)', { kind: 'write', operation: 'upsert', table: 'products' }],
    ['INSERT INTO products (id) VALUES ($1) ON CONFLICT DO NOTHING', { kind: 'write', operation: 'insert', table: 'products' }],
    ['INSERT OR REPLACE INTO products VALUES (1)', { kind: 'write', operation: 'upsert', table: 'products' }],
    ['REPLACE INTO products VALUES (1)', { kind: 'write', operation: 'upsert', table: 'products' }],
    ['DELETE FROM carts WHERE id = :id', { kind: 'write', operation: 'delete', table: 'carts' }],
    ['DELETE p FROM products p JOIN stock s ON s.id = p.id', { kind: 'write', operation: 'delete', table: 'products' }],
    ['MERGE INTO stock AS s USING incoming AS i ON s.id = i.id', { kind: 'write', operation: 'merge', table: 'stock' }],
    ['TRUNCATE TABLE sessions', { kind: 'write', operation: 'delete', table: 'sessions' }],
    ['TRUNCATE sessions', { kind: 'write', operation: 'delete', table: 'sessions' }],
    ['WITH x AS (UPDATE products SET a = 1 RETURNING *) SELECT * FROM x', { kind: 'write', operation: 'update', table: 'products' }],
    ['WITH RECURSIVE t(n) AS (SELECT 1), u AS (SELECT 2) DELETE FROM logs', { kind: 'write', operation: 'delete', table: 'logs' }],
    ['WITH t AS (SELECT 1) SELECT * FROM t', { kind: 'other' }],
    ['UPDATE ? SET a = 1', { kind: 'unresolved', operation: 'update' }],
    ['UPDATE products_? SET a = 1', { kind: 'unresolved', operation: 'update' }],
    ['DELETE FROM $1', { kind: 'unresolved', operation: 'delete' }],
    ['BEGIN; UPDATE products SET a = 1; COMMIT;', { kind: 'write', operation: 'update', table: 'products' }],
    ["SELECT ';'; DELETE FROM carts", { kind: 'write', operation: 'delete', table: 'carts' }],
    ['BEGIN', { kind: 'control', control: 'begin' }],
    ['begin transaction', { kind: 'control', control: 'begin' }],
    ['START TRANSACTION', { kind: 'control', control: 'begin' }],
    ['COMMIT', { kind: 'control', control: 'commit' }],
    ['END', { kind: 'control', control: 'commit' }],
    ['ROLLBACK', { kind: 'control', control: 'rollback' }],
    ['ROLLBACK TO SAVEPOINT before_update', { kind: 'other' }],
    ['SELECT * FROM products', { kind: 'other' }],
    ['SHOW TABLES', { kind: 'other' }],
    ['', { kind: 'other' }],
    ['?', { kind: 'other' }],
  ])('%s', (sql, expected) => {
    expect(classifySql(sql)).toEqual(expected);
  });
});

describe('raw SQL calls', () => {
  it('recognizes a string, template, const, concatenation and query config', () => {
    const code = `
      const UPDATE_PRICE = 'UPDATE products SET price = $1 WHERE id = $2';
      const TABLE = 'inventory';
      const config = { text: 'DELETE FROM carts WHERE id = $1', values: [1] };
      export async function run(pool: any, client: any, price: number, id: string) {
        await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);
        await pool.query(\`UPDATE prices SET amount = \${price} WHERE id = \${id}\`);
        await client.query(UPDATE_PRICE, [price, id]);
        await client.query('UPDATE ' + TABLE + ' SET qty = qty - 1');
        await client.query({ text: 'INSERT INTO orders (id) VALUES ($1)', values: [id] });
        await client.query(config);
        await client.execute('INSERT INTO logs VALUES (?) ON DUPLICATE KEY UPDATE n = n + 1', [id]);
      }`;
    expect(writes(code)).toEqual([
      'sql update products',
      'sql update prices',
      'sql update products',
      'sql update inventory',
      'sql insert orders',
      'sql delete carts',
      'sql upsert logs',
    ]);
  });

  it('recognizes pg-promise, knex.raw, Prisma, postgres.js and mysql2 forms', () => {
    const code = `
      async function f(db: any, knex: any, prisma: any, sql: any, conn: any, id: number) {
        await db.none('DELETE FROM carts WHERE user_id = $1', [id]);
        await db.oneOrNone('UPDATE users SET seen = now() WHERE id = $1 RETURNING *', [id]);
        await knex.raw('TRUNCATE TABLE sessions');
        await prisma.$executeRawUnsafe('UPDATE "Product" SET price = $1', 1);
        await prisma.$executeRaw\`UPDATE products SET price = \${1} WHERE id = \${id}\`;
        await sql\`update public.products set stock = stock - 1 where id = \${id}\`;
        await sql.unsafe('DELETE FROM "public"."reviews"');
        await conn.execute({ sql: 'REPLACE INTO tags VALUES (?)', values: [id] });
      }`;
    expect(writes(code)).toEqual([
      'sql delete carts',
      'sql update users',
      'sql delete sessions',
      'sql update Product',
      'sql update products',
      'sql update public.products',
      'sql delete public.reviews',
      'sql upsert tags',
    ]);
  });

  it('reports a table that is a hole as unresolved, with the statement holes shown as ?', () => {
    const code = `
      async function f(client: any, table: string, id: string) {
        await client.query(\`UPDATE \${table} SET price = $1 WHERE id = $2\`, [1, id]);
      }`;
    const [write] = fullWrites(code);
    expect(write).toMatchObject({ orm: 'sql', operation: 'update', entity: null, statement: 'UPDATE ? SET price = $1 WHERE id = $2' });
  });

  it('gives a conditional statement one table only when every alternative writes it', () => {
    const code = `
      async function f(client: any, hard: boolean) {
        await client.query(hard ? 'DELETE FROM products WHERE id = $1' : 'UPDATE products SET deleted = true WHERE id = $1');
        await client.query(hard ? 'DELETE FROM products' : 'DELETE FROM products_archive');
      }`;
    expect(writes(code)).toEqual(['sql delete products', 'sql delete null']);
  });

  it('collapses whitespace and cuts the statement to 80 characters', () => {
    const code = `client.query(\`
      UPDATE products
      SET price = $1, name = $2, description = $3, updated_at = now(), version = version + 1
      WHERE id = $4\`);`;
    const [write] = fullWrites(code);
    expect(write.statement).toHaveLength(80);
    expect(write.statement).toMatch(/^UPDATE products SET price = \$1, name = \$2, .*…$/);
  });

  it('reports multi-statement text, comments and CTE writes', () => {
    const code = `
      client.query('BEGIN; UPDATE products SET price = 1; COMMIT;');
      client.query('-- reprice\\n/* nightly */ DELETE FROM price_cache');
      client.query('WITH changed AS (UPDATE products SET price = price * 2 RETURNING id) SELECT count(*) FROM changed');`;
    expect(writes(code)).toEqual(['sql update products', 'sql delete price_cache', 'sql update products']);
  });

  it('follows an imported SQL const across files', () => {
    const files = {
      '/src/queries.ts': `export const DELETE_PRODUCT = 'DELETE FROM products WHERE id = $1';`,
      '/src/service.ts': `import { DELETE_PRODUCT } from './queries.js';\nexport const f = (pool: any, id: string) => pool.query(DELETE_PRODUCT, [id]);`,
    };
    expect(writes(files)).toEqual(['sql delete products']);
  });

  it('reports db.execute(sql`…`) once, at the tagged template, and names a drizzle table in it', () => {
    const files = {
      '/src/schema.ts': `import { pgTable } from 'drizzle-orm/pg-core';\nexport const products = pgTable('products', {});`,
      '/src/main.ts': `
        import { sql } from 'drizzle-orm';
        import { products } from './schema.js';
        async function f(db: any, id: number) {
          await db.execute(sql\`DELETE FROM carts WHERE id = \${id}\`);
          await db.execute(sql\`UPDATE \${products} SET price = 0\`);
        }`,
    };
    const found = fullWrites(files);
    expect(found.map((w) => `${w.orm} ${w.operation} ${w.entity}`)).toEqual(['sql delete carts', 'sql update products']);
    expect(found.every((w) => ts.isTaggedTemplateExpression(w.node))).toBe(true);
  });

  it('does not report reads, unknown text or non-SQL calls', () => {
    const code = `
      async function f(pool: any, text: string, line: string) {
        await pool.query('SELECT * FROM products WHERE id = $1', [1]);
        await pool.query(text);
        await pool.query(\`\${text}\`);
        /UPDATE (\\w+)/.exec('UPDATE products SET a = 1');
        pool.run();
        sql\`SELECT 1\`;
      }`;
    expect(writes(code)).toEqual([]);
  });

  it('sqlControlOf finds BEGIN, COMMIT and ROLLBACK', () => {
    const code = `
      client.query('BEGIN');
      client.query('COMMIT');
      sql\`ROLLBACK\`;
      client.query('ROLLBACK TO SAVEPOINT a');
      client.query('UPDATE products SET a = 1');
      client.get('BEGIN');`;
    const { sources, ctx } = project({ '/src/main.ts': code });
    const controls = candidates(sources.get('/src/main.ts')!).map((node) => sqlControlOf(node, ctx) ?? null);
    expect(controls).toEqual(['begin', 'commit', 'rollback', null, null, null]);
  });
});

describe('Prisma', () => {
  it.each([
    ['create', 'insert'],
    ['createMany', 'insert'],
    ['createManyAndReturn', 'insert'],
    ['update', 'update'],
    ['updateMany', 'update'],
    ['updateManyAndReturn', 'update'],
    ['upsert', 'upsert'],
    ['delete', 'delete'],
    ['deleteMany', 'delete'],
  ])('prisma.product.%s is a %s', (method, operation) => {
    expect(writes(`prisma.product.${method}({ where: { id: 1 } });`)).toEqual([`prisma ${operation} product`]);
  });

  it('recognizes this.prisma, a PrismaClient const, an imported client and transaction clients', () => {
    const files = {
      '/src/db.ts': `import { PrismaClient } from '@prisma/client';\nexport const orm = new PrismaClient();`,
      '/src/main.ts': `
        import { PrismaClient } from '@prisma/client';
        import { orm } from './db.js';
        const store = new PrismaClient().$extends({});
        class ProductService {
          constructor(private readonly prisma: PrismaService) {}
          rename(id: number) { return this.prisma.product.update({ where: { id }, data: {} }); }
        }
        orm.order.create({ data: {} });
        store.review.deleteMany({});
        orm.$transaction(async (t) => { await t.stock.update({ where: { id: 1 }, data: {} }); });
        orm.$transaction([orm.product.delete({ where: { id: 1 } }), orm.stock.updateMany({ data: {} })]);`,
    };
    expect(writes(files)).toEqual([
      'prisma update product',
      'prisma insert order',
      'prisma delete review',
      'prisma update stock',
      'prisma delete product',
      'prisma update stock',
    ]);
  });

  it('does not take other objects for a Prisma client', () => {
    const code = `
      import twilio from 'twilio';
      const client = twilio('sid', 'token');
      function f(db: Firestore) { return db.collection.delete(); }
      client.messages.create({ body: 'hi' });
      cache.product.update({});
      db.Product.update({});
      prisma.product.findMany({});`;
    expect(writes(code)).toEqual([]);
  });
});

describe('TypeORM', () => {
  it('recognizes repositories typed, injected and created by getRepository', () => {
    const code = `
      import { Repository, DataSource } from 'typeorm';
      const AppDataSource = new DataSource({});
      const productRepo = AppDataSource.getRepository(Product);
      class ProductService {
        private reviews = AppDataSource.getRepository(Review);
        private stock;
        constructor(@InjectRepository(Product) private readonly repo: Repository<Product>, dataSource: DataSource) {
          this.stock = dataSource.getRepository(Stock);
        }
        async a() { await this.repo.update(1, { price: 2 }); }
        async b() { await this.reviews.delete({ productId: 1 }); }
        async c() { await this.stock.decrement({ id: 1 }, 'qty', 1); }
      }
      async function f(orders: Repository<Order>, manager: any) {
        await orders.save({});
        await productRepo.softDelete(1);
        await getRepository(Tag).insert({});
        await manager.getRepository('category').upsert({}, ['id']);
      }`;
    expect(writes(code)).toEqual([
      'typeorm update Product',
      'typeorm delete Review',
      'typeorm update Stock',
      'typeorm upsert Order',
      'typeorm delete Product',
      'typeorm insert Tag',
      'typeorm upsert category',
    ]);
  });

  it('recognizes EntityManager calls and transaction managers', () => {
    const code = `
      import { Product } from './entities.js';
      async function f(manager: any, entityManager: any, queryRunner: any, dataSource: any) {
        await manager.update(Product, 1, { price: 1 });
        await entityManager.save(Product, {});
        await queryRunner.manager.remove(Product, {});
        await dataSource.transaction(async (m) => { await m.increment(Product, { id: 1 }, 'views', 1); });
        await manager.clear(Product);
      }`;
    expect(writes(code)).toEqual(['typeorm update Product', 'typeorm upsert Product', 'typeorm delete Product', 'typeorm update Product', 'typeorm delete Product']);
  });

  it('recognizes query builders once, at the last call of the chain', () => {
    const code = `
      class S {
        constructor(private repo: Repository<Product>, private dataSource: DataSource) {}
        async a() { await this.dataSource.createQueryBuilder().update(Product).set({ price: 1 }).where('id = :id', { id: 1 }).execute(); }
        async b() { await this.dataSource.createQueryBuilder().insert().into(Product).values([]).orUpdate(['price'], ['id']).execute(); }
        async c() { await this.dataSource.createQueryBuilder().delete().from('products').where('id = 1').execute(); }
        async d() { await this.repo.createQueryBuilder('p').softDelete().where('id = 1').execute(); }
        async e() { return this.repo.createQueryBuilder('p').where('p.id = 1').getMany(); }
      }`;
    expect(writes(code)).toEqual(['typeorm update Product', 'typeorm upsert Product', 'typeorm delete products', 'typeorm delete Product']);
    expect(nodeTexts(code)[0]).toMatch(/^this\.dataSource\.createQueryBuilder\(\)\.update\(Product\).*\.execute\(\)$/);
  });

  it('follows a query builder kept in a const, reporting the write once', () => {
    const code = `
      class S {
        constructor(private repo: Repository<Product>, private dataSource: DataSource) {}
        async a() {
          const qb = this.repo.createQueryBuilder('p');
          await qb.update().set({ price: 1 }).where('p.id = :id', { id: 1 }).execute();
        }
        async b() {
          const qb = this.dataSource.createQueryBuilder().delete().from(Order);
          await qb.where('id = 1').execute();
        }
      }`;
    expect(writes(code)).toEqual(['typeorm update Product', 'typeorm delete Order']);
    expect(nodeTexts(code)[1]).toBe('this.dataSource.createQueryBuilder().delete().from(Order)');
  });

  it('recognizes custom repositories and Active Record entities', () => {
    const code = `
      class ProductRepository extends Repository<Product> {
        reprice() { return this.update({}, { price: 1 }); }
      }
      class Order extends BaseEntity {}
      async function f(products: ProductRepository) {
        await products.delete(1);
        await Order.insert({});
      }`;
    expect(writes(code)).toEqual(['typeorm update Product', 'typeorm delete Product', 'typeorm insert Order']);
  });

  it('does not report repositories of unknown type or non-class entity arguments', () => {
    const code = `
      const CACHE_KEY = 'x';
      class S {
        constructor(private repo: any) {}
        async a(manager: any, cacheManager: any) {
          await this.repo.save({});
          await cacheManager.delete(CACHE_KEY);
          await manager.save(entity);
        }
      }`;
    expect(writes(code)).toEqual([]);
  });
});

describe('Knex', () => {
  it('recognizes table chains with every write method', () => {
    const code = `
      const TABLE = 'reviews';
      async function f(knex: any, db: any, id: number) {
        await knex('products').where({ id }).update({ price: 1 });
        await db('products as p').where('p.id', id).del();
        await knex.table('products').where({ id }).increment('views', 1);
        await knex.insert({ id }).into('orders');
        await knex('products').insert({ id }).onConflict('id').merge();
        await knex('products').insert({ id }).onConflict('id').ignore();
        await knex('sessions').truncate();
        await knex.from('carts').where({ id }).delete();
        await knex(TABLE).where({ id }).decrement('score', 1);
        await knex('stock').upsert({ id });
      }`;
    expect(writes(code)).toEqual([
      'knex update products',
      'knex delete products',
      'knex update products',
      'knex insert orders',
      'knex upsert products',
      'knex insert products',
      'knex delete sessions',
      'knex delete carts',
      'knex update reviews',
      'knex upsert stock',
    ]);
  });

  it('reports the whole chain once, before .then', () => {
    const code = `
      knex('products').where({ id }).update({ price });
      knex('products').where({ id }).del().then(() => invalidate(id));
      trx('products').insert(row).transacting(trx);`;
    expect(nodeTexts(code)).toEqual([
      "knex('products').where({ id }).update({ price })",
      "knex('products').where({ id }).del()",
      "trx('products').insert(row).transacting(trx)",
    ]);
  });

  it('follows a query kept in a const, reporting the write once', () => {
    const code = `
      import knex from 'knex';
      const db = knex({ client: 'pg' });
      async function f(id: number, onlyActive: boolean) {
        const query = db('products').where({ id });
        if (onlyActive) query.where({ active: true });
        await query.update({ price: 1 });
        await db.table('orders').where({ id }).del();
      }`;
    expect(writes(code)).toEqual(['knex update products', 'knex delete orders']);
  });

  it('recognizes this.knex and transaction handles', () => {
    const code = `
      class Repo {
        constructor(private knex: Knex) {}
        save() { return this.knex('products').insert({}); }
        move() { return this.knex.transaction(async (trx) => { await trx('stock').where({ id: 1 }).update({}); }); }
      }`;
    expect(writes(code)).toEqual(['knex insert products', 'knex update stock']);
  });

  it('does not report reads or non-query chains', () => {
    const code = `
      knex('products').where({ id }).first();
      knex.select('*').from('products');
      require('fs').delete;
      $('#cart').find('li').remove();
      t('greeting').update;
      createHash('sha256').update(body).digest('hex');
      hmac('sha256', secret).update(body);`;
    expect(writes(code)).toEqual([]);
  });
});

describe('Drizzle', () => {
  const schema = `
    import { pgTable, serial, integer } from 'drizzle-orm/pg-core';
    import { mysqlTable } from 'drizzle-orm/mysql-core';
    export const products = pgTable('products', { id: serial('id'), price: integer('price') });
    export const orders = mysqlTable('shop_orders', {});
    export const carts = sqliteTable('carts', {});`;

  it('recognizes update, insert, delete and upsert on declared tables', () => {
    const files = {
      '/src/schema.ts': schema,
      '/src/main.ts': `
        import { eq } from 'drizzle-orm';
        import { products, orders, carts } from './schema.js';
        import * as s from './schema.js';
        async function f(db: any, tx: any, id: number) {
          await db.update(products).set({ price: 1 }).where(eq(products.id, id));
          await db.insert(orders).values({});
          await db.insert(products).values({}).onConflictDoUpdate({ target: products.id, set: {} });
          await db.delete(carts).where(eq(carts.id, id));
          await tx.delete(products);
          await db.update(s.orders).set({}).returning();
        }`,
    };
    expect(writes(files)).toEqual(['drizzle update products', 'drizzle insert shop_orders', 'drizzle upsert products', 'drizzle delete carts', 'drizzle delete products', 'drizzle update shop_orders']);
    expect(nodeTexts(files)[0]).toBe('db.update(products).set({ price: 1 }).where(eq(products.id, id))');
  });

  it('takes a table the graph cannot follow by its name, only on a database handle or a drizzle chain', () => {
    const code = `
      import { orders } from '@/db/schema';
      async function f(db: any, service: any) {
        await db.insert(orders).values({});
        await db.delete(orders);
        await service.delete(orders);
      }`;
    expect(writes(code)).toEqual(['drizzle insert orders', 'drizzle delete orders']);
  });

  it('does not report collections, plain objects, Redis or non-table arguments', () => {
    const code = `
      const map = new Map<string, number>();
      const seen = new Set<string>();
      const cache = { update(x: unknown) {}, delete(x: unknown) {} };
      const products = pgTable('products', {});
      async function f(redis: any, arr: any, k: string, x: unknown) {
        map.delete(k);
        await map.delete(k);
        seen.delete(k);
        await redis.del(k);
        await cache.update(x);
        await cache.delete(products);
        arr.insert(x);
        await arr.insert(x);
        await arr.update({ id: 1 });
        Object.create(null);
        await fetch('https://example.com');
      }`;
    expect(writes(code)).toEqual([]);
  });
});

describe('Sequelize', () => {
  it('recognizes model classes, define() consts and default imports', () => {
    const files = {
      '/src/models/product.ts': `import { Model } from 'sequelize';\nexport default class Product extends Model<{ id: number }> {}`,
      '/src/models/index.ts': `import { Sequelize, DataTypes } from 'sequelize';\nconst sequelize = new Sequelize('');\nexport const Review = sequelize.define('review', { body: DataTypes.STRING });`,
      '/src/main.ts': `
        import Product from './models/product.js';
        import { Review } from './models/index.js';
        class Order extends Model {}
        class SpecialOrder extends Order {}
        class Service { constructor(@InjectModel(Product) private productModel: typeof Product) {} run() { return this.productModel.destroy({ where: {} }); } }
        async function f() {
          await Product.update({ price: 1 }, { where: { id: 1 } });
          await Product.increment('views', { where: { id: 1 } });
          await Review.bulkCreate([]);
          await Order.upsert({});
          await SpecialOrder.truncate();
          await Order.restore({ where: {} });
          await Order.create({});
        }`,
    };
    expect(writes(files)).toEqual([
      'sequelize delete Product',
      'sequelize update Product',
      'sequelize update Product',
      'sequelize insert review',
      'sequelize upsert Order',
      'sequelize delete SpecialOrder',
      'sequelize update Order',
      'sequelize insert Order',
    ]);
  });

  it('does not report classes that are not models', () => {
    expect(writes(`class Foo {}\nFoo.update({}); Product.update({}); Order.findAll();`)).toEqual([]);
  });
});

describe('Mongoose', () => {
  it('recognizes model() consts, imports and upsert options', () => {
    const files = {
      '/src/models.ts': `import mongoose, { Schema } from 'mongoose';\nexport default mongoose.model<IProduct>('Product', new Schema({}));`,
      '/src/main.ts': `
        import { model, Schema } from 'mongoose';
        import Product from './models.js';
        const Order = model('Order', new Schema({}));
        async function f(id: string) {
          await Order.updateOne({ _id: id }, { $set: {} });
          await Order.deleteMany({});
          await Order.insertMany([]);
          await Product.findByIdAndUpdate(id, {}, { upsert: true });
          await Product.findOneAndDelete({ _id: id });
          await Product.bulkWrite([]);
          await Order.updateOne({ _id: id }, {}).exec();
          await Order.find({});
        }`,
    };
    expect(writes(files)).toEqual([
      'mongoose update Order',
      'mongoose delete Order',
      'mongoose insert Order',
      'mongoose upsert Product',
      'mongoose delete Product',
      'mongoose update Product',
      'mongoose update Order',
    ]);
  });

  it('recognizes injected Model<…> types', () => {
    const code = `
      import { Model } from 'mongoose';
      class S {
        constructor(@InjectModel(Product.name) private productModel: Model<ProductDocument>, @InjectModel('Cart') private carts: Model<CartDoc>) {}
        async a() { await this.productModel.findOneAndUpdate({}, {}); await this.carts.create({}); }
      }
      async function g(reviews: Model<Review>) { await reviews.replaceOne({}, {}); }`;
    expect(writes(code)).toEqual(['mongoose update Product', 'mongoose insert Cart', 'mongoose update Review']);
  });
});

describe('transactionCallOf', () => {
  it('finds the transaction call of the innermost function only (and Prisma\'s array form)', () => {
    const code = `
      prisma.$transaction(async (tx) => { probe(); });
      knex.transaction(async (trx) => { probe(); });
      sequelize.transaction(async (t) => { probe(); });
      dataSource.transaction('SERIALIZABLE', async (manager) => { probe(); });
      db.transaction(async function (tx) { probe(); });
      prisma.$transaction(async (tx) => { [1].forEach(() => probe()); });
      prisma.$transaction([probe(), prisma.product.delete({})]);
      function outside() { probe(); }
      probe();`;
    const { sources } = project({ '/src/main.ts': code });
    const probes = candidates(sources.get('/src/main.ts')!).filter((c) => c.getText() === 'probe()');
    expect(probes.map((p) => transactionCallOf(p)?.expression.getText() ?? null)).toEqual([
      'prisma.$transaction',
      'knex.transaction',
      'sequelize.transaction',
      'dataSource.transaction',
      'db.transaction',
      null,
      'prisma.$transaction',
      null,
      null,
    ]);
  });
});

describe('with a type checker', () => {
  it('accepts knex-typed handles with an unknown table and changes nothing else', () => {
    const dir = writeProject(
      {
        'src/db.ts': `
          import knex from 'knex';
          const db = knex({ client: 'pg' });
          const map = new Map<string, number>();
          export async function f(table: string, id: number) {
            await db('products').where({ id }).update({ price: 1 });
            await db(table).where({ id }).del();
            map.delete('x');
            await db.raw('DELETE FROM carts');
          }`,
      },
      { name: 'db-writes-knex-checker' },
    );
    const fileName = path.join(dir, 'src/db.ts');
    const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true };
    const program = ts.createProgram([fileName], options);
    const graph: ModuleGraph = {
      resolveModule(from, specifier) {
        const resolved = ts.resolveModuleName(specifier, from.fileName, options, ts.sys).resolvedModule;
        return resolved && !resolved.isExternalLibraryImport ? program.getSourceFile(resolved.resolvedFileName) : undefined;
      },
    };
    const file = program.getSourceFile(fileName)!;
    const describeAll = (ctx: ResolveContext) =>
      candidates(file)
        .map((node) => describeDbWrite(node, ctx))
        .filter((w): w is DbWrite => w !== undefined)
        .map((w) => `${w.orm} ${w.operation} ${w.entity ?? 'null'}`);
    expect(describeAll({ graph, checker: program.getTypeChecker() })).toEqual(['knex update products', 'knex delete null', 'sql delete carts']);
    expect(describeAll({ graph })).toEqual(['knex update products', 'sql delete carts']);
  });

  it('tells a typed TypeORM repository from built-in collections held the same way', () => {
    const dir = writeProject(
      {
        'src/svc.ts': `
          import { Repository } from 'typeorm';
          class Product { id!: string; }
          export class ProductService {
            private readonly local = new Map<string, Product>();
            private readonly seen: Set<string> = new Set();
            constructor(private readonly repo: Repository<Product>) {}
            async remove(id: string) {
              await this.repo.delete(id);
              this.local.delete(id);
              this.seen.delete(id);
            }
          }`,
      },
      { name: 'db-writes-typeorm-checker' },
    );
    const fileName = path.join(dir, 'src/svc.ts');
    const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true, experimentalDecorators: true };
    const program = ts.createProgram([fileName], options);
    const file = program.getSourceFile(fileName)!;
    const described = candidates(file)
      .map((node) => describeDbWrite(node, { graph: { resolveModule: () => undefined }, checker: program.getTypeChecker() }))
      .filter((w): w is DbWrite => w !== undefined)
      .map((w) => `${w.orm} ${w.operation} ${w.entity ?? 'null'} ${w.node.getText()}`);
    expect(described).toEqual(['typeorm delete Product this.repo.delete(id)']);
  });
});

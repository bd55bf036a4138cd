/**
 * Building blocks of the write-path rule tests (require-invalidation, invalidate-after-write) and
 * of test/write-paths-shared.test.ts: both Redis clients, and one write of the `products` table
 * (model `Product`) in every form keydrift recognizes.
 */
import { fixture } from './rule-tester.js';

export interface Client {
  name: 'ioredis' | 'node-redis';
  /** Imports and creates the client (two lines). */
  header: string[];
  get(key: string): string;
  del(key: string): string;
  unlink(key: string): string;
  expire(key: string): string;
  /** A write-through SET with a TTL. */
  set(key: string, value: string): string;
  publish(channel: string, message: string): string;
}

export const IOREDIS: Client = {
  name: 'ioredis',
  header: ["import { Redis } from 'ioredis';", 'const redis = new Redis();'],
  get: (key) => `redis.get(${key})`,
  del: (key) => `redis.del(${key})`,
  unlink: (key) => `redis.unlink(${key})`,
  expire: (key) => `redis.expire(${key}, 0)`,
  set: (key, value) => `redis.set(${key}, ${value}, 'EX', 300)`,
  publish: (channel, message) => `redis.publish(${channel}, ${message})`,
};

export const NODE_REDIS: Client = {
  name: 'node-redis',
  header: ["import { createClient } from 'redis';", 'const client = createClient();'],
  get: (key) => `client.get(${key})`,
  del: (key) => `client.del(${key})`,
  unlink: (key) => `client.unlink(${key})`,
  expire: (key) => `client.expire(${key}, 0)`,
  set: (key, value) => `client.set(${key}, ${value}, { EX: 300 })`,
  publish: (channel, message) => `client.publish(${channel}, ${message})`,
};

export const CLIENTS = [IOREDIS, NODE_REDIS];

export interface Form {
  name: string;
  /** Imports and declarations the write needs (module level). */
  setup: string[];
  /** The write of `products` / `Product`, as an awaited statement using `id` and `price`. */
  write: string;
  /** The write call as the rules report it (its first characters). */
  call: string;
  /** The entity as the message names it. */
  entity: string;
}

const POOL = 'declare const pool: { query(text: string, values?: unknown[]): Promise<{ rowCount: number }> };';

export const FORMS: Form[] = [
  {
    name: 'raw SQL pool.query',
    setup: [POOL],
    write: "await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);",
    call: 'pool.query',
    entity: 'products',
  },
  {
    name: 'Prisma prisma.product.update',
    setup: ["import { PrismaClient } from '@prisma/client';", 'const prisma = new PrismaClient();'],
    write: 'await prisma.product.update({ where: { id }, data: { price } });',
    call: 'prisma.product',
    entity: 'product',
  },
  {
    name: "Knex db('products')…update",
    setup: ["import knex from 'knex';", "const db = knex({ client: 'pg' });"],
    write: "await db('products').where({ id }).update({ price });",
    call: "db('products')",
    entity: 'products',
  },
  {
    name: 'Drizzle db.update(products) with pgTable in the file',
    setup: [
      "import { eq } from 'drizzle-orm';",
      "import { drizzle } from 'drizzle-orm/node-postgres';",
      "import { integer, pgTable, text } from 'drizzle-orm/pg-core';",
      "const products = pgTable('products', { id: text('id').primaryKey(), price: integer('price') });",
      'const db = drizzle(process.env.DATABASE_URL!);',
    ],
    write: 'await db.update(products).set({ price }).where(eq(products.id, id));',
    call: 'db.update',
    entity: 'products',
  },
  {
    name: 'Sequelize Product.update',
    setup: ["import { Model } from 'sequelize';", 'class Product extends Model {}'],
    write: 'await Product.update({ price }, { where: { id } });',
    call: 'Product.update',
    entity: 'Product',
  },
  {
    name: 'Mongoose ProductModel.updateOne',
    setup: ["import { Schema, model } from 'mongoose';", "const ProductModel = model('Product', new Schema({ price: Number }));"],
    write: 'await ProductModel.updateOne({ _id: id }, { $set: { price } });',
    call: 'ProductModel.updateOne',
    entity: 'Product',
  },
  {
    name: 'TypeORM repository Repository<Product>',
    setup: ["import { Repository } from 'typeorm';", 'class Product { id!: string; price!: number; }', 'declare const repo: Repository<Product>;'],
    write: 'await repo.update(id, { price });',
    call: 'repo.update',
    entity: 'Product',
  },
];

export const [SQL, PRISMA] = FORMS;

export interface ServiceOptions {
  /** Module-level lines after the key builder and the read (helpers). */
  helpers?: string[];
  /** Statements of `updatePrice(id, price)`, one a line. */
  body: string[];
  /** Extra module-level setup, after the form's (defaults to the raw SQL pool). */
  setup?: string[];
  /** Leave out the cache-aside read of `product:{id}`. */
  noRead?: boolean;
}

/**
 * A product service: the client, setup, `productKey`, a cache-aside read of `product:{id}` (so
 * the analyzer knows the family too), helpers, then `export async function updatePrice`.
 */
export function service(client: Client, options: ServiceOptions): string {
  return [
    ...client.header,
    ...(options.setup ?? [POOL]),
    'const productKey = (id: string) => `product:${id}`;',
    ...(options.noRead ? [] : [`export const getProduct = (id: string) => ${client.get('productKey(id)')};`]),
    ...(options.helpers ?? []),
    'export async function updatePrice(id: string, price: number) {',
    ...options.body.map((line) => `  ${line}`),
    '}',
    '',
  ].join('\n');
}

/** 1-based line and column of the first `needle` at or after line `from` (throws when missing). */
export function at(code: string, needle: string, from = 1): { line: number; column: number } {
  const lines = code.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    const column = lines[i].indexOf(needle);
    if (column >= 0) return { line: i + 1, column: column + 1 };
  }
  throw new Error(`'${needle}' is not in the code`);
}

/** test/rules/fixtures/writes/keydrift.keys.json: `products` pins product:{id} and prices:{currency}. */
export const WRITES_REGISTRY = fixture('writes', 'keydrift.keys.json');
export const writesSettings = { keydrift: { registry: WRITES_REGISTRY } };

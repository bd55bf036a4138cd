import rule from '../../rules/require-invalidation.js';
import { code, jsRuleTester, ruleTester, typedRuleTester } from './rule-tester.js';
import { at, CLIENTS, FORMS, PRISMA, service, SQL, writesSettings, type Client, type Form } from './write-path-cases.js';

// Every case is a product service (write-path-cases.ts): a cache-aside read of `product:{id}`,
// then `updatePrice(id, price)` whose body is given. Writes of `products` / `Product` make
// `product:{id}` stale by name; the registry fixture pins `products` to `product:{id}` and
// `prices:{currency}`, `inventory` to `stock:{sku}`, and the channel `cache:invalidate` to both
// product families.

type Case = { name: string; code: string; options?: [Record<string, unknown>]; settings?: Record<string, unknown>; filename?: string };
type InvalidCase = Case & { errors: { messageId: 'noInvalidation'; line: number; column: number; data?: { message: string } }[] };

const byName = (entity: string, fn = 'updatePrice', families = '`product:{id}` stays stale') =>
  `${fn} writes \`${entity}\` but invalidates no cached family of it: ${families} (matched by name; pin it with \`invalidatedBy\` in the registry)`;

/** The error at the first `needle` of the code (the write call). */
function noInvalidation(source: string, needle: string, message?: string): InvalidCase['errors'][number] {
  return { messageId: 'noInvalidation', ...at(source, needle), ...(message !== undefined && { data: { message } }) };
}

function formCases(client: Client, form: Form): { valid: Case[]; invalid: InvalidCase[] } {
  const prefix = `${client.name}, ${form.name}`;
  const stale = service(client, { setup: form.setup, body: [form.write] });
  return {
    valid: [
      { name: `${prefix}: del after the write`, code: service(client, { setup: form.setup, body: [form.write, `await ${client.del('productKey(id)')};`] }) },
      { name: `${prefix}: del before the write (invalidate-after-write's business)`, code: service(client, { setup: form.setup, body: [`await ${client.del('productKey(id)')};`, form.write] }) },
    ],
    invalid: [{ name: `${prefix}: no invalidation`, code: stale, errors: [noInvalidation(stale, form.call, byName(form.entity))] }],
  };
}

function clientCases(client: Client): { valid: Case[]; invalid: InvalidCase[] } {
  const c = client.name;
  const sql = (...body: string[]) => service(client, { body });
  const write = SQL.write;
  const key = 'productKey(id)';
  const registryStale = service(client, { body: [write, `await ${client.publish("'analytics:views'", 'id')};`], noRead: true });
  const inventory = code(
    ...client.header,
    'declare const pool: { query(text: string, values?: unknown[]): Promise<unknown> };',
    'export async function sell(sku: string) {',
    "  await pool.query('UPDATE inventory SET stock = stock - 1 WHERE sku = $1', [sku]);",
    '}',
  );
  const mapOnly = service(client, { setup: [SQL.setup[0], 'const local = new Map<string, unknown>();'], body: [write, 'local.delete(productKey(id));'] });
  const helperWrites = service(client, {
    helpers: ['async function saveRow(id: string, price: number) {', `  ${write}`, '}'],
    body: ['await saveRow(id, price);'],
  });
  const items = service(client, { body: ["await pool.query('UPDATE items SET price = $1 WHERE id = $2', [price, id]);"] });
  const withoutInvalidatorOption = service(client, { setup: [SQL.setup[0], 'declare function invalidateCache(...args: unknown[]): Promise<void>;'], body: [write, "await invalidateCache('products', id);"] });
  const transaction = service(client, {
    setup: PRISMA.setup,
    body: ['await prisma.$transaction(async (tx) => {', '  await tx.product.update({ where: { id }, data: { price } });', '});'],
  });
  return {
    valid: [
      { name: `${c}: unlink after the write`, code: sql(write, `await ${client.unlink(key)};`) },
      { name: `${c}: expire after the write`, code: sql(write, `await ${client.expire(key)};`) },
      { name: `${c}: write-through set after the write`, code: sql(write, `await ${client.set(key, 'JSON.stringify({ id, price })')};`) },
      { name: `${c}: del before and after (double delete)`, code: sql(`await ${client.del(key)};`, write, `await ${client.del(key)};`) },
      { name: `${c}: del in finally`, code: sql('try {', `  ${write}`, '} finally {', `  await ${client.del(key)};`, '}') },
      {
        name: `${c}: through a helper in the same file`,
        code: service(client, { helpers: ['async function forgetProduct(id: string) {', `  await ${client.del('productKey(id)')};`, '}'], body: [write, 'await forgetProduct(id);'] }),
      },
      {
        name: `${c}: through a helper that is a const arrow function`,
        code: service(client, { helpers: [`const forgetProduct = (id: string) => ${client.unlink('productKey(id)')};`], body: [write, 'await forgetProduct(id);'] }),
      },
      {
        name: `${c}: through a same-file wrapper whose key is its parameter`,
        code: service(client, { helpers: ['async function drop(key: string) {', `  await ${client.del('key')};`, '}'], body: [write, 'await drop(productKey(id));'] }),
      },
      { name: `${c}: publish on a registered invalidation channel`, code: service(client, { body: [write, `await ${client.publish("'cache:invalidate'", 'id')};`], noRead: true }), settings: writesSettings },
      { name: `${c}: registry: del of one of the pinned families is enough`, code: sql(write, `await ${client.del("'prices:EUR'")};`), settings: writesSettings },
      { name: `${c}: a table nothing caches`, code: sql("await pool.query('INSERT INTO price_runs (product_id, price) VALUES ($1, $2)', [id, price]);") },
      { name: `${c}: a table nothing caches, with a registry`, code: sql("await pool.query('INSERT INTO price_runs (product_id, price) VALUES ($1, $2)', [id, price]);"), settings: writesSettings },
      { name: `${c}: writes but no key in the file and no registry`, code: code(SQL.setup[0], 'export async function f(id: string) {', "  await pool.query('UPDATE products SET price = 1 WHERE id = $1', [id]);", '}') },
      { name: `${c}: reads are not writes`, code: sql("await pool.query('SELECT * FROM products WHERE id = $1', [id]);") },
      {
        name: `${c}: del after an awaited prisma.$transaction`,
        code: service(client, {
          setup: PRISMA.setup,
          body: ['await prisma.$transaction(async (tx) => {', '  await tx.product.update({ where: { id }, data: { price } });', '});', `await ${client.del(key)};`],
        }),
      },
      {
        name: `${c}: del inside the transaction callback (invalidate-after-write's business)`,
        code: service(client, {
          setup: PRISMA.setup,
          body: ['await prisma.$transaction(async (tx) => {', '  await tx.product.update({ where: { id }, data: { price } });', `  await ${client.del(key)};`, '});'],
        }),
      },
      {
        name: `${c}: writes in a map callback, del after`,
        code: service(client, { body: ["await Promise.all([1, 2].map((n) => pool.query('UPDATE products SET price = $1 WHERE id = $2', [n, id])));", `await ${client.del(key)};`] }),
      },
      {
        name: `${c}: option entities pins a table to a family, and it is deleted`,
        code: sql("await pool.query('UPDATE items SET price = $1 WHERE id = $2', [price, id]);", `await ${client.del(key)};`),
        options: [{ entities: { items: ['product:{id}'] } }],
      },
      {
        name: `${c}: option invalidators: a call to the company-wide invalidator`,
        code: service(client, { setup: [SQL.setup[0], 'declare function invalidateCache(...args: unknown[]): Promise<void>;'], body: [write, "await invalidateCache('products', id);"] }),
        options: [{ invalidators: ['invalidateCache'] }],
      },
      {
        name: `${c}: option invalidators: a method call by that name`,
        code: service(client, { setup: [SQL.setup[0], 'declare const cache: { invalidateAll(): Promise<void> };'], body: [write, 'await cache.invalidateAll();'] }),
        options: [{ invalidators: ['invalidateAll'] }],
      },
      {
        name: `${c}: option invalidators: through a same-file helper`,
        code: service(client, {
          setup: [SQL.setup[0], 'declare function invalidateCache(...args: unknown[]): Promise<void>;'],
          helpers: ['async function bust(id: string) {', "  await invalidateCache('products', id);", '}'],
          body: [write, 'await bust(id);'],
        }),
        options: [{ invalidators: ['invalidateCache'] }],
      },
      {
        // keydrift cannot tell what `cache` is: its `del` may reach Redis, so the path is not reported (as in the analyzer).
        name: `${c}: a del on an object keydrift does not recognize`,
        code: service(client, { setup: [SQL.setup[0], 'declare const cache: { del(key: string): Promise<void> };'], body: [write, 'await cache.del(productKey(id));'] }),
      },
      { name: `${c}: a registry that does not exist is ignored`, code: sql("await pool.query('UPDATE inventory SET stock = 0 WHERE sku = $1', [id]);"), settings: { keydrift: { registry: '/nonexistent/keydrift.keys.json' } } },
    ],
    invalid: [
      {
        name: `${c}: publish on a channel the registry does not list`,
        code: registryStale,
        settings: writesSettings,
        errors: [noInvalidation(registryStale, 'pool.query', 'updatePrice writes `products` but invalidates no cached family of it: `prices:{currency}`, `product:{id}` stay stale')],
      },
      {
        name: `${c}: registry invalidatedBy, no key used in the file`,
        code: inventory,
        settings: writesSettings,
        errors: [noInvalidation(inventory, 'pool.query', 'sell writes `inventory` but invalidates no cached family of it: `stock:{sku}` stays stale')],
      },
      { name: `${c}: clearing a Map is not a Redis invalidation`, code: mapOnly, errors: [noInvalidation(mapOnly, 'pool.query')] },
      { name: `${c}: the helper that writes is reported, not its caller`, code: helperWrites, errors: [noInvalidation(helperWrites, 'pool.query', byName('products', 'saveRow'))] },
      { name: `${c}: option entities pins a table no name matches`, code: items, options: [{ entities: { items: ['product:{id}'] } }], errors: [noInvalidation(items, 'pool.query', 'updatePrice writes `items` but invalidates no cached family of it: `product:{id}` stays stale')] },
      { name: `${c}: without the invalidators option, a call to invalidateCache does not count`, code: withoutInvalidatorOption, errors: [noInvalidation(withoutInvalidatorOption, 'pool.query')] },
      {
        name: `${c}: a transaction callback writes: reported at the transaction, for the function running it`,
        code: transaction,
        errors: [
          noInvalidation(
            transaction,
            'prisma.$transaction',
            `updatePrice writes \`product\` (through an anonymous function, file.ts:${at(transaction, 'tx.product').line}) but invalidates no cached family of it: \`product:{id}\` stays stale (matched by name; pin it with \`invalidatedBy\` in the registry)`,
          ),
        ],
      },
    ],
  };
}

const cases = [...CLIENTS.flatMap((client) => FORMS.map((form) => formCases(client, form))), ...CLIENTS.map(clientCases)];

ruleTester.run('require-invalidation', rule, {
  valid: cases.flatMap((c) => c.valid),
  invalid: cases.flatMap((c) => c.invalid),
});

const JS_SERVICE = code(
  "import { Redis } from 'ioredis';",
  'const redis = new Redis();',
  'export const getProduct = (id) => redis.get(`product:${id}`);',
  'export async function updatePrice(pool, id, price) {',
  "  await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);",
  '}',
);

jsRuleTester.run('require-invalidation (.js, espree)', rule, {
  valid: [{ name: 'js: del after the write', filename: 'file.js', code: JS_SERVICE.replace('[price, id]);\n', '[price, id]);\n  await redis.del(`product:${id}`);\n') }],
  invalid: [
    { name: 'js: no invalidation', filename: 'file.js', code: JS_SERVICE, errors: [{ messageId: 'noInvalidation', line: 5, column: 9 }] },
    {
      // The only write is a tagged template: espree's node is matched to TypeScript's by its range.
      name: 'js: a sql`` tagged-template write with no invalidation',
      filename: 'file.js',
      code: JS_SERVICE.replace("pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id])", 'sql`UPDATE products SET price = ${price} WHERE id = ${id}`'),
      errors: [{ messageId: 'noInvalidation', line: 5, column: 9 }],
    },
  ],
});

const TYPED_SERVICE = code(
  "import { services } from './services.js';",
  "import { cache } from './cache.js';",
  'declare const pool: { query(text: string, values?: unknown[]): Promise<unknown> };',
  'export const getProduct = (id: string) => services.redis.get(`product:${id}`);',
  'export async function updatePrice(id: string, price: number) {',
  "  await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);",
);

typedRuleTester.run('require-invalidation (type information)', rule, {
  valid: [
    { name: 'typed: a client known only from its type deletes the key', code: `${TYPED_SERVICE}  await services.redis.del(\`product:\${id}\`);\n}\n` },
    // Not Redis by its type, but a `del` keydrift cannot attribute might invalidate through a
    // client it does not know: like the analyzer, the rule does not report the path.
    { name: "typed: a user's own Cache#del is not taken for a missing invalidation", code: `${TYPED_SERVICE}  await cache.del(\`product:\${id}\`);\n}\n` },
  ],
  invalid: [
    { name: 'typed: no invalidation', code: `${TYPED_SERVICE}}\n`, errors: [{ messageId: 'noInvalidation', line: 6, column: 9 }] },
    {
      name: 'typed: Map#delete is not an invalidation',
      code: `${TYPED_SERVICE}  new Map<string, string>().delete(\`product:\${id}\`);\n}\n`,
      errors: [{ messageId: 'noInvalidation', line: 6, column: 9 }],
    },
  ],
});

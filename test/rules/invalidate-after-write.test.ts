import rule from '../../rules/invalidate-after-write.js';
import { code, jsRuleTester, ruleTester, typedRuleTester } from './rule-tester.js';
import { at, CLIENTS, FORMS, PRISMA, service, SQL, writesSettings, type Client, type Form } from './write-path-cases.js';

// Every case is a product service (write-path-cases.ts): a cache-aside read of `product:{id}`,
// then `updatePrice(id, price)` whose body is given. Writes of `products` / `Product` make
// `product:{id}` stale by name.

type MessageId = 'invalidatedBeforeWrite' | 'invalidatedBeforeCommit';
type SuggestionId = 'moveAfterWrite' | 'moveAfterTransaction' | 'moveAfterCommit';
type Error = { messageId: MessageId; line: number; column: number; data?: { message: string }; suggestions: { messageId: SuggestionId; output: string }[] };
type Case = { name: string; code: string; settings?: Record<string, unknown>; filename?: string };
type InvalidCase = Case & { errors: Error[] };

const beforeWrite = (entity: string, line: number) =>
  `\`product:{id}\` is invalidated before the write to \`${entity}\` (line ${line}): a request in between reads the old row and caches it again. Invalidate after the write (or again after it)`;
const BEFORE_COMMIT =
  '`product:{id}` is invalidated inside the transaction, before it commits: a concurrent read can still load the old row and put it back in the cache. Invalidate after the transaction commits';

/** The error at `needle` (the invalidation call), with the suggestion's output when there is one. */
function early(source: string, needle: string, messageId: MessageId, message: string | undefined, suggestion?: { messageId: SuggestionId; output: string }): Error {
  return { messageId, ...at(source, needle), ...(message !== undefined && { data: { message } }), suggestions: suggestion ? [suggestion] : [] };
}

function formCases(client: Client, form: Form): { valid: Case[]; invalid: InvalidCase[] } {
  const prefix = `${client.name}, ${form.name}`;
  const del = `await ${client.del('productKey(id)')};`;
  const before = service(client, { setup: form.setup, body: [del, form.write] });
  const moved = service(client, { setup: form.setup, body: [form.write, del] });
  const call = client.del('productKey(id)');
  return {
    valid: [
      { name: `${prefix}: del after the write`, code: moved },
      { name: `${prefix}: double delete`, code: service(client, { setup: form.setup, body: [del, form.write, del] }) },
    ],
    invalid: [
      {
        name: `${prefix}: del before the write`,
        code: before,
        errors: [early(before, call, 'invalidatedBeforeWrite', beforeWrite(form.entity, at(before, form.call).line), { messageId: 'moveAfterWrite', output: moved })],
      },
    ],
  };
}

function clientCases(client: Client): { valid: Case[]; invalid: InvalidCase[] } {
  const c = client.name;
  const write = SQL.write;
  const key = 'productKey(id)';
  const del = `await ${client.del(key)};`;
  const sql = (...body: string[]) => service(client, { body });
  const prisma = (...body: string[]) => service(client, { setup: PRISMA.setup, body });
  const txWrite = '  await tx.product.update({ where: { id }, data: { price } });';

  const unlinkBefore = sql(`await ${client.unlink(key)};`, write);
  const expireBefore = sql(`await ${client.expire(key)};`, write);
  const publishBefore = service(client, { body: [`await ${client.publish("'cache:invalidate'", 'id')};`, write], noRead: true });
  const inTransaction = prisma('await prisma.$transaction(async (tx) => {', txWrite, `  ${del}`, '});');
  const afterTransaction = prisma('await prisma.$transaction(async (tx) => {', txWrite, '});', del);
  const usesTx = prisma('await prisma.$transaction(async (tx) => {', '  const row = await tx.product.update({ where: { id }, data: { price } });', `  await ${client.del('productKey(row.id)')};`, '});');
  const knexTransaction = service(client, {
    setup: ["import knex from 'knex';", "const db = knex({ client: 'pg' });"],
    body: ['await db.transaction(async (trx) => {', "  await trx('products').where({ id }).update({ price });", `  ${del}`, '});'],
  });
  const knexMoved = knexTransaction.replace(`\n    ${del}\n  });`, `\n  });\n  ${del}`);
  const beginCommit = sql("await pool.query('BEGIN');", write, del, "await pool.query('COMMIT');");
  const commitMoved = sql("await pool.query('BEGIN');", write, "await pool.query('COMMIT');", del);
  const helpers = ['async function forgetProduct(id: string) {', `  await ${client.unlink('productKey(id)')};`, '}'];
  const helperBefore = service(client, { helpers, body: ['await forgetProduct(id);', write] });
  const helperMoved = service(client, { helpers, body: [write, 'await forgetProduct(id);'] });
  const writeAssigned = sql(del, "const { rowCount } = await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);", 'return rowCount;');
  const deleteAssigned = sql(`const removed = await ${client.del(key)};`, write, 'return removed;');
  const nested = sql(del, 'if (price > 0) {', `  ${write}`, '}');
  const call = client.del(key);

  return {
    valid: [
      { name: `${c}: del after the write`, code: sql(write, del) },
      { name: `${c}: del in finally after the write`, code: sql('try {', `  ${write}`, '} finally {', `  ${del}`, '}') },
      { name: `${c}: del after an awaited prisma.$transaction`, code: afterTransaction },
      { name: `${c}: double delete around a transaction`, code: prisma(del, 'await prisma.$transaction(async (tx) => {', txWrite, '});', del) },
      { name: `${c}: del after COMMIT`, code: commitMoved },
      { name: `${c}: del before a write to a table nothing caches`, code: sql(del, "await pool.query('INSERT INTO audit_log (product_id) VALUES ($1)', [id]);") },
      { name: `${c}: del before a write that is not awaited (nothing to order against)`, code: sql(del, "void pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);") },
      { name: `${c}: through a helper called after the write`, code: helperMoved },
      { name: `${c}: invalidations only`, code: sql(del, `await ${client.unlink(key)};`) },
      { name: `${c}: a publish on a channel the registry does not list is not an invalidation`, code: service(client, { body: [`await ${client.publish("'analytics:views'", 'id')};`, write], noRead: true }), settings: writesSettings },
    ],
    invalid: [
      { name: `${c}: unlink before the write`, code: unlinkBefore, errors: [early(unlinkBefore, client.unlink(key), 'invalidatedBeforeWrite', undefined, { messageId: 'moveAfterWrite', output: sql(write, `await ${client.unlink(key)};`) })] },
      { name: `${c}: expire before the write`, code: expireBefore, errors: [early(expireBefore, client.expire(key), 'invalidatedBeforeWrite', undefined, { messageId: 'moveAfterWrite', output: sql(write, `await ${client.expire(key)};`) })] },
      {
        name: `${c}: publish on a registered invalidation channel before the write`,
        code: publishBefore,
        settings: writesSettings,
        errors: [
          {
            ...early(publishBefore, 'cache:invalidate', 'invalidatedBeforeWrite', undefined, {
              messageId: 'moveAfterWrite',
              output: service(client, { body: [write, `await ${client.publish("'cache:invalidate'", 'id')};`], noRead: true }),
            }),
            ...at(publishBefore, client.publish("'cache:invalidate'", 'id')),
          },
          // The channel invalidates prices:{currency} too: still one finding, one mistake.
        ],
      },
      {
        name: `${c}: del inside the prisma.$transaction callback`,
        code: inTransaction,
        errors: [early(inTransaction, call, 'invalidatedBeforeCommit', BEFORE_COMMIT, { messageId: 'moveAfterTransaction', output: afterTransaction })],
      },
      { name: `${c}: del inside a knex transaction callback`, code: knexTransaction, errors: [early(knexTransaction, call, 'invalidatedBeforeCommit', BEFORE_COMMIT, { messageId: 'moveAfterTransaction', output: knexMoved })] },
      { name: `${c}: del inside the callback using what the callback declares: no suggestion`, code: usesTx, errors: [early(usesTx, client.del('productKey(row.id)'), 'invalidatedBeforeCommit', BEFORE_COMMIT)] },
      { name: `${c}: BEGIN, UPDATE, del, COMMIT`, code: beginCommit, errors: [early(beginCommit, call, 'invalidatedBeforeCommit', BEFORE_COMMIT, { messageId: 'moveAfterCommit', output: commitMoved })] },
      {
        name: `${c}: through a helper called before the write`,
        code: helperBefore,
        errors: [early(helperBefore, 'forgetProduct(id);', 'invalidatedBeforeWrite', beforeWrite('products', at(helperBefore, 'pool.query').line), { messageId: 'moveAfterWrite', output: helperMoved })],
      },
      { name: `${c}: the write is a declaration: no suggestion`, code: writeAssigned, errors: [early(writeAssigned, call, 'invalidatedBeforeWrite', undefined)] },
      { name: `${c}: the invalidation is a declaration: no suggestion`, code: deleteAssigned, errors: [early(deleteAssigned, call, 'invalidatedBeforeWrite', undefined)] },
      { name: `${c}: the write is in another block: no suggestion`, code: nested, errors: [early(nested, call, 'invalidatedBeforeWrite', undefined)] },
    ],
  };
}

const cases = [...CLIENTS.flatMap((client) => FORMS.map((form) => formCases(client, form))), ...CLIENTS.map(clientCases)];

ruleTester.run('invalidate-after-write', rule, {
  valid: cases.flatMap((c) => c.valid),
  invalid: cases.flatMap((c) => c.invalid),
});

const JS_BEFORE = code(
  "import { createClient } from 'redis';",
  'const client = createClient();',
  'export const getProduct = (id) => client.get(`product:${id}`);',
  'export async function updatePrice(pool, id, price) {',
  '  await client.del(`product:${id}`);',
  "  await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);",
  '}',
);
const JS_AFTER = code(
  "import { createClient } from 'redis';",
  'const client = createClient();',
  'export const getProduct = (id) => client.get(`product:${id}`);',
  'export async function updatePrice(pool, id, price) {',
  "  await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);",
  '  await client.del(`product:${id}`);',
  '}',
);

jsRuleTester.run('invalidate-after-write (.js, espree)', rule, {
  valid: [{ name: 'js: del after the write', filename: 'file.js', code: JS_AFTER }],
  invalid: [
    {
      name: 'js: del before the write',
      filename: 'file.js',
      code: JS_BEFORE,
      errors: [{ messageId: 'invalidatedBeforeWrite', line: 5, column: 9, suggestions: [{ messageId: 'moveAfterWrite', output: JS_AFTER }] }],
    },
  ],
});

const typed = (...body: string[]) =>
  code(
    "import { services } from './services.js';",
    "import { cache } from './cache.js';",
    'declare const pool: { query(text: string, values?: unknown[]): Promise<unknown> };',
    'export const getProduct = (id: string) => services.redis.get(`product:${id}`);',
    'export async function updatePrice(id: string, price: number) {',
    ...body.map((line) => `  ${line}`),
    '}',
  );
const UPDATE = "await pool.query('UPDATE products SET price = $1 WHERE id = $2', [price, id]);";

typedRuleTester.run('invalidate-after-write (type information)', rule, {
  valid: [
    { name: "typed: a user's own Cache#del before the write is not Redis", code: typed('await cache.del(`product:${id}`);', UPDATE) },
    { name: 'typed: a client known only from its type, del after', code: typed(UPDATE, 'await services.redis.del(`product:${id}`);') },
  ],
  invalid: [
    {
      name: 'typed: a client known only from its type, del before',
      code: typed('await services.redis.del(`product:${id}`);', UPDATE),
      errors: [{ messageId: 'invalidatedBeforeWrite', line: 6, column: 9, suggestions: [{ messageId: 'moveAfterWrite', output: typed(UPDATE, 'await services.redis.del(`product:${id}`);') }] }],
    },
  ],
});

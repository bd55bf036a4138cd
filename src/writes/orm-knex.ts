/**
 * Knex: a query chain on a table (`knex('products')`, `trx('products')`, `knex.table('products')`,
 * `knex.from(…)`, `knex.insert(rows).into(…)`) that calls a write method. Any function called
 * with a table name can root a chain; the write method in the chain is what makes it a write.
 */
import ts from '#typescript';
import { skipOuterExpressions } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { chainOf, isChainTop, literalString, typeFromPackage, type Chain, type ChainLink } from './orm-common.js';
import type { DbOperation, DbWrite } from './types.js';

const KNEX_PACKAGES = ['knex'];
const WRITE_METHODS: Readonly<Record<string, DbOperation>> = {
  update: 'update',
  increment: 'update',
  decrement: 'update',
  insert: 'insert',
  upsert: 'upsert',
  del: 'delete',
  delete: 'delete',
  truncate: 'delete',
};
/** Methods that name the table of a chain. */
const TABLE_METHODS = new Set(['table', 'from', 'into']);
/** Functions that take a string and return something chainable, but never a query. */
const NOT_KNEX = new Set(['require', '$', 'jQuery', '_', 'fetch', 'cy', 'expect', 'moment', 'dayjs']);
/**
 * A query handle is a noun (`knex`, `db`, `trx`); a verb-named function is a factory whose
 * result merely has an `update` method: `createHash('sha256').update(data)`.
 */
const FACTORY_NAME = /^(create|make|build|new|get|use|load|parse|format|render|init)[A-Z0-9_]/;

export function describeKnexWrite(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  if (!isChainTop(call)) return undefined;
  // `const query = db('products').where(…)` … `await query.update(…)`: the held query names the table.
  const chain = chainOf(call, (held) => isRootCall(held, held.links[0]) && tableArgument(held.links[0].call.arguments[0], ctx) !== undefined);
  const writeLink = chain.links.find((link, index) => index >= chain.own && link.name !== null && Object.hasOwn(WRITE_METHODS, link.name));
  if (!writeLink) return undefined;
  const table = tableOf(chain, ctx);
  if (table === undefined) return undefined;
  let operation = WRITE_METHODS[writeLink.name!];
  const names = chain.links.map((link) => link.name);
  // `.onConflict(…).merge(…)` turns an insert into an upsert; `.onConflict().ignore()` does not.
  if (operation === 'insert' && names.includes('onConflict') && names.includes('merge')) operation = 'upsert';
  return { orm: 'knex', operation, entity: table, node: call };
}

/**
 * The table a chain queries: a string (alias stripped); null when the chain is surely knex (by
 * the checker) but the table is not a literal; undefined when the chain is not a table query.
 */
function tableOf(chain: Chain, ctx: ResolveContext): string | null | undefined {
  const [first] = chain.links;
  if (isRootCall(chain, first)) {
    const table = tableArgument(first.call.arguments[0], ctx);
    if (table) return table;
    return typeFromPackage(skipOuterExpressions(first.call.expression), ctx, KNEX_PACKAGES) ? null : undefined;
  }
  // `knex.table('products')`, `knex.insert(rows).into('products')`: on a named handle.
  const root = skipOuterExpressions(chain.root);
  if (!ts.isIdentifier(root) && !isThisMember(root)) return undefined;
  for (const link of chain.links) {
    if (!link.name || !TABLE_METHODS.has(link.name)) continue;
    const table = tableArgument(link.call.arguments[0], ctx);
    if (table) return table;
    if (typeFromPackage(root, ctx, KNEX_PACKAGES)) return null;
  }
  return undefined;
}

/** `knex('products')` or `this.knex('products')`: the chain starts by calling a handle with a table. */
function isRootCall(chain: Chain, first: ChainLink | undefined): first is ChainLink {
  // `knex('products')` takes the table alone (its rare options argument aside: a second string is not one).
  if (!first || first.call.arguments.length === 0 || first.call.arguments.length > 2) return false;
  const callee = skipOuterExpressions(first.call.expression);
  if (first.name === null) return ts.isIdentifier(callee) && !NOT_KNEX.has(callee.text) && !FACTORY_NAME.test(callee.text) && !isStringy(first.call.arguments[1]);
  return isThisMember(callee) && !TABLE_METHODS.has(first.name) && !Object.hasOwn(WRITE_METHODS, first.name) && chain.links.length > 1;
}

function isStringy(arg: ts.Expression | undefined): boolean {
  return arg !== undefined && (ts.isStringLiteralLike(skipOuterExpressions(arg)) || ts.isIdentifier(skipOuterExpressions(arg)));
}

function isThisMember(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword;
}

/** `'products'`, `'products as p'`: the table name. */
function tableArgument(arg: ts.Expression | undefined, ctx: ResolveContext): string | undefined {
  const text = literalString(arg, ctx)?.trim();
  if (!text) return undefined;
  return text.split(/\s+as\s+/i)[0].trim() || undefined;
}

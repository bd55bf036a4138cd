/**
 * Drizzle: `db.update(products).set(…)`, `db.insert(products).values(…)`, `db.delete(products)`.
 * The argument must be a table: declared with `pgTable('products', …)` (or mysql / sqlite /
 * singlestore, or a schema's `.table(…)`), or at least an identifier that is not known to be
 * something else. That keeps `map.delete(k)`, `cache.update(x)` and `arr.insert(i)` out.
 */
import ts from '#typescript';
import { lookupName, skipOuterExpressions } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { chainOf, declarationOf, initializerOf, isChainTop, isCollection, isDirectlyAwaited, literalString, nameOf, typeAnnotationOf, typeFromPackage, typeReference } from './orm-common.js';
import type { DbOperation, DbWrite } from './types.js';

const DRIZZLE_PACKAGES = ['drizzle-orm'];
const WRITE_METHODS: Readonly<Record<string, DbOperation>> = { update: 'update', insert: 'insert', delete: 'delete' };
/** What follows a write in a drizzle chain (`.where` and `.returning` alone also fit other libraries). */
const DRIZZLE_CONTINUATIONS = new Set(['set', 'values', 'onConflictDoUpdate', 'onConflictDoNothing', 'onDuplicateKeyUpdate']);
const GENERIC_CONTINUATIONS = new Set(['where', 'returning']);
/** Receivers named like a database handle, for tables imported from where the graph cannot follow. */
const DB_NAME = /db|database|drizzle|^tx$|^trx$/i;

type TableLookup = { kind: 'table'; name: string } | { kind: 'unknown' } | { kind: 'not-table' };

export function describeDrizzleWrite(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  if (!isChainTop(call)) return undefined;
  const { root, links } = chainOf(call);
  const index = links.findIndex((link) => link.name !== null && Object.hasOwn(WRITE_METHODS, link.name) && link.call.arguments.length === 1);
  if (index < 0) return undefined;
  const write = links[index];
  const receiver = index === 0 ? root : links[index - 1].call;
  if (isPlainValue(declarationOf(receiver, ctx))) return undefined;
  const arg = write.call.arguments[0];
  const table = tableOf(arg, ctx);
  if (table.kind === 'not-table') return undefined;

  const after = new Set(links.slice(index + 1).map((link) => link.name));
  const drizzleChain = [...after].some((name) => name !== null && DRIZZLE_CONTINUATIONS.has(name));
  const ended = drizzleChain || [...after].some((name) => name !== null && GENERIC_CONTINUATIONS.has(name)) || isDirectlyAwaited(call);
  if (table.kind === 'table' && !ended) return undefined;
  if (table.kind === 'unknown') {
    const dbReceiver = DB_NAME.test(nameOf(receiver) ?? '') || typeFromPackage(receiver, ctx, DRIZZLE_PACKAGES) !== undefined;
    if (!drizzleChain && !(dbReceiver && ended)) return undefined;
  }
  let operation = WRITE_METHODS[write.name!];
  if (operation === 'insert' && (after.has('onConflictDoUpdate') || after.has('onDuplicateKeyUpdate'))) operation = 'upsert';
  return { orm: 'drizzle', operation, entity: table.kind === 'table' ? table.name : (nameOf(arg) ?? null), node: call };
}

/** The SQL table name of a drizzle table expression (`products` → `'products'`), for SQL templates too. */
export function drizzleTableName(expr: ts.Expression, ctx: ResolveContext): string | undefined {
  const table = tableOf(expr, ctx);
  return table.kind === 'table' ? table.name : undefined;
}

/** A Map / Set, or an object or array literal: its `.delete(x)` is not a database write. */
function isPlainValue(decl: ts.Node | undefined): boolean {
  if (!decl) return false;
  const init = initializerOf(decl);
  return isCollection(decl) || (init !== undefined && (ts.isObjectLiteralExpression(init) || ts.isArrayLiteralExpression(init)));
}

function tableOf(expr: ts.Expression, ctx: ResolveContext, depth = 0): TableLookup {
  const e = skipOuterExpressions(expr);
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return { kind: 'not-table' };
  if (depth > 4) return { kind: 'unknown' };
  const decl = declarationOf(e, ctx);
  if (!decl) {
    if (typeFromPackage(e, ctx, DRIZZLE_PACKAGES)) return { kind: 'unknown' };
    // A name imported from where the graph cannot follow (a path alias, a package) may be a
    // table; a name declared nowhere (a global) and a member of a local object are not.
    if (ts.isIdentifier(e)) return lookupName(e.text, e)?.kind === 'import' ? { kind: 'unknown' } : { kind: 'not-table' };
    return e.expression.kind === ts.SyntaxKind.ThisKeyword ? { kind: 'not-table' } : { kind: 'unknown' };
  }
  if (ts.isBindingElement(decl)) return { kind: 'unknown' }; // `const { products } = schema`
  if (ts.isParameter(decl) || ts.isPropertyDeclaration(decl)) {
    // `table: PgTable`, `AnyPgTable`, `typeof products`: typed as a table.
    const type = typeAnnotationOf(decl);
    if (type && ts.isTypeQueryNode(type)) return { kind: 'unknown' };
    if (/Table/.test(typeReference(type)?.name ?? '')) return { kind: 'unknown' };
    const init = initializerOf(decl);
    return init ? fromInitializer(init, ctx, depth) : { kind: 'not-table' };
  }
  const init = initializerOf(decl);
  return init ? fromInitializer(init, ctx, depth) : { kind: 'not-table' };
}

function fromInitializer(init: ts.Expression, ctx: ResolveContext, depth: number): TableLookup {
  if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init)) return tableOf(init, ctx, depth + 1);
  if (!ts.isCallExpression(init)) return { kind: 'not-table' };
  const factory = nameOf(skipOuterExpressions(init.expression)) ?? '';
  if (factory !== 'table' && !/Table$/.test(factory)) return { kind: 'not-table' };
  const name = literalString(init.arguments[0], ctx);
  return name ? { kind: 'table', name } : { kind: 'unknown' };
}

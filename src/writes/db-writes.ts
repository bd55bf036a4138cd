/**
 * Database-write detection on TypeScript AST nodes: is this call (or tagged template) a write,
 * and to which table or model? Syntactic first, so ESLint rules (no checker) and the analyzer
 * agree; a checker, when given, only adds receivers whose type comes from an ORM package.
 *
 * Each write is reported at one node: raw SQL at its call or tagged template, model and
 * repository methods at their call, query-builder chains (Knex, Drizzle, TypeORM) at the chain's
 * last query call (before any `.then`).
 */
import ts from '#typescript';
import { nodeCache } from '../resolve/node-caches.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { methodCall, operationOf, transactionCallForCallback } from './orm-common.js';
import { describeDrizzleWrite } from './orm-drizzle.js';
import { describeKnexWrite } from './orm-knex.js';
import { describeModelWrite } from './orm-models.js';
import { describePrismaWrite } from './orm-prisma.js';
import { describeTypeormCall, describeTypeormQueryBuilder } from './orm-typeorm.js';
import { describeSqlWrite, isSqlMethod, sqlControlOfNode } from './sql-calls.js';
import type { DbWrite, SqlControl } from './types.js';

/** Recognizers of a single call, tried in order; the chain recognizers come after them. */
const CALL_RECOGNIZERS: readonly ((call: ts.CallExpression, ctx: ResolveContext) => DbWrite | undefined)[] = [
  describeSqlWrite,
  describePrismaWrite,
  describeTypeormCall,
  describeModelWrite,
  // Chains: TypeORM's builder first (its `.delete().from(…)` would read as Knex), Drizzle last
  // (it accepts the loosest receivers).
  describeTypeormQueryBuilder,
  describeKnexWrite,
  describeDrizzleWrite,
];

/** The database write `node` performs, or undefined when it is not one. Never throws. */
export function describeDbWrite(node: ts.CallExpression | ts.TaggedTemplateExpression, ctx: ResolveContext): DbWrite | undefined {
  try {
    if (!ts.isTaggedTemplateExpression(node) && !chainHasWriteName(node)) return undefined;
    let described = describedWrites.get(ctx);
    if (!described) describedWrites.set(ctx, (described = new WeakMap()));
    let write = described.get(node);
    if (write === undefined) {
      write = (ts.isTaggedTemplateExpression(node) ? describeSqlWrite(node, ctx) : recognizeCall(node, ctx)) ?? null;
      described.set(node, write);
    }
    return write ?? undefined;
  } catch {
    return undefined;
  }
}

// Per resolve context (one per file in a lint run): the write-path rules look at a call when
// ESLint visits it and again when they build the file's facts.
const describedWrites = nodeCache<ResolveContext, WeakMap<ts.Node, DbWrite | null>>();

function recognizeCall(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  for (const recognize of CALL_RECOGNIZERS) {
    const write = recognize(call, ctx);
    if (write) return write;
  }
  return undefined;
}

/** The transaction control statement a raw SQL call issues (`client.query('BEGIN')`). Never throws. */
export function sqlControlOf(node: ts.CallExpression | ts.TaggedTemplateExpression, ctx: ResolveContext): SqlControl | undefined {
  try {
    // `client.query('BEGIN')`: the SQL method is the call's own method.
    if (ts.isCallExpression(node) && !(ts.isPropertyAccessExpression(node.expression) && isSqlMethod(node.expression.name.text))) return undefined;
    return sqlControlOfNode(node, ctx);
  } catch {
    return undefined;
  }
}

/**
 * Whether a method along the call chain (`knex('t').where(…).update(…)` → update, where) is a
 * write verb or a SQL method: every recognizer needs one, so other calls, nearly all of them,
 * are skipped before any recognizer runs (this runs for every call a rule or the analyzer sees).
 */
function chainHasWriteName(call: ts.CallExpression): boolean {
  let e: ts.Expression = call.expression;
  for (let depth = 0; depth < 64; depth++) {
    if (ts.isPropertyAccessExpression(e)) {
      if (isWriteName(e.name.text)) return true;
      e = e.expression;
    } else if (ts.isCallExpression(e) || ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e) || ts.isAwaitExpression(e)) {
      e = e.expression;
    } else break;
  }
  return false;
}

/** A method name a database write goes through: a write verb or a SQL method (chainHasWriteName). */
export function isWriteName(name: string): boolean {
  return isSqlMethod(name) || operationOf(name) !== undefined;
}

/**
 * The transaction call (`prisma.$transaction(async (tx) => …)`, `knex.transaction(…)`,
 * `sequelize.transaction(…)`, `dataSource.transaction(…)`, drizzle `db.transaction(…)`) whose
 * callback `node` sits in. Only the innermost function counts: inside any other function
 * (a nested callback, a helper) the answer is undefined. Prisma's array form,
 * `prisma.$transaction([prisma.product.update(…), …])`, gives its `$transaction` call too.
 */
export function transactionCallOf(node: ts.Node): ts.CallExpression | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return transactionCallForCallback(n);
    if (ts.isClassLike(n) || ts.isSourceFile(n)) return undefined;
    if (ts.isArrayLiteralExpression(n) && ts.isCallExpression(n.parent) && n.parent.arguments.includes(n) && methodCall(n.parent)?.name === '$transaction') {
      return n.parent;
    }
  }
  return undefined;
}

/**
 * Helpers shared by the database-write recognizers: method chains, where a name is declared,
 * literal strings, type annotations, transaction callbacks, and the optional checker test.
 */
import ts from '#typescript';
import { enclosingClass, findClassMember, followImport, lookupExport, lookupName, skipOuterExpressions } from '../resolve/declarations.js';
import { resolveKey, type ResolveContext } from '../resolve/resolve-key.js';
import { isFullyLiteral } from '../keys/template.js';
import type { DbOperation } from './types.js';

/** The operation each ORM method performs (one table for every ORM: the names agree). */
const OPERATIONS: Readonly<Record<string, DbOperation>> = {
  create: 'insert',
  createMany: 'insert',
  createManyAndReturn: 'insert',
  insert: 'insert',
  insertMany: 'insert',
  bulkCreate: 'insert',
  save: 'upsert',
  upsert: 'upsert',
  update: 'update',
  updateMany: 'update',
  updateManyAndReturn: 'update',
  updateOne: 'update',
  findByIdAndUpdate: 'update',
  findOneAndUpdate: 'update',
  findOneAndReplace: 'update',
  replaceOne: 'update',
  increment: 'update',
  decrement: 'update',
  restore: 'update',
  bulkWrite: 'update',
  delete: 'delete',
  deleteMany: 'delete',
  deleteOne: 'delete',
  destroy: 'delete',
  remove: 'delete',
  softDelete: 'delete',
  softRemove: 'delete',
  del: 'delete',
  truncate: 'delete',
  clear: 'delete',
  findByIdAndDelete: 'delete',
  findOneAndDelete: 'delete',
  findByIdAndRemove: 'delete',
  findOneAndRemove: 'delete',
};

export function operationOf(method: string): DbOperation | undefined {
  return Object.hasOwn(OPERATIONS, method) ? OPERATIONS[method] : undefined;
}

/** `receiver.name(args)`: the parts of a method call, or undefined for any other call. */
export interface MethodCall {
  name: string;
  receiver: ts.Expression;
  call: ts.CallExpression;
}

export function methodCall(node: ts.Node): MethodCall | undefined {
  if (!ts.isCallExpression(node)) return undefined;
  const callee = skipOuterExpressions(node.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.name)) return undefined;
  return { name: callee.name.text, receiver: skipOuterExpressions(callee.expression), call: node };
}

/** One call of a chain: `name` is null for the root call of a plain function (`knex('products')`). */
export interface ChainLink {
  name: string | null;
  call: ts.CallExpression;
}

export interface Chain {
  /** What the first link is called on (`db`, `this.repo`), or the called function for a root call. */
  root: ts.Expression;
  links: ChainLink[];
  /**
   * Links before this index come from a builder kept in a const (`const qb = repo.createQueryBuilder()`
   * and then `qb.update()…`): they describe the query but belong to another expression, so a
   * write is reported only for a write method at or after it.
   */
  own: number;
}

/** Promise methods end a query chain: the query is complete before them. */
const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * The calls of `a.b(…).c(…).d(…)` from the innermost, for the call `top`. Given `builder`, a
 * chain on a const holding an unawaited call whose chain `builder` accepts (`const qb =
 * repo.createQueryBuilder()`) continues that chain.
 */
export function chainOf(top: ts.CallExpression, builder?: (chain: Chain) => boolean): Chain {
  const links: ChainLink[] = [];
  let e: ts.Expression = top;
  while (ts.isCallExpression(e)) {
    const callee = skipOuterExpressions(e.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      links.unshift({ name: callee.name.text, call: e });
      e = skipOuterExpressions(callee.expression);
    } else {
      links.unshift({ name: null, call: e });
      e = callee;
      break;
    }
  }
  // Only a receiver (`qb.update()`), not a called function (`db('products')`), can be a builder.
  const held = builder && links[0]?.name !== null && ts.isIdentifier(e) ? heldCall(e) : undefined;
  if (held) {
    const inner = chainOf(held);
    if (builder!(inner)) return { root: inner.root, links: [...inner.links, ...links], own: inner.links.length };
  }
  return { root: e, links, own: 0 };
}

/** The unawaited call a local const holds. */
function heldCall(id: ts.Identifier): ts.CallExpression | undefined {
  const binding = lookupName(id.text, id);
  const decl = binding?.kind === 'local' ? binding.node : undefined;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || !initializerOf(decl)) return undefined;
  const init = skipOuterExpressions(decl.initializer);
  return ts.isCallExpression(init) ? init : undefined;
}

/** Is `call` the last query call of its chain (nothing but `.then`/`.catch` is called on it)? */
export function isChainTop(call: ts.CallExpression): boolean {
  const method = methodCall(call);
  if (method && PROMISE_METHODS.has(method.name)) return false;
  let child: ts.Node = call;
  let parent = call.parent;
  while (parent && (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent))) {
    child = parent;
    parent = parent.parent;
  }
  if (!parent || !ts.isPropertyAccessExpression(parent) || parent.expression !== child) return true;
  const outer = parent.parent;
  if (!outer || !ts.isCallExpression(outer) || outer.expression !== parent) return true;
  return PROMISE_METHODS.has(parent.name.text);
}

/**
 * `await node` itself (through parentheses): a query chain ends there. Not function-facts.ts's
 * isAwaited, which asks whether the caller waits for a call in any way (return, Promise.all…).
 */
export function isDirectlyAwaited(node: ts.Node): boolean {
  let parent = node.parent;
  while (parent && (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent))) parent = parent.parent;
  return parent !== undefined && ts.isAwaitExpression(parent);
}

/** The last name in `x`, `this.x`, `a.b.x`: what a receiver is called. */
export function nameOf(expr: ts.Expression): string | undefined {
  const e = skipOuterExpressions(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/**
 * What an identifier or `this.x` is declared as: a local declaration, the declaration or
 * expression another module exports, a class member (property or constructor parameter
 * property), or a module for a namespace import. Undefined when nothing is found.
 */
export function declarationOf(expr: ts.Expression, ctx: ResolveContext): ts.Node | undefined {
  const e = skipOuterExpressions(expr);
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (!binding) return undefined;
    if (binding.kind === 'local') return binding.node;
    const target = followImport(ctx.graph, binding);
    if (!target) return undefined;
    return target.kind === 'module' ? target.file : target.node;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const owner = skipOuterExpressions(e.expression);
    if (owner.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(owner);
      return cls ? findClassMember(cls, e.name.text) : undefined;
    }
    // `schema.products` with `import * as schema`: the module's export.
    const module = ts.isIdentifier(owner) ? declarationOf(owner, ctx) : undefined;
    if (module && ts.isSourceFile(module)) {
      const target = lookupExport(ctx.graph, module, e.name.text);
      if (!target) return undefined;
      return target.kind === 'module' ? target.file : target.node;
    }
  }
  return undefined;
}

/** The value a declaration is initialized with: a const's, a class property's, or an exported expression. */
export function initializerOf(decl: ts.Node): ts.Expression | undefined {
  if (ts.isVariableDeclaration(decl)) {
    const list = decl.parent;
    const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
    return isConst && decl.initializer ? unwrapValue(decl.initializer) : undefined;
  }
  if (ts.isPropertyDeclaration(decl) && decl.initializer) return unwrapValue(decl.initializer);
  if (ts.isExpression(decl) && !ts.isIdentifier(decl)) return unwrapValue(decl);
  return undefined;
}

function unwrapValue(expr: ts.Expression): ts.Expression {
  let e = skipOuterExpressions(expr);
  while (ts.isAwaitExpression(e)) e = skipOuterExpressions(e.expression);
  return e;
}

/** A parameter's, variable's or property's declared type. */
export function typeAnnotationOf(decl: ts.Node): ts.TypeNode | undefined {
  if (ts.isParameter(decl) || ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) return decl.type;
  return undefined;
}

/** `Repository<Product>` → name `Repository`, arguments `[Product]` (a qualified name gives its last part). */
export function typeReference(type: ts.TypeNode | undefined): { name: string; args: readonly ts.TypeNode[] } | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  return { name, args: type.typeArguments ?? [] };
}

/** A string the expression always evaluates to: a literal, or a const that resolves to one. */
export function literalString(expr: ts.Expression | undefined, ctx: ResolveContext): string | undefined {
  if (!expr) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e) && !ts.isBinaryExpression(e) && !ts.isTemplateExpression(e)) return undefined;
  const { templates } = resolveKey(e, { graph: ctx.graph }); // no checker: a literal union is not one string
  if (templates.length !== 1 || !isFullyLiteral(templates[0])) return undefined;
  return templates[0].segments.map((s) => (s.kind === 'literal' ? s.text : '')).join('');
}

/** `Product`, `entities.Product`: a name that reads as a class (capitalized, not ALL_CAPS). */
export function classNameOf(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const name = nameOf(expr);
  return name && /^[A-Z]/.test(name) && /[a-z]/.test(name) && !name.includes('_') ? name : undefined;
}

/** An entity argument: a class (`Product`) or a table / entity name string (`'products'`). */
export function entityArgument(expr: ts.Expression | undefined, ctx: ResolveContext): string | undefined {
  return classNameOf(expr) ?? literalString(expr, ctx);
}

const TRANSACTION_METHODS = new Set(['transaction', '$transaction', 'withTransaction']);

/** The `x.transaction(cb)` call a function is passed to as a callback, if it is one. */
export function transactionCallForCallback(fn: ts.Node): ts.CallExpression | undefined {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let arg: ts.Node = fn;
  while (arg.parent && ts.isParenthesizedExpression(arg.parent)) arg = arg.parent;
  const call = arg.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(arg as ts.Expression)) return undefined;
  const method = methodCall(call);
  return method && TRANSACTION_METHODS.has(method.name) ? call : undefined;
}

/** Is `decl` a parameter of a transaction callback (`$transaction(async (tx) => …)`)? */
export function isTransactionParameter(decl: ts.Node, methods?: readonly string[]): boolean {
  if (!ts.isParameter(decl)) return false;
  const call = transactionCallForCallback(decl.parent);
  return call !== undefined && (!methods || methods.includes(methodCall(call)!.name));
}

/** Is `decl` a `const x = new Map()` / `Set` / `WeakMap` / `WeakSet`, or declared with such a type? */
export function isCollection(decl: ts.Node | undefined): boolean {
  if (!decl) return false;
  const collection = /^(Map|Set|WeakMap|WeakSet|ReadonlyMap|ReadonlySet)$/;
  const init = initializerOf(decl);
  if (init && ts.isNewExpression(init) && collection.test(nameOf(init.expression) ?? '')) return true;
  return collection.test(typeReference(typeAnnotationOf(decl))?.name ?? '');
}

/**
 * With a checker: the expression's type, when it is declared in one of these packages' files
 * (`node_modules/knex/…`). Undefined without a checker, for any other type, or on a checker failure.
 */
export function typeFromPackage(expr: ts.Expression, ctx: ResolveContext, packages: readonly string[]): ts.Type | undefined {
  const checker = ctx.checker;
  if (!checker) return undefined;
  try {
    const type = checker.getTypeAtLocation(expr);
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      for (const decl of symbol?.declarations ?? []) {
        const file = decl.getSourceFile().fileName.replace(/\\/g, '/');
        if (packages.some((pkg) => file.includes(`/node_modules/${pkg}/`))) return type;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** With a checker: the name of a generic type's first type argument (`Product` in `Repository<Product>`). */
export function firstTypeArgumentName(type: ts.Type, ctx: ResolveContext): string | undefined {
  try {
    const args = (type as ts.TypeReference).typeArguments ?? type.aliasTypeArguments ?? ctx.checker?.getTypeArguments(type as ts.TypeReference);
    return args?.[0]?.getSymbol()?.name;
  } catch {
    return undefined;
  }
}

/**
 * TypeORM: repository methods (`repo.save(…)` where the repository's entity is known from a
 * `Repository<Product>` annotation or a `getRepository(Product)` initializer), EntityManager
 * methods (`manager.update(Product, …)`), Active Record statics (`Product.save()` on a class
 * extending `BaseEntity`) and query builders (`createQueryBuilder().update(Product)…execute()`).
 */
import ts from '#typescript';
import { constructorAssignments, enclosingClass, lookupName, skipOuterExpressions } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import {
  chainOf,
  classNameOf,
  declarationOf,
  entityArgument,
  firstTypeArgumentName,
  initializerOf,
  isChainTop,
  isTransactionParameter,
  methodCall,
  nameOf,
  operationOf,
  typeAnnotationOf,
  typeFromPackage,
  typeReference,
  type ChainLink,
} from './orm-common.js';
import type { DbOperation, DbWrite } from './types.js';

const TYPEORM_PACKAGES = ['typeorm'];
const REPOSITORY_METHODS = new Set(['save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'softRemove', 'restore', 'increment', 'decrement', 'clear']);
const REPOSITORY_TYPES = new Set(['Repository', 'MongoRepository', 'TreeRepository']);
const GET_REPOSITORY = new Set(['getRepository', 'getMongoRepository', 'getTreeRepository']);
const BUILDER_WRITES = new Set(['update', 'insert', 'delete', 'softDelete', 'restore']);
const MAX_DEPTH = 6;

/** `repo.save(…)`, `manager.update(Product, …)`, `Product.save()` (Active Record). */
export function describeTypeormCall(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  const method = methodCall(call);
  if (!method || !REPOSITORY_METHODS.has(method.name)) return undefined;
  const operation = operationOf(method.name)!;
  const entity = repositoryEntity(method.receiver, ctx, 0);
  if (entity) return { orm: 'typeorm', operation, entity, node: call };
  // EntityManager: the entity class is the first argument.
  const entityClass = classNameOf(call.arguments[0]);
  if (entityClass && isEntityClass(call.arguments[0], ctx) && isEntityManager(method.receiver, ctx)) {
    return { orm: 'typeorm', operation, entity: entityClass, node: call };
  }
  return undefined;
}

/** `createQueryBuilder()….update(Product).set(…).execute()`: reported once, at the chain's last call. */
export function describeTypeormQueryBuilder(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  if (!isChainTop(call)) return undefined;
  const { root, links, own } = chainOf(call, (held) => held.links.some((link) => link.name === 'createQueryBuilder'));
  const builderIndex = links.findIndex((link) => link.name === 'createQueryBuilder');
  if (builderIndex < 0) return undefined;
  const write = builderWrite(links.slice(builderIndex + 1), ctx);
  // A write method in a builder const is reported there, not again where the const is used.
  if (!write || builderIndex + 1 + write.index < own) return undefined;
  const builder = links[builderIndex];
  // `dataSource.createQueryBuilder(Product, 'p')` names the entity; `repo.createQueryBuilder('p')` takes the repository's.
  const builderReceiver = builderIndex === 0 ? root : links[builderIndex - 1].call;
  const entity = write.entity ?? classNameOf(builder.call.arguments[0]) ?? repositoryEntity(builderReceiver, ctx, 0) ?? null;
  return { orm: 'typeorm', operation: write.operation, entity, node: call };
}

/** The write a builder chain performs: its operation, entity argument and the write link's index. */
function builderWrite(links: ChainLink[], ctx: ResolveContext): { operation: DbOperation; entity: string | undefined; index: number } | undefined {
  const names = links.map((link) => link.name);
  const index = names.findIndex((name) => name !== null && BUILDER_WRITES.has(name));
  if (index < 0) return undefined;
  const argumentOf = (name: string) => {
    const link = links.find((l) => l.name === name);
    return link ? entityArgument(link.call.arguments[0], ctx) : undefined;
  };
  switch (names[index]) {
    case 'update':
      return { operation: 'update', entity: argumentOf('update'), index };
    case 'insert':
      return { operation: names.includes('orUpdate') ? 'upsert' : 'insert', entity: argumentOf('into'), index };
    case 'restore':
      return { operation: 'update', entity: argumentOf('from'), index };
    default:
      return { operation: 'delete', entity: argumentOf('from'), index };
  }
}

/** The entity of a repository expression, when it is known to be one. */
function repositoryEntity(expr: ts.Expression, ctx: ResolveContext, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isCallExpression(e)) return repositoryFromCall(e, ctx);
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    // Inside a custom repository (`extends Repository<Product>`) or an entity (`extends BaseEntity`).
    const cls = enclosingClass(e);
    return cls ? classEntity(cls, ctx, depth + 1) : undefined;
  }
  const decl = declarationOf(e, ctx);
  if (decl) {
    if (ts.isClassDeclaration(decl)) return extendsBaseEntity(decl, ctx, depth) ? decl.name?.text : undefined;
    const fromType = repositoryTypeEntity(typeAnnotationOf(decl), ctx, depth);
    if (fromType) return fromType;
    const init = initializerOf(decl);
    if (init) return repositoryEntity(init, ctx, depth + 1);
    // `this.repo = dataSource.getRepository(Product)` in the constructor.
    if (ts.isPropertyDeclaration(decl) && ts.isPropertyAccessExpression(e)) {
      for (const assigned of constructorAssignments(decl.parent as ts.ClassLikeDeclaration, e.name.text)) {
        const entity = repositoryEntity(assigned, ctx, depth + 1);
        if (entity) return entity;
      }
    }
  }
  if (ts.isNewExpression(e) && isBuiltInClass(e.expression)) return undefined;
  const type = typeFromPackage(e, ctx, TYPEORM_PACKAGES);
  return type && REPOSITORY_TYPES.has(type.getSymbol()?.name ?? '') ? firstTypeArgumentName(type, ctx) : undefined;
}

// `private readonly local = new Map()` then `this.local.delete(id)`: a built-in collection is
// never a repository, and the type query would say so at some cost (thousands of them in a
// service with many local caches).
const BUILT_IN_CLASSES = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'Date', 'Promise', 'Error', 'RegExp', 'URL', 'URLSearchParams']);

function isBuiltInClass(expr: ts.Expression): boolean {
  const e = skipOuterExpressions(expr);
  return ts.isIdentifier(e) && BUILT_IN_CLASSES.has(e.text) && lookupName(e.text, e) === undefined;
}

/** `dataSource.getRepository(Product)`, `getRepository(Product)`, `manager.getRepository('product')`. */
function repositoryFromCall(call: ts.CallExpression, ctx: ResolveContext): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  const name = nameOf(callee);
  if (!name || !GET_REPOSITORY.has(name)) return undefined;
  return entityArgument(call.arguments[0], ctx);
}

/** `Repository<Product>`, or a custom repository class that extends one. */
function repositoryTypeEntity(type: ts.TypeNode | undefined, ctx: ResolveContext, depth: number): string | undefined {
  const ref = typeReference(type);
  if (!ref) return undefined;
  if (REPOSITORY_TYPES.has(ref.name)) return typeReference(ref.args[0])?.name;
  const typeName = type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? type.typeName : undefined;
  const decl = typeName && declarationOf(typeName, ctx);
  return decl && ts.isClassDeclaration(decl) ? classEntity(decl, ctx, depth + 1) : undefined;
}

function classEntity(cls: ts.ClassLikeDeclaration, ctx: ResolveContext, depth: number): string | undefined {
  const base = extendsClause(cls);
  if (!base) return undefined;
  const baseName = nameOf(base.expression);
  if (baseName && REPOSITORY_TYPES.has(baseName)) return typeReference(base.typeArguments?.[0])?.name;
  if (extendsBaseEntity(cls, ctx, depth)) return cls.name?.text;
  return undefined;
}

function extendsClause(cls: ts.ClassLikeDeclaration): ts.ExpressionWithTypeArguments | undefined {
  return cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
}

/** Active Record: the class extends `BaseEntity`, directly or through local base classes. */
function extendsBaseEntity(cls: ts.ClassLikeDeclaration, ctx: ResolveContext, depth: number): boolean {
  const base = extendsClause(cls);
  if (!base || depth > MAX_DEPTH) return false;
  if (nameOf(base.expression) === 'BaseEntity') return true;
  const decl = declarationOf(base.expression, ctx);
  return decl !== undefined && ts.isClassDeclaration(decl) && extendsBaseEntity(decl, ctx, depth + 1);
}

/** A class identifier: imported or declared as a class (a capitalized local const is not one). */
function isEntityClass(arg: ts.Expression, ctx: ResolveContext): boolean {
  const decl = declarationOf(arg, ctx);
  return decl === undefined || ts.isClassDeclaration(decl) || (ts.isVariableDeclaration(decl) && ts.isClassExpression(initializerOf(decl) ?? decl));
}

/** `manager`, `entityManager`, `queryRunner.manager`, `this.em` typed `EntityManager`, a `.transaction(async (m) => …)` parameter. */
function isEntityManager(expr: ts.Expression, ctx: ResolveContext): boolean {
  const e = skipOuterExpressions(expr);
  if (/manager/i.test(nameOf(e) ?? '')) return true;
  const decl = declarationOf(e, ctx);
  if (decl && (isTransactionParameter(decl, ['transaction']) || typeReference(typeAnnotationOf(decl))?.name === 'EntityManager')) return true;
  return typeFromPackage(e, ctx, TYPEORM_PACKAGES)?.getSymbol()?.name === 'EntityManager';
}

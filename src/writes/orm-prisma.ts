/**
 * Prisma: `<client>.<model>.<op>(…)` where the client is named like one (`prisma`, `tx`, `db`,
 * `client`, `this.prisma`), is created by `new PrismaClient()` (through consts and imports), or is
 * the parameter of a `$transaction` callback. The model accessor is the entity (`product`).
 */
import ts from '#typescript';
import { skipOuterExpressions } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { declarationOf, initializerOf, isTransactionParameter, methodCall, nameOf, operationOf, typeAnnotationOf, typeFromPackage } from './orm-common.js';
import type { DbWrite } from './types.js';

const PRISMA_METHODS = new Set(['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany']);
/** Names that usually hold a Prisma client when nothing else is known about them. */
const CLIENT_NAME = /^tx$|^db$|^client$/i;
const PRISMA_PACKAGES = ['@prisma', '.prisma'];
const MAX_DEPTH = 6;

export function describePrismaWrite(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  const method = methodCall(call);
  if (!method || !PRISMA_METHODS.has(method.name)) return undefined;
  const model = method.receiver;
  if (!ts.isPropertyAccessExpression(model) || !ts.isIdentifier(model.name)) return undefined;
  const entity = model.name.text;
  // Model accessors are lowerCamelCase (`prisma.product`); `db.Product.update` is a Sequelize models object.
  if (!/^[a-z]/.test(entity)) return undefined;
  if (!isPrismaClient(model.expression, ctx, 0)) return undefined;
  return { orm: 'prisma', operation: operationOf(method.name)!, entity, node: call };
}

/**
 * A name containing `prisma` is enough. `tx`, `db` and `client` are common names for other
 * clients too (`client.messages.create` is Twilio), so for them a known declaration decides
 * first: its initializer or type annotation must be Prisma's.
 */
function isPrismaClient(expr: ts.Expression, ctx: ResolveContext, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const e = skipOuterExpressions(expr);
  const name = nameOf(e) ?? '';
  if (/prisma/i.test(name)) return true;
  if (ts.isNewExpression(e)) return nameOf(e.expression) === 'PrismaClient';
  if (ts.isCallExpression(e)) {
    // `new PrismaClient().$extends(…)`: an extended client is a client; `getPrisma()` names one.
    const method = methodCall(e);
    if (method?.name === '$extends') return isPrismaClient(method.receiver, ctx, depth + 1);
    return /prisma/i.test(nameOf(skipOuterExpressions(e.expression)) ?? '');
  }
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return false;
  const decl = declarationOf(e, ctx);
  if (decl && isTransactionParameter(decl, ['$transaction'])) return true;
  const init = decl && initializerOf(decl);
  if (init) return isPrismaClient(init, ctx, depth + 1);
  // PrismaClient, PrismaService, Prisma.TransactionClient; any other named type is another client.
  const type = decl && typeAnnotationOf(decl);
  if (type && ts.isTypeReferenceNode(type)) return /Prisma/.test(entityNameText(type.typeName));
  if (typeFromPackage(e, ctx, PRISMA_PACKAGES)) return true;
  return CLIENT_NAME.test(name);
}

function entityNameText(name: ts.EntityName): string {
  return ts.isIdentifier(name) ? name.text : `${entityNameText(name.left)}.${name.right.text}`;
}

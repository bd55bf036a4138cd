/**
 * Model statics of Sequelize (`Product.update(…)` on a class extending `Model`, or a
 * `sequelize.define('product', …)` const) and Mongoose (`Product.updateOne(…)` on a
 * `model('Product', schema)` const or a value typed `Model<…>`), followed through consts,
 * imports (default ones too), `typeof Product` annotations and NestJS `@InjectModel(…)`.
 */
import ts from '#typescript';
import { lookupName, skipOuterExpressions } from '../resolve/declarations.js';
import { propertyNameText, type ResolveContext } from '../resolve/resolve-key.js';
import {
  declarationOf,
  firstTypeArgumentName,
  initializerOf,
  literalString,
  methodCall,
  nameOf,
  operationOf,
  typeAnnotationOf,
  typeFromPackage,
  typeReference,
} from './orm-common.js';
import type { DbOperation, DbWrite } from './types.js';

const SEQUELIZE_METHODS = new Set(['update', 'destroy', 'create', 'bulkCreate', 'upsert', 'increment', 'decrement', 'truncate', 'restore']);
const MONGOOSE_METHODS = new Set([
  'updateOne',
  'updateMany',
  'findByIdAndUpdate',
  'findOneAndUpdate',
  'findOneAndReplace',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findByIdAndDelete',
  'findOneAndDelete',
  'findByIdAndRemove',
  'findOneAndRemove',
  'create',
  'insertMany',
  'bulkWrite',
]);
const MAX_DEPTH = 6;

interface ModelRef {
  orm: 'sequelize' | 'mongoose';
  entity: string | null;
}

export function describeModelWrite(call: ts.CallExpression, ctx: ResolveContext): DbWrite | undefined {
  const method = methodCall(call);
  if (!method || (!SEQUELIZE_METHODS.has(method.name) && !MONGOOSE_METHODS.has(method.name))) return undefined;
  const model = modelOf(method.receiver, ctx, 0);
  if (!model) return undefined;
  const methods = model.orm === 'sequelize' ? SEQUELIZE_METHODS : MONGOOSE_METHODS;
  if (!methods.has(method.name)) return undefined;
  let operation: DbOperation = operationOf(method.name)!;
  if (model.orm === 'mongoose' && operation === 'update' && hasUpsertOption(call)) operation = 'upsert';
  return { orm: model.orm, operation, entity: model.entity, node: call };
}

/** Mongoose `{ upsert: true }` in the options. */
function hasUpsertOption(call: ts.CallExpression): boolean {
  return call.arguments.some((arg) => {
    const e = skipOuterExpressions(arg);
    return (
      ts.isObjectLiteralExpression(e) &&
      e.properties.some((p) => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'upsert' && p.initializer.kind === ts.SyntaxKind.TrueKeyword)
    );
  });
}

function modelOf(expr: ts.Expression, ctx: ResolveContext, depth: number): ModelRef | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isCallExpression(e) || ts.isClassExpression(e)) return modelFromValue(e, ctx, depth);
  if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
  const decl = declarationOf(e, ctx);
  if (decl) {
    if (ts.isClassDeclaration(decl)) return extendsSequelizeModel(decl, ctx, depth) ? { orm: 'sequelize', entity: decl.name?.text ?? nameOf(e) ?? null } : undefined;
    const fromType = modelFromType(decl, ctx, depth);
    if (fromType) return fromType;
    const init = initializerOf(decl);
    if (init) return modelFromValue(init, ctx, depth);
  }
  const type = typeFromPackage(e, ctx, ['mongoose']);
  if (type && type.getSymbol()?.name === 'Model') return { orm: 'mongoose', entity: firstTypeArgumentName(type, ctx) ?? null };
  return undefined;
}

/** `model('Product', schema)`, `mongoose.model<T>('Product')`, `sequelize.define('product', …)`, an alias of a model. */
function modelFromValue(value: ts.Expression, ctx: ResolveContext, depth: number): ModelRef | undefined {
  if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value)) return modelOf(value, ctx, depth + 1);
  if (ts.isClassExpression(value)) return extendsSequelizeModel(value, ctx, depth) ? { orm: 'sequelize', entity: value.name?.text ?? null } : undefined;
  if (!ts.isCallExpression(value)) return undefined;
  const callee = skipOuterExpressions(value.expression);
  const factory = nameOf(callee);
  const receiver = ts.isPropertyAccessExpression(callee) ? nameOf(callee.expression) ?? '' : '';
  const name = literalString(value.arguments[0], ctx);
  if (!name) return undefined;
  // `sequelize.define('product', { … })`; a bare `define(…)` is AMD, `customElements.define` takes a class.
  if (factory === 'define' && ts.isPropertyAccessExpression(callee) && (/sequelize/i.test(receiver) || isObjectLiteral(value.arguments[1]))) {
    return { orm: 'sequelize', entity: name };
  }
  if (factory !== 'model') return undefined;
  if (/sequelize/i.test(receiver)) return { orm: 'sequelize', entity: name };
  // A bare `model(…)` must come from mongoose; `mongoose.model` / `connection.model` is a method.
  if (ts.isIdentifier(callee) && !importedFrom(callee, /^mongoose$/)) return undefined;
  return { orm: 'mongoose', entity: name };
}

function isObjectLiteral(e: ts.Expression | undefined): boolean {
  return e !== undefined && ts.isObjectLiteralExpression(skipOuterExpressions(e));
}

function importedFrom(id: ts.Identifier, specifier: RegExp): boolean {
  const binding = lookupName(id.text, id);
  return binding?.kind === 'import' && specifier.test(binding.specifier);
}

/** `typeof Product`, `ModelStatic<Product>`, Mongoose `Model<ProductDocument>` (entity from `@InjectModel` when present). */
function modelFromType(decl: ts.Node, ctx: ResolveContext, depth: number): ModelRef | undefined {
  const type = typeAnnotationOf(decl);
  if (!type) return undefined;
  if (ts.isTypeQueryNode(type)) {
    const target = ts.isIdentifier(type.exprName) ? type.exprName : undefined;
    return target ? modelOf(target, ctx, depth + 1) : undefined;
  }
  const ref = typeReference(type);
  if (!ref) return undefined;
  if (ref.name === 'ModelStatic' || ref.name === 'ModelCtor') return { orm: 'sequelize', entity: typeReference(ref.args[0])?.name ?? null };
  if (ref.name !== 'Model' || ref.args.length === 0) return undefined;
  const typeName = ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? type.typeName : undefined;
  if (typeName && importedFrom(typeName, /^sequelize/)) return undefined; // a Sequelize instance type, not a model
  return { orm: 'mongoose', entity: injectedModelName(decl, ctx) ?? typeReference(ref.args[0])?.name ?? null };
}

/** NestJS `@InjectModel(Product.name)` / `@InjectModel('Product')`. */
function injectedModelName(decl: ts.Node, ctx: ResolveContext): string | undefined {
  if (!ts.canHaveDecorators(decl)) return undefined;
  for (const decorator of ts.getDecorators(decl) ?? []) {
    const e = decorator.expression;
    if (!ts.isCallExpression(e) || nameOf(e.expression) !== 'InjectModel') continue;
    const arg = e.arguments[0] && skipOuterExpressions(e.arguments[0]);
    if (!arg) continue;
    if (ts.isPropertyAccessExpression(arg) && arg.name.text === 'name') return nameOf(arg.expression);
    return literalString(arg, ctx);
  }
  return undefined;
}

/** The class extends Sequelize's `Model` (`Model<…>`, `Sequelize.Model`), directly or through local base classes. */
function extendsSequelizeModel(cls: ts.ClassLikeDeclaration, ctx: ResolveContext, depth: number): boolean {
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  if (!base || depth > MAX_DEPTH) return false;
  if (nameOf(base.expression) === 'Model') return true;
  const decl = declarationOf(base.expression, ctx);
  return decl !== undefined && ts.isClassDeclaration(decl) && extendsSequelizeModel(decl, ctx, depth + 1);
}

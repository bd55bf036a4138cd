/**
 * Is this expression a Redis client? Answered from import and constructor data flow, without
 * the type checker: `new Redis()`, `createClient()`, `Redis.fromEnv()`, `x.duplicate()`,
 * `x.pipeline()`, consts and imports of those, class fields, constructor-injected parameters
 * typed with a client type, and factory functions that return one. The analyzer asks the type
 * checker first when it has one (see `clientFromSymbol`); this is the fallback and the untyped path.
 */
import ts from '#typescript';
import { type Template } from '../keys/template.js';
import {
  constructorAssignments,
  enclosingClass,
  findClassMember,
  followImport,
  lookupExport,
  lookupName,
  returnExpressions,
  skipOuterExpressions,
  type Binding,
  type ExportTarget,
  type ModuleGraph,
} from '../resolve/declarations.js';
import { calledFunction, ownerOf, propertyNameText, resolveKey, type ResolveContext } from '../resolve/resolve-key.js';
import type { ClientKind } from '../types.js';
import { isCommandName } from './commands.js';

export interface ClientValue {
  kind: Exclude<ClientKind, 'unknown'>;
  /** ioredis `keyPrefix`: prepended to keys, not to KEYS / SCAN patterns. */
  keyPrefix?: Template;
  /** A pipeline / multi / batch rather than the client itself. */
  pipeline: boolean;
}

const CLIENT_PACKAGES: [string, ClientValue['kind']][] = [
  ['ioredis', 'ioredis'],
  ['redis', 'node-redis'],
  ['@redis/client', 'node-redis'],
  ['@upstash/redis', 'upstash'],
];

/** The client a module specifier belongs to: `ioredis`, `@upstash/redis/nodejs`, … */
export function clientPackageKind(specifier: string): ClientValue['kind'] | undefined {
  for (const [pkg, kind] of CLIENT_PACKAGES) {
    if (specifier === pkg || specifier.startsWith(`${pkg}/`)) return kind;
  }
  return undefined;
}

/** In-house packages that export ready client instances (from the config's `clientPackages`). */
export type ExtraClientPackages = Readonly<Record<string, ClientValue['kind']>>;

/** The client a declaration file belongs to, by its path inside node_modules. */
export function clientKindOfDeclarationFile(fileName: string): ClientValue['kind'] | undefined {
  const normalized = fileName.replace(/\\/g, '/');
  if (/\/node_modules\/ioredis\//.test(normalized)) return 'ioredis';
  if (/\/node_modules\/(@redis\/[^/]+|redis)\//.test(normalized)) return 'node-redis';
  if (/\/node_modules\/@upstash\/redis\//.test(normalized)) return 'upstash';
  return undefined;
}

const FACTORY_FUNCTIONS = new Set(['createClient', 'createCluster', 'createSentinel']);
/** Methods that return the same client (chaining, connecting, copying). */
const SAME_CLIENT_METHODS = new Set(['duplicate', 'on', 'once', 'connect', 'withTypeMapping', 'withCommandOptions', 'isolated']);
/** Client methods that return a pipeline / transaction of the same client. */
export const PIPELINE_METHODS: ReadonlySet<string> = new Set(['pipeline', 'multi', 'batch']);
const PIPELINE_TYPES = new Set(['ChainableCommander', 'Pipeline', 'RedisClientMultiCommandType']);

export interface ClientContext extends ResolveContext {
  memo: WeakMap<ts.Node, ClientValue | null>;
  extraPackages: ExtraClientPackages;
  /**
   * Asked first about the receiver of a Redis-named method call (recognizeClient in
   * src/analyze/discover.ts), only after the method name passed the command filter: a client,
   * `null` for certainly not a client, `undefined` for no opinion (data flow and the checker
   * decide). The ESLint rules set it from `settings.keydrift.clientTypes` / `ignoredClientTypes`
   * (rules/utils/client-types.ts). Must not throw.
   */
  classify?: (receiver: ts.Expression) => ClientValue | null | undefined;
}

export function createClientContext(graph: ModuleGraph, checker?: ts.TypeChecker, extraPackages: ExtraClientPackages = {}): ClientContext {
  return { graph, checker, memo: new WeakMap(), extraPackages };
}

export function clientOf(expr: ts.Expression, ctx: ClientContext, depth = 0): ClientValue | undefined {
  if (depth > 12) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isAwaitExpression(e)) return clientOf(e.expression, ctx, depth + 1);
  if (ts.isNewExpression(e)) return clientFromConstructor(e, ctx);
  if (ts.isCallExpression(e)) return clientFromCall(e, ctx, depth);
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    return binding ? clientFromBinding(binding, ctx, depth) : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) return clientFromMember(e, ctx, depth);
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return clientOf(e.left, ctx, depth + 1) ?? clientOf(e.right, ctx, depth + 1);
  }
  if (ts.isConditionalExpression(e)) return clientOf(e.whenTrue, ctx, depth + 1) ?? clientOf(e.whenFalse, ctx, depth + 1);
  return undefined;
}

function memoized(node: ts.Node, ctx: ClientContext, compute: () => ClientValue | undefined): ClientValue | undefined {
  if (ctx.memo.has(node)) return ctx.memo.get(node) ?? undefined;
  ctx.memo.set(node, null); // in progress: a cycle answers "not a client"
  const value = compute();
  ctx.memo.set(node, value ?? null);
  return value;
}

/** Where an identifier or `ns.Name` used as a constructor/function comes from: its package. */
function importedFrom(expr: ts.Expression, ctx: ClientContext): { kind: ClientValue['kind']; name: string } | undefined {
  const e = skipOuterExpressions(expr);
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (binding?.kind !== 'import') return undefined;
    const kind = clientPackageKind(binding.specifier);
    if (kind) return { kind, name: binding.imported === 'default' || binding.imported === '*' ? e.text : binding.imported };
    // A local module that re-exports the client's constructor.
    const target = followImport(ctx.graph, binding);
    if (target?.kind === 'declaration' && ts.isVariableDeclaration(target.node) && target.node.initializer) {
      return importedFrom(target.node.initializer, ctx);
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const base = importedFrom(e.expression, ctx);
    return base ? { kind: base.kind, name: e.name.text } : undefined;
  }
  return undefined;
}

function clientFromConstructor(e: ts.NewExpression, ctx: ClientContext): ClientValue | undefined {
  const origin = importedFrom(e.expression, ctx);
  if (!origin) return undefined;
  const value: ClientValue = { kind: origin.kind, pipeline: origin.name === 'Pipeline' };
  if (origin.kind === 'ioredis') {
    const prefix = keyPrefixOption(e.arguments ?? [], ctx);
    if (prefix) value.keyPrefix = prefix;
  }
  return value;
}

/** ioredis `keyPrefix`, in any argument position, also Cluster's `redisOptions.keyPrefix`. */
function keyPrefixOption(args: readonly ts.Expression[], ctx: ClientContext): Template | undefined {
  for (const arg of args) {
    const options = objectLiteralOf(arg, ctx);
    if (!options) continue;
    for (const prop of options.properties) {
      if (!ts.isPropertyAssignment(prop) || !prop.name) continue;
      const name = propertyNameText(prop.name);
      if (name === 'keyPrefix') {
        const resolved = resolveKey(prop.initializer, ctx);
        return resolved.templates.length === 1 ? resolved.templates[0] : undefined;
      }
      if (name === 'redisOptions') {
        const nested = keyPrefixOption([prop.initializer], ctx);
        if (nested) return nested;
      }
    }
  }
  return undefined;
}

function objectLiteralOf(expr: ts.Expression, ctx: ClientContext): ts.ObjectLiteralExpression | undefined {
  const e = skipOuterExpressions(expr);
  if (ts.isObjectLiteralExpression(e)) return e;
  const owner = ts.isIdentifier(e) ? ownerOf(e, { ctx }) : undefined;
  return owner && ts.isObjectLiteralExpression(owner) ? owner : undefined;
}

function clientFromCall(e: ts.CallExpression, ctx: ClientContext, depth: number): ClientValue | undefined {
  const callee = skipOuterExpressions(e.expression);
  if (ts.isIdentifier(callee)) {
    const origin = importedFrom(callee, ctx);
    if (origin && FACTORY_FUNCTIONS.has(origin.name)) return { kind: origin.kind, pipeline: false };
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    if (method === 'fromEnv') {
      const origin = importedFrom(callee.expression, ctx);
      if (origin?.kind === 'upstash') return { kind: 'upstash', pipeline: false };
    }
    if (ts.isIdentifier(callee.expression) || ts.isPropertyAccessExpression(callee.expression)) {
      const origin = importedFrom(callee, ctx);
      if (origin && FACTORY_FUNCTIONS.has(origin.name)) return { kind: origin.kind, pipeline: false };
    }
    if (SAME_CLIENT_METHODS.has(method) || PIPELINE_METHODS.has(method) || isCommandName(method)) {
      const base = clientOf(callee.expression, ctx, depth + 1);
      if (!base) return undefined;
      if (PIPELINE_METHODS.has(method)) return { ...base, pipeline: true };
      if (SAME_CLIENT_METHODS.has(method)) return base;
      // A command on a pipeline returns the pipeline (chaining); on a client, a reply.
      return base.pipeline ? base : undefined;
    }
  }
  const fn = calledFunction(e, { ctx });
  if (!fn) return undefined;
  return memoized(fn, ctx, () => {
    if (fn.type) {
      const fromType = clientFromTypeNode(fn.type, ctx);
      if (fromType) return fromType;
    }
    for (const r of returnExpressions(fn)) {
      const value = clientOf(r, ctx, depth + 1);
      if (value) return value;
    }
    return undefined;
  });
}

// An import binding is one object per name and file (see lookupName): every use of an imported
// client in a file asks about the same binding, and the answer is the same.
const importedClients = new WeakMap<ClientContext, WeakMap<Binding, ClientValue | null>>();

function clientFromBinding(binding: Binding, ctx: ClientContext, depth: number): ClientValue | undefined {
  if (binding.kind === 'import') {
    const extra = ctx.extraPackages[binding.specifier];
    if (extra) return { kind: extra, pipeline: false }; // an in-house package exports instances
    if (clientPackageKind(binding.specifier)) return undefined; // the class itself, not an instance
    let known = importedClients.get(ctx);
    if (!known) importedClients.set(ctx, (known = new WeakMap()));
    const cached = known.get(binding);
    if (cached !== undefined) return cached ?? undefined;
    const value = clientFromExport(followImport(ctx.graph, binding), ctx, depth);
    // Only a full-depth answer is kept: a deep lookup may have stopped short.
    if (depth === 0) known.set(binding, value ?? null);
    return value;
  }
  const decl = binding.node;
  return memoized(decl, ctx, () => {
    if (ts.isVariableDeclaration(decl) || ts.isParameter(decl)) {
      if (decl.type) {
        const typed = clientFromTypeNode(decl.type, ctx);
        if (typed) return typed;
      }
      if (decl.initializer) return clientOf(decl.initializer, ctx, depth + 1);
    }
    return undefined;
  });
}

function clientFromMember(e: ts.PropertyAccessExpression, ctx: ClientContext, depth: number): ClientValue | undefined {
  const name = e.name.text;
  const object = skipOuterExpressions(e.expression);
  if (object.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(object);
    if (!cls) return undefined;
    const member = findClassMember(cls, name);
    if (!member) return undefined;
    return memoized(member, ctx, () => {
      if ((ts.isPropertyDeclaration(member) || ts.isParameter(member)) && member.type) {
        const typed = clientFromTypeNode(member.type, ctx);
        if (typed) return typed;
      }
      if (ts.isPropertyDeclaration(member) && member.initializer) return clientOf(member.initializer, ctx, depth + 1);
      for (const assigned of constructorAssignments(cls, name)) {
        const value = clientOf(assigned, ctx, depth + 1);
        if (value) return value;
      }
      return undefined;
    });
  }
  const owner = ownerOf(object, { ctx });
  if (!owner) return undefined;
  if (ts.isSourceFile(owner)) {
    // ns.redis for `import * as ns from './redis'`
    return clientFromExport(lookupExport(ctx.graph, owner, name), ctx, depth);
  }
  if (ts.isObjectLiteralExpression(owner)) {
    const prop = owner.properties.find((p) => p.name && propertyNameText(p.name) === name);
    if (prop && ts.isPropertyAssignment(prop)) return clientOf(prop.initializer, ctx, depth + 1);
    if (prop && ts.isShorthandPropertyAssignment(prop)) return clientOf(prop.name, ctx, depth + 1);
  }
  if (ts.isClassLike(owner)) {
    const member = findClassMember(owner, name, true);
    if (member && ts.isPropertyDeclaration(member) && member.initializer) return clientOf(member.initializer, ctx, depth + 1);
  }
  return undefined;
}

function clientFromExport(target: ExportTarget | undefined, ctx: ClientContext, depth: number): ClientValue | undefined {
  if (target?.kind === 'expression') return memoized(target.node, ctx, () => clientOf(target.node, ctx, depth + 1));
  if (target?.kind === 'declaration') return clientFromBinding({ kind: 'local', node: target.node }, ctx, depth);
  return undefined;
}

/** `Redis`, `Cluster`, `RedisClientType`, `ReturnType<typeof createClient>`, `Redis | null`, … */
export function clientFromTypeNode(type: ts.TypeNode, ctx: ClientContext): ClientValue | undefined {
  if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
    for (const member of type.types) {
      const value = clientFromTypeNode(member, ctx);
      if (value) return value;
    }
    return undefined;
  }
  if (ts.isParenthesizedTypeNode(type)) return clientFromTypeNode(type.type, ctx);
  if (!ts.isTypeReferenceNode(type)) return undefined;
  const typeName = type.typeName;
  const head = ts.isIdentifier(typeName) ? typeName : leftmost(typeName);
  const lastName = ts.isIdentifier(typeName) ? typeName.text : typeName.right.text;
  if (lastName === 'ReturnType' || lastName === 'Awaited') {
    const arg = type.typeArguments?.[0];
    if (arg && ts.isTypeQueryNode(arg) && ts.isIdentifier(arg.exprName)) {
      const origin = importedFrom(arg.exprName, ctx);
      if (origin && FACTORY_FUNCTIONS.has(origin.name)) return { kind: origin.kind, pipeline: false };
    }
    return arg ? clientFromTypeNode(arg, ctx) : undefined;
  }
  const binding = lookupName(head.text, head);
  if (binding?.kind !== 'import') return undefined;
  const kind = clientPackageKind(binding.specifier);
  if (!kind) return undefined;
  const importedName = binding.imported === 'default' || binding.imported === '*' ? lastName : ts.isIdentifier(typeName) ? binding.imported : lastName;
  return { kind, pipeline: PIPELINE_TYPES.has(importedName) };
}

function leftmost(name: ts.QualifiedName): ts.Identifier {
  let n: ts.EntityName = name;
  while (ts.isQualifiedName(n)) n = n.left;
  return n;
}

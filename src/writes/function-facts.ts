/**
 * What one function does that matters for write paths, read from its own body: database writes,
 * SQL transaction control, the calls it makes (resolved to functions lazily, by name filter),
 * callbacks it runs during a call (transactions, array iteration), and local-cache operations.
 * Shared by the rules (one file) and the analyzer (every file, then joined into a call graph).
 * Redis commands are not here: both callers already have them (discover.ts).
 */
import ts from '#typescript';
import { followImport, isFunctionNode, lookupName, skipOuterExpressions, type FunctionNode } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { forEachNode } from '../resolve/walk.js';
import { calleeName } from './callee.js';
import { describeDbWrite, sqlControlOf } from './db-writes.js';
import { transactionCallForCallback } from './orm-common.js';
import type { DbWrite, SqlControl } from './types.js';

export type LocalCacheKind = 'Map' | 'LRUCache' | 'NodeCache';
export type CacheOp = 'read' | 'fill' | 'clear';

export interface FunctionFactsDraft {
  fn: FunctionNode;
  writes: { write: DbWrite; awaited: boolean }[];
  controls: { control: SqlControl; node: ts.Node }[];
  /** Calls to something that might be a project function, with the name they call. */
  calls: { node: ts.CallExpression; name: string; awaited: boolean }[];
  /** Function expressions that run during a call of this function (`$transaction(async (tx) => …)`). */
  callbacks: { node: ts.CallExpression; callback: FunctionNode; awaited: boolean }[];
  cacheOps: { cache: ts.Node; op: CacheOp; node: ts.CallExpression }[];
  /** This function is the callback of a transaction call: it runs before the commit. */
  transaction: boolean;
  /** This function handles pub/sub messages (`sub.on('message', …)`, node-redis `subscribe(ch, listener)`). */
  messageHandler: boolean;
  /**
   * It calls `del` / `unlink` / `expire`… on something not recognized as a Redis client (an
   * untyped injected client, say): it may invalidate, so a missing invalidation is not claimed.
   */
  opaqueInvalidation: boolean;
}

const LOCAL_CACHE_CLASSES: Record<string, LocalCacheKind> = { Map: 'Map', LRUCache: 'LRUCache', LRU: 'LRUCache', NodeCache: 'NodeCache' };
const CACHE_OPS: Record<string, CacheOp> = {
  get: 'read',
  has: 'read',
  peek: 'read',
  set: 'fill',
  delete: 'clear',
  clear: 'clear',
  del: 'clear',
  take: 'clear',
  flushAll: 'clear',
  reset: 'clear',
};
/** Methods whose function arguments run while the call runs (so their effects are the caller's). */
const CALLBACK_RUNNERS = new Set(['$transaction', 'transaction', 'withTransaction', 'map', 'forEach', 'flatMap', 'filter', 'reduce', 'some', 'every', 'find', 'then', 'catch', 'finally']);
const MESSAGE_EVENTS = new Set(['message', 'pmessage', 'smessage', 'messageBuffer', 'pmessageBuffer']);
const LISTENER_SUBSCRIBES = new Set(['subscribe', 'pSubscribe', 'sSubscribe', 'psubscribe', 'ssubscribe']);

/** A local cache: `new Map()` / `new LRUCache()` / `new NodeCache()` held in a variable or class field. */
export function localCacheKind(decl: ts.Node): LocalCacheKind | undefined {
  if (!(ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) || !decl.initializer) return undefined;
  const init = skipOuterExpressions(decl.initializer);
  if (!ts.isNewExpression(init)) return undefined;
  const ctor = skipOuterExpressions(init.expression);
  const name = ts.isIdentifier(ctor) ? ctor.text : ts.isPropertyAccessExpression(ctor) ? ctor.name.text : undefined;
  return name ? LOCAL_CACHE_CLASSES[name] : undefined;
}

/** The local cache an expression refers to (its declaration), following imports and `this.x`. */
export function localCacheOf(expr: ts.Expression, ctx: ResolveContext): ts.Node | undefined {
  const e = skipOuterExpressions(expr);
  let decl: ts.Node | undefined;
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (binding?.kind === 'local') decl = binding.node;
    else if (binding) {
      const target = followImport(ctx.graph, binding);
      decl = target?.kind === 'declaration' ? target.node : undefined;
    }
  } else if (ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    let cls: ts.Node | undefined = e.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    decl = cls && ts.isClassLike(cls) ? cls.members.find((m) => ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.name.text) : undefined;
  }
  return decl && localCacheKind(decl) ? decl : undefined;
}

export interface CollectOptions {
  /** Whether a call by this name should be kept (resolved later): the analyzer's name filter. */
  keepCall?: (name: string) => boolean;
  /** Names local caches are used by (only calls on these receivers are inspected). */
  cacheNames?: ReadonlySet<string>;
  /** Calls already recognized as Redis commands (their invalidations are known, not opaque). */
  isRedisCall?: (call: ts.CallExpression) => boolean;
  /** The file's calls and tagged templates in source order, when a caller already walked it. */
  nodes?: readonly (ts.CallExpression | ts.TaggedTemplateExpression)[];
}

const INVALIDATION_METHODS = new Set(['del', 'unlink', 'expire', 'pexpire', 'expireat', 'pexpireat', 'getdel', 'publish', 'spublish']);

/** The facts of every function in a file (functions with none are left out). */
export function collectFileFacts(file: ts.SourceFile, ctx: ResolveContext, options: CollectOptions = {}): Map<FunctionNode, FunctionFactsDraft> {
  const out = new Map<FunctionNode, FunctionFactsDraft>();
  const factsOf = (fn: FunctionNode): FunctionFactsDraft => {
    let facts = out.get(fn);
    if (!facts) {
      facts = { fn, writes: [], controls: [], calls: [], callbacks: [], cacheOps: [], transaction: false, messageHandler: false, opaqueInvalidation: false };
      out.set(fn, facts);
    }
    return facts;
  };
  const reportedWrites = new Set<ts.Node>();
  const visit = (node: ts.CallExpression | ts.TaggedTemplateExpression): void => {
    // The enclosing function is looked up only for a call that turns out to matter (most do not).
    let enclosing: FunctionNode | undefined | null = null;
    const fnOf = (): FunctionNode | undefined => (enclosing === null ? (enclosing = enclosingFunctionNode(node)) : enclosing);
    // A Redis command writes no database and runs no SQL: the recognizers need not look at it.
    const isRedisCall = ts.isCallExpression(node) ? options.isRedisCall?.(node) : undefined;
    if (isRedisCall) return inspectCall(node as ts.CallExpression, isRedisCall, fnOf, ctx, options, factsOf);
    const write = describeDbWrite(node, ctx);
    if (write && !reportedWrites.has(write.node)) {
      reportedWrites.add(write.node);
      const fn = fnOf();
      if (fn) factsOf(fn).writes.push({ write, awaited: isAwaited(write.node) });
      return;
    }
    const control = sqlControlOf(node, ctx);
    if (control) {
      const fn = fnOf();
      if (fn) factsOf(fn).controls.push({ control, node });
      return;
    }
    if (!ts.isCallExpression(node)) return;
    inspectCall(node, isRedisCall, fnOf, ctx, options, factsOf);
  };
  if (options.nodes) options.nodes.forEach(visit);
  else {
    forEachNode(file, (node) => {
      if (ts.isCallExpression(node) || ts.isTaggedTemplateExpression(node)) visit(node);
    });
  }
  return out;
}

function inspectCall(
  call: ts.CallExpression,
  /** What options.isRedisCall says of the call (undefined: nobody said). */
  isRedisCall: boolean | undefined,
  fnOf: () => FunctionNode | undefined,
  ctx: ResolveContext,
  options: CollectOptions,
  factsOf: (fn: FunctionNode) => FunctionFactsDraft,
): void {
  const callee = skipOuterExpressions(call.expression);
  const name = calleeName(call);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;

  // Callbacks: those run during the call belong to the caller; message listeners are marked.
  for (const arg of call.arguments) {
    const callback = skipOuterExpressions(arg);
    if (!isFunctionNode(callback)) continue;
    if (method && isMessageListenerRegistration(call, method, arg)) factsOf(callback).messageHandler = true;
    const runner = method ?? (ts.isIdentifier(callee) ? callee.text : undefined);
    if (runner && CALLBACK_RUNNERS.has(runner)) {
      if (transactionCallForCallback(callback)) factsOf(callback).transaction = true;
      const fn = fnOf();
      if (fn) factsOf(fn).callbacks.push({ node: call, callback, awaited: isAwaited(call) });
    }
  }
  // An immediately invoked function runs where it is written.
  if (isFunctionNode(callee)) {
    const fn = fnOf();
    if (fn) factsOf(fn).callbacks.push({ node: call, callback: callee, awaited: isAwaited(call) });
  }

  // Own keys only: `cache.toString()` is no cache operation.
  if (method && Object.hasOwn(CACHE_OPS, method) && ts.isPropertyAccessExpression(callee)) {
    const receiver = skipOuterExpressions(callee.expression);
    const receiverName = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
    if (receiverName && (!options.cacheNames || options.cacheNames.has(receiverName))) {
      const cache = localCacheOf(receiver, ctx);
      if (cache) {
        const fn = fnOf();
        if (fn) factsOf(fn).cacheOps.push({ cache, op: CACHE_OPS[method], node: call });
        return;
      }
    }
  }
  if (method && INVALIDATION_METHODS.has(method) && isRedisCall === false) {
    const fn = fnOf();
    if (fn) factsOf(fn).opaqueInvalidation = true;
  }
  // A Redis command runs in the client, never in project code: no edge to resolve.
  if (name && !isRedisCall && (!options.keepCall || options.keepCall(name))) {
    const fn = fnOf();
    if (fn) factsOf(fn).calls.push({ node: call, name, awaited: isAwaited(call) });
  }
}

function isMessageListenerRegistration(call: ts.CallExpression, method: string, arg: ts.Expression): boolean {
  if (method === 'on' || method === 'addListener' || method === 'once') {
    const event = call.arguments[0] && skipOuterExpressions(call.arguments[0]);
    return event !== undefined && ts.isStringLiteralLike(event) && MESSAGE_EVENTS.has(event.text) && call.arguments[1] === arg;
  }
  // node-redis: subscribe(channel, listener); the listener is the argument after the channel(s).
  return LISTENER_SUBSCRIBES.has(method) && call.arguments.indexOf(arg as ts.Expression) > 0;
}

/** The function a node's code runs in (module-level code has none). */
export function enclosingFunctionNode(node: ts.Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (isFunctionNode(n)) return n;
    if (ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n)) return undefined;
  }
  return undefined;
}

/**
 * Whether the caller waits for the call before going on: awaited, returned, yielded, or
 * awaited as a member of `Promise.all([...])`. Chained calls (`knex(…).update().returning()`)
 * count through their chain.
 */
export function isAwaited(node: ts.Node): boolean {
  let n = node;
  for (;;) {
    const p = n.parent;
    if (!p) return false;
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)) n = p;
    else if (ts.isPropertyAccessExpression(p) && p.expression === n && p.parent && ts.isCallExpression(p.parent)) n = p.parent;
    else if (ts.isAwaitExpression(p) || ts.isReturnStatement(p) || ts.isYieldExpression(p)) return true;
    else if (ts.isArrowFunction(p) && p.body === n) return true;
    else if (ts.isArrayLiteralExpression(p) && p.parent && ts.isCallExpression(p.parent)) n = p.parent;
    else return false;
  }
}

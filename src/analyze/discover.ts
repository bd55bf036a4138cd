/**
 * Call-site discovery: every Redis command call in the project with its resolved key templates.
 * Walks the raw TypeScript trees and asks the type
 * checker only about calls whose method name is a Redis command.
 */
import ts from '#typescript';
import { memo } from '../memo.js';
import { nodeCache } from '../resolve/node-caches.js';
import { concatTemplates, type Template } from '../keys/template.js';
import { keyIndexes, lookupCommand, type CommandInfo } from '../redis/commands.js';
import { clientKindOfDeclarationFile, clientOf, type ClientContext, type ClientValue } from '../redis/clients.js';
import {
  constructorAssignments,
  enclosingClass,
  enclosingFunction,
  enclosingFunctionName,
  findClassMember,
  followImport,
  isFunctionNode,
  lookupName,
  skipOuterExpressions,
  type FunctionNode,
} from '../resolve/declarations.js';
import { bindCall, calledFunction, EMPTY_ENV, propertyNameText, resolveKey, type Env } from '../resolve/resolve-key.js';
import type { ClientKind, TtlInfo } from '../types.js';
import { calleeName } from '../writes/callee.js';
import { forEachNode, walkCodeNodes } from '../resolve/walk.js';
import { inlineTtl } from './ttl.js';

export interface DraftKey {
  source: string;
  /** Empty when the key is wholly unknown. */
  templates: Template[];
}

export interface SiteDraft {
  file: ts.SourceFile;
  /** Where the call starts (for a wrapper call site, the caller's call). */
  node: ts.Node;
  client: ClientKind;
  info: CommandInfo;
  keys: DraftKey[];
  /** The expiry the call sets itself; later expire calls are folded in by the checks. */
  ttl: TtlInfo | null;
  /** The function the call sits in: the unit of "same function" checks. */
  fn: ts.Node | undefined;
  functionName: string | null;
  /** The pipeline / multi the command is queued on, if any. */
  pipeline: ts.Node | undefined;
}

/** A command inside a wrapper function whose key is one of the function's parameters. */
interface WrapperSite {
  fn: FunctionNode;
  info: CommandInfo;
  client: ClientKind;
  prefix?: Template;
  /** The key expressions as written in the innermost wrapper. */
  keyExprs: ts.Expression[];
  /** Binds the inner layers' parameters, given an environment binding `fn`'s parameters. */
  bindInner: (outer: Env) => Env;
  /** Which parameter of `fn` carries the key (for the `source` shown at callers). */
  keyParam: number;
  ttl: TtlInfo | null;
}

const MAX_WRAPPER_LAYERS = 4;
const PIPELINE_METHODS = new Set(['pipeline', 'multi']);
const RAW_COMMAND_METHODS = new Set(['call', 'send_command', 'sendCommand', 'callBuffer']);

/**
 * Finds the call sites of `own` files (all files when not given: a shard passes its own).
 * Wrapper layers are looked for in every file, since a shard's calls may go through a wrapper
 * that lives in another shard's file; there only calls passing a parameter on are inspected.
 */
export function discoverCallSites(
  files: readonly ts.SourceFile[],
  ctx: ClientContext,
  own?: ReadonlySet<ts.SourceFile>,
  onProgress?: (done: number, total: number) => void,
  /** Receives every call recognized as a Redis command, wrapper layers' inner calls included. */
  recognized?: RecognizedCalls,
  /** Sees the nodes of the kinds it asks for, of every file walked (the write-path scan rides on this walk). */
  listener?: NodeListener,
): SiteDraft[] {
  return new CallDiscovery(ctx, recognized, listener).add(files, own, onProgress);
}

/**
 * A walk riding on discovery's: it is handed the nodes of the kinds it lists, in source order
 * (pre-order). Filtering on the kind here, rather than in `visit`, spares a call for each of the
 * millions of other nodes a large project has.
 */
export interface NodeListener {
  /** `kinds[kind] === 1`: nodes of that kind go to `visit`. */
  readonly kinds: Uint8Array;
  visit(node: ts.Node, file: ts.SourceFile): void;
}

/** Where discovery records the calls it recognized as Redis commands (a Set, or a WeakSet when trees come and go). */
export interface RecognizedCalls {
  add(call: ts.Node): unknown;
  has(call: ts.Node): boolean;
}

/**
 * Discovery one group of files at a time, for a run that drops each group's trees once it is
 * done (see stream.ts). A group's calls are followed into the wrappers (and wrapper layers) of
 * every group added before it and of its own files, never the other way round: the caller of a
 * wrapper imports it, so the groups come in import order, the imported first. `forget` drops
 * what a group's files contributed, once nothing added later can import them.
 */
export class CallDiscovery {
  /** Functions holding a Redis command whose key is a parameter, with those commands. */
  private readonly wrappers = new Map<FunctionNode, WrapperSite[]>();
  /** `layers[k]`: wrappers found by following layer k (callers that pass the key on again). */
  private readonly layers: Map<FunctionNode, WrapperSite[]>[] = [];

  constructor(
    private readonly ctx: ClientContext,
    private readonly recognized: RecognizedCalls = new Set<ts.Node>(),
    private readonly listener?: NodeListener,
  ) {}

  /** The call sites of `own` files of this group (all of them when not given). */
  add(files: readonly ts.SourceFile[], own?: ReadonlySet<ts.SourceFile>, onProgress?: (done: number, total: number) => void): SiteDraft[] {
    const { ctx, listener, recognized, wrappers } = this;
    const heard = listener?.kinds;
    const sites: SiteDraft[] = [];
    const discarded: SiteDraft[] = [];
    // The calls wrapper layers may find their callers among, in walk order, so that no other walk
    // is needed: every own call, and another file's calls that pass a parameter on (they may be a
    // layer between an own call and the wrapper holding the Redis command, though never a site of
    // this run). Whether each is own goes alongside.
    const calls: GroupCalls = { calls: [], own: [] };
    for (const [index, file] of files.entries()) {
      onProgress?.(index, files.length);
      const isOwn = !own || own.has(file);
      walkCodeNodes(file, (node) => {
        if (heard !== undefined && heard[node.kind] === 1) listener!.visit(node, file);
        if (node.kind !== ts.SyntaxKind.CallExpression) return;
        const call = node as ts.CallExpression;
        if (!isOwn && !passesParameter(call)) return;
        calls.calls.push(call);
        calls.own.push(isOwn);
        inspectCall(call, file, ctx, isOwn ? sites : discarded, wrappers, recognized);
      });
    }
    if (calls.calls.length > 0 && (wrappers.size > 0 || this.layers.length > 0)) expandWrappers(calls, ctx, wrappers, this.layers, sites, recognized);
    return sites;
  }

  /** Drops the wrappers found in these files (nothing added later calls into them). */
  forget(files: ReadonlySet<ts.SourceFile>): void {
    for (const map of [this.wrappers, ...this.layers]) {
      for (const fn of map.keys()) if (files.has(fn.getSourceFile())) map.delete(fn);
    }
  }
}

/** Cheap pre-filter: does any argument mention a parameter name of an enclosing function? */
function passesParameter(call: ts.CallExpression): boolean {
  const names = new Set<string>();
  for (let n: ts.Node | undefined = call.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) for (const p of n.parameters) if (ts.isIdentifier(p.name)) names.add(p.name.text);
  }
  if (names.size === 0) return false;
  return call.arguments.some((arg) => forEachNode(arg, (node) => ts.isIdentifier(node) && names.has(node.text)));
}

export interface CommandCall {
  info: CommandInfo;
  args: ts.Expression[];
  /** Where the command is written: the call, or one entry of a batch array. */
  node: ts.Node;
}

function inspectCall(
  call: ts.CallExpression,
  file: ts.SourceFile,
  ctx: ClientContext,
  sites: SiteDraft[],
  wrappers: Map<FunctionNode, WrapperSite[]>,
  recognized: RecognizedCalls,
): void {
  for (const command of describeRedisCall(call, file, ctx)) {
    recognized.add(call);
    if (command.passesKeyThrough) addWrapper(command.command, call, command.client, ctx, wrappers);
    else sites.push(command.site);
  }
}

/** One Redis command issued by a call, as the analyzer and the ESLint rules both see it. */
export interface RedisCommand {
  site: SiteDraft;
  client: ClientValue;
  command: CommandCall;
  /** The key argument expressions, as written. */
  keyExprs: ts.Expression[];
  /** The key is a parameter of the enclosing function: a wrapper layer (see passThroughParam). */
  passesKeyThrough: boolean;
}

// Described calls per client context: ESLint rules and the write-path adapter linting one file
// share a context, so a call is recognized (and its keys resolved) once for all of them.
const describedCalls = nodeCache<ClientContext, WeakMap<ts.CallExpression, readonly RedisCommand[]>>();

// Nearly every call of a project is no Redis command: they all get this one empty answer.
const NO_COMMANDS: readonly RedisCommand[] = Object.freeze([]);
const NO_COMMAND_CALLS: readonly CommandCall[] = Object.freeze([]);

/** The Redis commands a call issues (none when it is not a Redis call). */
export function describeRedisCall(call: ts.CallExpression, file: ts.SourceFile, ctx: ClientContext): readonly RedisCommand[] {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return NO_COMMANDS;
  // Module commands hang off a namespace: client.json.get(k), redis.json.set(k, …).
  const namespace = moduleNamespace(callee);
  const method = namespace ? `${namespace.name.text}.${callee.name.text}` : callee.name.text;
  const commands = commandsOf(call, method);
  if (commands.length === 0) return NO_COMMANDS;
  let described = describedCalls.get(ctx);
  if (!described) describedCalls.set(ctx, (described = new WeakMap()));
  let found = described.get(call);
  if (!found) {
    const client = recognizeClient(callee, ctx, namespace?.expression);
    found = client ? commands.map((command) => buildSite(command, call, file, client, ctx)) : NO_COMMANDS;
    described.set(call, found);
  }
  return found;
}

/**
 * Cheap syntactic filter: could this method name issue a Redis command? Asked by every rule about
 * every member call in a lint run: remembered per name.
 */
export const isCandidateMethod: (method: string) => boolean = memo(
  (method) => RAW_COMMAND_METHODS.has(method) || PIPELINE_METHODS.has(method) || lookupCommand(method) !== undefined,
);

const MODULE_NAMESPACES = new Set(['json', 'ft', 'ts', 'bf', 'cf', 'cms', 'topk', 'tdigest']);

function moduleNamespace(callee: ts.PropertyAccessExpression): ts.PropertyAccessExpression | undefined {
  const inner = skipOuterExpressions(callee.expression);
  return ts.isPropertyAccessExpression(inner) && MODULE_NAMESPACES.has(inner.name.text) ? inner : undefined;
}

/** The commands one call issues (a batch `pipeline([[…], […]])` issues several). */
function commandsOf(call: ts.CallExpression, method: string): readonly CommandCall[] {
  if (!isCandidateMethod(method)) return NO_COMMAND_CALLS;
  const args = [...call.arguments];
  if (RAW_COMMAND_METHODS.has(method)) {
    const arrayArg = args.map((a) => skipOuterExpressions(a)).find(ts.isArrayLiteralExpression);
    if (method === 'sendCommand' && arrayArg) return rawCommand([...arrayArg.elements], call);
    return rawCommand(args, call);
  }
  if (PIPELINE_METHODS.has(method)) {
    const batch = args[0] && skipOuterExpressions(args[0]);
    if (!batch || !ts.isArrayLiteralExpression(batch)) return [];
    return batch.elements.flatMap((entry) => {
      const e = skipOuterExpressions(entry);
      return ts.isArrayLiteralExpression(e) ? rawCommand([...e.elements], e) : [];
    });
  }
  const info = lookupCommand(method);
  if (!info || (info.requiresKey && !couldBeKey(args[0]))) return [];
  return [{ info, args, node: call }];
}

/**
 * A command that needs a key and is called without one, or with a function where the key goes,
 * is some other `sort` / `get`: `items.sort()`, `items.sort((a, b) => a - b)`.
 */
function couldBeKey(arg: ts.Expression | undefined): boolean {
  return arg !== undefined && !isFunctionNode(skipOuterExpressions(arg));
}

function rawCommand(elements: ts.Expression[], node: ts.Node): CommandCall[] {
  const name = elements[0] && skipOuterExpressions(elements[0]);
  if (!name || !ts.isStringLiteralLike(name)) return [];
  const info = lookupCommand(name.text);
  return info ? [{ info, args: elements.slice(1), node }] : [];
}

/**
 * The client behind `receiver.method`: by data flow first (it never takes a Map for a client),
 * and where data flow cannot tell, by the method's declaration when the checker knows it.
 * Asking the checker only then keeps a typed run to the calls that need it.
 */
function recognizeClient(callee: ts.PropertyAccessExpression, ctx: ClientContext, receiver: ts.Expression = callee.expression): ClientValue | undefined {
  const classified = ctx.classify?.(receiver);
  if (classified !== undefined) return classified ?? undefined;
  const flow = clientOf(receiver, ctx);
  if (flow) return flow;
  if (ctx.checker && !plainlyNotAClient(receiver, ctx, 0)) {
    let declarations: ts.Declaration[] | undefined;
    try {
      declarations = ctx.checker.getSymbolAtLocation(callee.name)?.declarations;
    } catch {
      declarations = undefined;
    }
    if (declarations && declarations.length > 0) {
      const kind = clientKindOfDeclarationFile(declarations[0].getSourceFile().fileName);
      return kind ? { kind, pipeline: false } : undefined;
    }
  }
  return undefined;
}

const BUILT_IN_TYPES = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array', 'ReadonlyArray', 'ReadonlyMap', 'ReadonlySet', 'Object', 'Record', 'URLSearchParams', 'Headers', 'FormData']);

/**
 * Receivers that syntax already rules out, so a typed run need not ask the checker: literals,
 * arrays, `new Map()` and other built-ins (also through a const, a class field or a type
 * annotation), and instances of the project's own classes that extend nothing.
 */
function plainlyNotAClient(receiver: ts.Expression, ctx: ClientContext, depth: number): boolean {
  if (depth > 4) return false;
  const e = skipOuterExpressions(receiver);
  if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e) || ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) return true;
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return BUILT_IN_TYPES.has(e.expression.text) && !lookupName(e.expression.text, e);
  let declared: ts.VariableDeclaration | ts.ParameterDeclaration | ts.PropertyDeclaration | undefined;
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (binding?.kind === 'local' && (ts.isVariableDeclaration(binding.node) || ts.isParameter(binding.node))) declared = binding.node;
  } else if (ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(e);
    const member = cls && findClassMember(cls, e.name.text);
    if (member && (ts.isPropertyDeclaration(member) || ts.isParameter(member))) declared = member;
  }
  if (declared?.type) return isBuiltInTypeNode(declared.type);
  if (declared?.initializer) return plainlyNotAClient(declared.initializer, ctx, depth + 1);
  // An instance of a class written in this project that extends nothing: its methods are its own.
  const cls = instanceClassOf(e, ctx, 0);
  return cls !== undefined && !cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
}

function isBuiltInTypeNode(type: ts.TypeNode): boolean {
  if (ts.isArrayTypeNode(type) || ts.isTupleTypeNode(type) || ts.isTypeLiteralNode(type)) return true;
  if (ts.isTypeOperatorNode(type)) return isBuiltInTypeNode(type.type);
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && BUILT_IN_TYPES.has(type.typeName.text) && !lookupName(type.typeName.text, type);
}

function buildSite(command: CommandCall, call: ts.CallExpression, file: ts.SourceFile, client: ClientValue, ctx: ClientContext): RedisCommand {
  const keyExprs = keyExpressions(command);
  const fn = enclosingFunction(call);
  const keys = new LazyKeys(keyExprs, ctx, fn, appliesPrefix(command.info) ? client.keyPrefix : undefined);
  const site = new DescribedSite(file, command.node, client.kind, command.info, inlineTtl(command.info.name, command.args), fn, enclosingFunctionName(call), pipelineOf(call), keys);
  return new DescribedCommand(site, client, command, keyExprs, keys);
}

/**
 * A command's keys, resolved on first use: an ESLint rule that only needs the command (KEYS,
 * FLUSHALL, a floating DEL) never pays for resolution; the analyzer reads them at once.
 *
 * The lazy parts are classes with getters on their prototype, not object literals with getters:
 * a literal's accessor closures stay reachable from V8's hidden classes until a full collection,
 * and with them the whole tree they point into, so a tree the analyzer is done with would
 * survive every scavenge (see stream.ts).
 */
class LazyKeys {
  private resolved: { keys: DraftKey[]; passesKeyThrough: boolean } | undefined;

  constructor(
    private readonly keyExprs: readonly ts.Expression[],
    private readonly ctx: ClientContext,
    private readonly fn: ts.Node | undefined,
    private readonly prefix: Template | undefined,
  ) {}

  get(): { keys: DraftKey[]; passesKeyThrough: boolean } {
    if (!this.resolved) {
      const { ctx, fn, prefix } = this;
      const keys: DraftKey[] = [];
      let passesKeyThrough = false;
      for (const expr of this.keyExprs) {
        const resolved = resolveKey(expr, ctx);
        if (fn && isFunctionNode(fn) && passThroughParam(resolved.passThrough, resolved.templates, fn) >= 0) passesKeyThrough = true;
        keys.push(draftKey(expr, resolved.templates, prefix));
      }
      this.resolved = { keys, passesKeyThrough };
    }
    return this.resolved;
  }
}

class DescribedSite implements SiteDraft {
  constructor(
    readonly file: ts.SourceFile,
    readonly node: ts.Node,
    readonly client: ClientKind,
    readonly info: CommandInfo,
    readonly ttl: TtlInfo | null,
    readonly fn: ts.Node | undefined,
    readonly functionName: string | null,
    readonly pipeline: ts.Node | undefined,
    private readonly lazyKeys: LazyKeys,
  ) {}

  get keys(): DraftKey[] {
    return this.lazyKeys.get().keys;
  }
}

class DescribedCommand implements RedisCommand {
  constructor(
    readonly site: SiteDraft,
    readonly client: ClientValue,
    readonly command: CommandCall,
    readonly keyExprs: ts.Expression[],
    private readonly lazyKeys: LazyKeys,
  ) {}

  get passesKeyThrough(): boolean {
    return this.lazyKeys.get().passesKeyThrough;
  }
}

function draftKey(expr: ts.Expression, templates: Template[], prefix: Template | undefined): DraftKey {
  const withPrefix = prefix ? templates.map((t) => concatTemplates(prefix, t)) : templates;
  return { source: sourceText(expr), templates: withPrefix.filter((t) => t.segments.some((s) => s.kind === 'literal')) };
}

/**
 * A key that is a parameter of the enclosing function makes that function a wrapper layer: the
 * site is reported at its callers with their arguments substituted. Only a whole-key parameter
 * or a parameter named like a key counts, so `getProduct(id)` stays an ordinary call site.
 */
function passThroughParam(params: Set<ts.ParameterDeclaration>, templates: Template[], fn: FunctionNode): number {
  for (const param of params) {
    if (param.parent !== fn) continue;
    const name = ts.isIdentifier(param.name) ? param.name.text : '';
    const wholeKey = templates.length === 1 && templates[0].segments.length === 1 && templates[0].segments[0].kind === 'hole';
    if (wholeKey || /key/i.test(name)) return fn.parameters.indexOf(param);
  }
  return -1;
}

function addWrapper(command: CommandCall, call: ts.CallExpression, client: ClientValue, ctx: ClientContext, wrappers: Map<FunctionNode, WrapperSite[]>): void {
  const fn = enclosingFunction(call);
  if (!fn || !isFunctionNode(fn)) return;
  const keyExprs = keyExpressions(command);
  const keyParam = Math.max(
    0,
    ...keyExprs.map((expr) => {
      const resolved = resolveKey(expr, ctx);
      return passThroughParam(resolved.passThrough, resolved.templates, fn);
    }),
  );
  const list = wrappers.get(fn) ?? [];
  list.push({
    fn,
    info: command.info,
    client: client.kind,
    prefix: appliesPrefix(command.info) ? client.keyPrefix : undefined,
    keyExprs,
    bindInner: (outer) => outer,
    keyParam,
    ttl: inlineTtl(command.info.name, command.args),
  });
  wrappers.set(fn, list);
}

/** A group's calls in walk order (files in order, each in pre-order), each with whether it is own. */
interface GroupCalls {
  calls: ts.CallExpression[];
  /** In a file this run reports on: a call elsewhere only ever passes a key on to its callers. */
  own: boolean[];
}

/** Follows wrapper layers to their callers, which carry the resolved templates. */
function expandWrappers(
  group: GroupCalls,
  ctx: ClientContext,
  wrappers: ReadonlyMap<FunctionNode, WrapperSite[]>,
  /** Wrappers earlier layers found, by layer; this expansion adds the ones its calls make. */
  layers: Map<FunctionNode, WrapperSite[]>[],
  sites: SiteDraft[],
  redisCalls: RecognizedCalls,
): void {
  for (let layer = 0; layer < MAX_WRAPPER_LAYERS; layer++) {
    const pending = layer === 0 ? wrappers : layers[layer - 1];
    if (!pending || pending.size === 0) break;
    // Fewest arguments a caller must pass to reach a key parameter, per wrapper name.
    const minArgs = new Map<string, number>();
    for (const [fn, list] of pending) {
      const name = functionNameOf(fn);
      if (!name) continue;
      // A key parameter with a default, or a rest parameter, may be reached with fewer arguments.
      const needed = Math.min(...list.map((w) => (fn.parameters[w.keyParam]?.initializer || fn.parameters[w.keyParam]?.dotDotDotToken ? 0 : w.keyParam + 1)));
      minArgs.set(name, Math.min(needed, minArgs.get(name) ?? Infinity));
    }
    if (minArgs.size === 0) continue;
    // Calls by a wrapper's name with enough arguments, in walk order; each expansion only adds to
    // the next layer, so what this one looks for stays as it was.
    let next: Map<FunctionNode, WrapperSite[]> | undefined;
    group.calls.forEach((call, i) => {
      const name = calleeName(call);
      const needed = name === undefined ? undefined : minArgs.get(name);
      if (needed === undefined || !(call.arguments.length >= needed || call.arguments.some(ts.isSpreadElement)) || redisCalls.has(call)) return;
      const target = wrapperTarget(call, ctx, pending);
      if (target) expandCall(call, call.getSourceFile(), pending.get(target)!, ctx, group.own[i] ? sites : [], (next ??= layers[layer] ??= new Map()));
    });
  }
}

function expandCall(call: ts.CallExpression, file: ts.SourceFile, inner: WrapperSite[], ctx: ClientContext, sites: SiteDraft[], next: Map<FunctionNode, WrapperSite[]>): void {
  const callerFn = enclosingFunction(call);
  for (const w of inner) {
    const env: Env = w.bindInner(bindCall(w.fn, call, EMPTY_ENV));
    const keys: DraftKey[] = [];
    let nextKeyParam = -1;
    const argument = call.arguments[w.keyParam];
    for (const expr of w.keyExprs) {
      const resolved = resolveKey(expr, ctx, env);
      if (callerFn && isFunctionNode(callerFn)) nextKeyParam = Math.max(nextKeyParam, passThroughParam(resolved.passThrough, resolved.templates, callerFn));
      const key = draftKey(expr, resolved.templates, w.prefix);
      if (argument) key.source = sourceText(argument);
      keys.push(key);
    }
    if (nextKeyParam >= 0 && callerFn && isFunctionNode(callerFn)) {
      // The caller is itself a wrapper: its callers bind its parameters at the next layer.
      const list = next.get(callerFn) ?? [];
      list.push({ ...w, fn: callerFn, keyParam: nextKeyParam, bindInner: (outer) => w.bindInner(bindCall(w.fn, call, outer)) });
      next.set(callerFn, list);
      continue;
    }
    sites.push({
      file,
      node: call,
      client: w.client,
      info: w.info,
      keys,
      ttl: w.ttl,
      fn: callerFn,
      functionName: enclosingFunctionName(call),
      pipeline: undefined,
    });
  }
}

/**
 * The wrapper a call invokes: by syntax (the function called, or the method of the receiver's
 * class), and only when syntax cannot name the callee, by the checker: most calls by a wrapper's
 * name (`get`, `set`) are answered without a type query.
 */
function wrapperTarget(call: ts.CallExpression, ctx: ClientContext, wrappers: ReadonlyMap<FunctionNode, WrapperSite[]>): FunctionNode | undefined {
  const direct = calledFunction(call, { ctx });
  if (direct) return wrappers.has(direct) ? direct : undefined;
  const callee = skipOuterExpressions(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const cls = instanceClassOf(callee.expression, ctx, 0);
    const member = cls && findClassMember(cls, callee.name.text, false);
    if (member) return ts.isMethodDeclaration(member) && wrappers.has(member) ? member : undefined;
    // A Map's or an array's `get` / `set` is no wrapper of the project's.
    if (plainlyNotAClient(callee.expression, ctx, 0)) return undefined;
  }
  if (!ctx.checker) return undefined;
  try {
    const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    for (const decl of ctx.checker.getSymbolAtLocation(nameNode)?.declarations ?? []) {
      const fn = isFunctionNode(decl) ? decl : ts.isVariableDeclaration(decl) && decl.initializer && isFunctionNode(decl.initializer) ? decl.initializer : undefined;
      if (fn && wrappers.has(fn)) return fn;
    }
  } catch {
    // no answer from the checker: not a wrapper call as far as keydrift can tell
  }
  return undefined;
}

/** The class an expression is an instance of: `new CacheService()`, a typed field or parameter. */
function instanceClassOf(expr: ts.Expression, ctx: ClientContext, depth: number): ts.ClassLikeDeclaration | undefined {
  if (depth > 8) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isNewExpression(e)) return classNamed(e.expression, ctx);
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (!binding) return undefined;
    let decl: ts.Node | undefined;
    if (binding.kind === 'import') {
      const target = followImport(ctx.graph, binding);
      decl = target?.kind === 'declaration' ? target.node : target?.kind === 'expression' ? target.node : undefined;
      if (decl && !ts.isVariableDeclaration(decl) && ts.isExpression(decl as ts.Node)) return instanceClassOf(decl as ts.Expression, ctx, depth + 1);
    } else decl = binding.node;
    if (decl && (ts.isVariableDeclaration(decl) || ts.isParameter(decl))) {
      if (decl.type) return classOfTypeNode(decl.type, ctx);
      if (decl.initializer) return instanceClassOf(decl.initializer, ctx, depth + 1);
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(e);
    const member = cls && findClassMember(cls, e.name.text);
    if (!cls || !member) return undefined;
    if ((ts.isPropertyDeclaration(member) || ts.isParameter(member)) && member.type) return classOfTypeNode(member.type, ctx);
    if (ts.isPropertyDeclaration(member) && member.initializer) return instanceClassOf(member.initializer, ctx, depth + 1);
    for (const assigned of constructorAssignments(cls, e.name.text)) {
      const found = instanceClassOf(assigned, ctx, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function classOfTypeNode(type: ts.TypeNode, ctx: ClientContext): ts.ClassLikeDeclaration | undefined {
  if (!ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  return classNamed(type.typeName, ctx);
}

function classNamed(expr: ts.Expression, ctx: ClientContext): ts.ClassLikeDeclaration | undefined {
  const e = skipOuterExpressions(expr);
  if (!ts.isIdentifier(e)) return undefined;
  const binding = lookupName(e.text, e);
  if (!binding) return undefined;
  if (binding.kind === 'local') return ts.isClassDeclaration(binding.node) ? binding.node : undefined;
  const target = followImport(ctx.graph, binding);
  return target?.kind === 'declaration' && ts.isClassDeclaration(target.node) ? target.node : undefined;
}

function functionNameOf(fn: FunctionNode): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return propertyNameText(fn.name);
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) return propertyNameText(parent.name);
  return undefined;
}

/** The key arguments, per the command table, with the argument forms each client accepts. */
function keyExpressions(command: CommandCall): ts.Expression[] {
  const { info } = command;
  const args = flattenArgs(command.args);
  if (info.name === 'scan') return matchPattern(command.args);
  if (info.name === 'mset' || info.name === 'msetnx') {
    const single = args.length === 1 ? skipOuterExpressions(args[0]) : undefined;
    if (single && ts.isObjectLiteralExpression(single)) return objectKeys(single);
  }
  if (info.channels === 'all') return args.filter((a) => !isFunctionLike(a));
  const literalArgs = args.map((a) => {
    const e = skipOuterExpressions(a);
    return ts.isStringLiteralLike(e) ? e.text : ts.isNumericLiteral(e) ? e.text : undefined;
  });
  return keyIndexes(info, literalArgs)
    .map((i) => args[i])
    .filter((a): a is ts.Expression => !!a && !isFunctionLike(a) && !ts.isObjectLiteralExpression(skipOuterExpressions(a)));
}

/** Array arguments are spread (ioredis and node-redis both accept `del([a, b])`), tuples too. */
function flattenArgs(args: readonly ts.Expression[]): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const arg of args) {
    const e = skipOuterExpressions(arg);
    if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements) {
        const inner = skipOuterExpressions(element);
        if (ts.isArrayLiteralExpression(inner)) out.push(...inner.elements.map(spreadValue));
        else out.push(spreadValue(element));
      }
    } else out.push(spreadValue(arg));
  }
  return out;
}

/** `...ids.map(productKey)` stands for keys of the element's template; the resolver reads `.map`. */
function spreadValue(e: ts.Expression): ts.Expression {
  return ts.isSpreadElement(e) ? e.expression : e;
}

function objectKeys(object: ts.ObjectLiteralExpression): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const prop of object.properties) {
    if (!prop.name) continue;
    if (ts.isComputedPropertyName(prop.name)) out.push(prop.name.expression);
    // A fresh literal (an identifier name is not a variable reference); it keeps its origin so a
    // rule can still point at the property name (rules/utils/redis-calls.ts rangeOf).
    else if (ts.isIdentifier(prop.name) || ts.isStringLiteralLike(prop.name)) out.push(ts.setOriginalNode(ts.factory.createStringLiteral(prop.name.text), prop.name));
  }
  return out;
}

/** SCAN's MATCH pattern: `'MATCH', p` positional, or `{ match }` / `{ MATCH }` options. */
function matchPattern(args: readonly ts.Expression[]): ts.Expression[] {
  for (let i = 0; i < args.length; i++) {
    const e = skipOuterExpressions(args[i]);
    if (ts.isStringLiteralLike(e) && e.text.toUpperCase() === 'MATCH' && args[i + 1]) return [args[i + 1]];
    if (ts.isObjectLiteralExpression(e)) {
      for (const prop of e.properties) {
        if (ts.isPropertyAssignment(prop) && prop.name && propertyNameText(prop.name)?.toLowerCase() === 'match') return [prop.initializer];
      }
    }
  }
  return [];
}

/**
 * A listener rather than a channel: a function written inline, or a name that refers to one
 * (node-redis `subscribe('ch', onMessage)`, `subscribe('ch', this.onMessage)`).
 */
function isFunctionLike(e: ts.Expression): boolean {
  const x = skipOuterExpressions(e);
  if (ts.isArrowFunction(x) || ts.isFunctionExpression(x)) return true;
  if (ts.isPropertyAccessExpression(x) && skipOuterExpressions(x.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = enclosingClass(x);
    const member = cls && findClassMember(cls, x.name.text);
    return member !== undefined && (ts.isMethodDeclaration(member) || (ts.isPropertyDeclaration(member) && member.initializer !== undefined && isFunctionLike(member.initializer)));
  }
  if (!ts.isIdentifier(x)) return false;
  const binding = lookupName(x.text, x);
  if (binding?.kind !== 'local') return false;
  const decl = binding.node;
  if (ts.isFunctionDeclaration(decl)) return true;
  return ts.isVariableDeclaration(decl) && decl.initializer !== undefined && isFunctionNode(skipOuterExpressions(decl.initializer));
}

/** ioredis applies keyPrefix to keys but not to KEYS / SCAN patterns or channels. */
function appliesPrefix(info: CommandInfo): boolean {
  return info.access !== 'scan' && !info.channels;
}

/** The pipeline a command is queued on: a `.pipeline()` / `.multi()` call in its chain, or a variable holding one. */
function pipelineOf(call: ts.CallExpression): ts.Node | undefined {
  let receiver: ts.Expression = skipOuterExpressions(call.expression);
  while (ts.isPropertyAccessExpression(receiver)) {
    const inner = skipOuterExpressions(receiver.expression);
    if (ts.isCallExpression(inner)) {
      const innerCallee = skipOuterExpressions(inner.expression);
      if (ts.isPropertyAccessExpression(innerCallee) && PIPELINE_METHODS.has(innerCallee.name.text)) return inner;
      receiver = innerCallee;
      continue;
    }
    if (ts.isIdentifier(inner)) {
      const binding = lookupName(inner.text, inner);
      if (binding?.kind === 'local' && ts.isVariableDeclaration(binding.node) && binding.node.initializer) {
        const init = skipOuterExpressions(binding.node.initializer);
        if (ts.isCallExpression(init)) {
          const initCallee = skipOuterExpressions(init.expression);
          if (ts.isPropertyAccessExpression(initCallee) && PIPELINE_METHODS.has(initCallee.name.text)) return binding.node;
        }
      }
    }
    return undefined;
  }
  return undefined;
}

function sourceText(expr: ts.Expression): string {
  const sf = expr.getSourceFile?.();
  const text = sf && expr.pos >= 0 ? expr.getText(sf) : ts.isStringLiteral(expr) ? JSON.stringify(expr.text) : '';
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

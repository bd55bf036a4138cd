/**
 * Write-path facts for the analyzer: each function's database writes, calls and local-cache
 * operations as plain data (positions and ids, no nodes), so shards, the cache and `merge`
 * carry them like call sites. Ids are `file:line:column` of the function's start: the same
 * ids call sites carry in `fnId`, which is how a function's Redis commands are joined to it.
 */
import ts from '#typescript';
import { detached, detachedOrNull } from '../keys/detached.js';
import type { FunctionNode } from '../resolve/declarations.js';
import type { ResolveContext } from '../resolve/resolve-key.js';
import { forEachNode } from '../resolve/walk.js';
import { calleeName, functionCallName, resolveCallee } from '../writes/callee.js';
import { collectFileFacts, localCacheKind, type CacheOp, type FunctionFactsDraft, type LocalCacheKind } from '../writes/function-facts.js';
import type { DbOperation, OrmKind, SqlControl } from '../writes/types.js';
import { isCandidateMethod, type NodeListener } from './discover.js';
import type { Located } from './site.js';

export interface WriteFact {
  entity: string | null;
  orm: OrmKind;
  operation: DbOperation;
  where: Located;
  awaited: boolean;
  statement?: string;
}

export interface CallFact {
  callee: string;
  where: Located;
  awaited: boolean;
}

export interface FunctionFacts {
  id: string;
  name: string | null;
  where: Located;
  writes: WriteFact[];
  controls: { control: SqlControl; where: Located }[];
  /** Calls to project functions, and callbacks run during a call (same shape: an edge). */
  calls: CallFact[];
  cacheOps: { cache: string; op: CacheOp; where: Located }[];
  transaction: boolean;
  messageHandler: boolean;
  /** Calls an invalidation-like method on something not known to be Redis (see function-facts.ts). */
  opaqueInvalidation?: boolean;
}

export interface LocalCacheFact {
  id: string;
  name: string;
  kind: LocalCacheKind;
  where: Located;
}

export interface WriteFacts {
  functions: FunctionFacts[];
  localCaches: LocalCacheFact[];
}

export const NO_WRITE_FACTS: WriteFacts = { functions: [], localCaches: [] };

/**
 * Collects the facts of `own` files. Calls are resolved to functions only when the name they call
 * could lead to an effect: a name filter over every file the scan has seen, which holds every
 * file a call can resolve into (a shard's imports from other shards; in a streamed run, the
 * files imported before the importer). Resolving every call would cost more than the rest.
 */
export function collectWriteFacts(
  files: readonly ts.SourceFile[],
  own: ReadonlySet<ts.SourceFile>,
  ctx: ResolveContext,
  locate: (node: ts.Node) => Located,
  options: {
    effectNames?: ReadonlySet<string>;
    /** A scan discovery already fed while walking the files (else this walks them itself). */
    scan?: WriteScan;
    /** Calls already recognized as Redis commands (see FunctionFactsDraft.opaqueInvalidation). */
    isRedisCall?: (call: ts.CallExpression) => boolean;
    /**
     * The functions call sites sit in (SiteDraft.fn), when the caller knows them all: then a
     * call or callback into a function of the same file that does nothing for the write model
     * is left out (see relevantFunctions).
     */
    siteFunctions?: ReadonlySet<ts.Node>;
  } = {},
): WriteFacts {
  let scan = options.scan;
  if (!scan) {
    const fresh = new WriteScan(own, options.effectNames);
    for (const file of files) forEachNode(file, (node) => fresh.visit(node, file));
    scan = fresh;
  }
  const { cacheNames, nodesOf } = scan;
  const keepCall = (name: string) => scan.keepCall(name);
  // One id string per function: the model keys its call graph by them, and a string made once
  // is hashed once.
  const ids = new WeakMap<ts.Node, string>();
  const id = (node: ts.Node) => {
    let known = ids.get(node);
    if (known === undefined) {
      const at = locate(node);
      ids.set(node, (known = `${at.file}:${at.line}:${at.column}`));
    }
    return known;
  };
  const functions: FunctionFacts[] = [];
  for (const file of files) {
    if (!own.has(file)) continue;
    const drafts = collectFileFacts(file, ctx, { keepCall, cacheNames, isRedisCall: options.isRedisCall, nodes: nodesOf.get(file) });
    const callees = new Map<FunctionFactsDraft, (FunctionNode | undefined)[]>();
    for (const draft of drafts.values()) {
      callees.set(
        draft,
        draft.calls.map((call) => {
          const callee = resolveCallee(call.node, ctx);
          return callee !== draft.fn ? callee : undefined;
        }),
      );
    }
    const relevant = options.siteFunctions && relevantFunctions(file, drafts, callees, options.siteFunctions);
    for (const draft of drafts.values()) {
      const calls: CallFact[] = [];
      draft.calls.forEach((call, i) => {
        const callee = callees.get(draft)![i];
        if (callee && (!relevant || relevant.has(callee) || callee.getSourceFile() !== file)) calls.push({ callee: id(callee), where: locate(call.node), awaited: call.awaited });
      });
      // A callback is written in the call, so in this file.
      for (const cb of draft.callbacks) if (!relevant || relevant.has(cb.callback)) calls.push({ callee: id(cb.callback), where: locate(cb.node), awaited: cb.awaited });
      const facts: FunctionFacts = {
        id: id(draft.fn),
        // Kept to the end of the run, long after the tree: no string may hold its file's text (detached.ts).
        name: detachedOrNull(displayName(draft.fn)),
        where: locate(draft.fn),
        writes: draft.writes.map(({ write, awaited }) => ({
          entity: detachedOrNull(write.entity),
          orm: write.orm,
          operation: write.operation,
          where: locate(write.node),
          awaited,
          ...(write.statement !== undefined && { statement: detached(write.statement) }),
        })),
        controls: draft.controls.map((c) => ({ control: c.control, where: locate(c.node) })),
        calls,
        cacheOps: draft.cacheOps.map((op) => ({ cache: id(op.cache), op: op.op, where: locate(op.node) })),
        transaction: draft.transaction,
        messageHandler: draft.messageHandler,
        ...(draft.opaqueInvalidation && { opaqueInvalidation: true }),
      };
      if (facts.writes.length + facts.controls.length + facts.calls.length + facts.cacheOps.length > 0 || facts.transaction || facts.messageHandler || facts.opaqueInvalidation) functions.push(facts);
    }
  }
  const localCaches: LocalCacheFact[] = [];
  for (const file of files) {
    if (!own.has(file)) continue;
    for (const d of scan.cacheDeclsOf.get(file) ?? []) localCaches.push({ id: id(d.decl), name: detached(d.name), kind: d.kind, where: locate(d.decl) });
  }
  return { functions, localCaches };
}

/**
 * The functions of one file that can change what the write model says: those with facts of
 * their own (writes, transaction control, cache operations, a flag), those with a call site in
 * them (a Redis command, or a wrapper call that stands for one), those calling into another file
 * (whose functions are not known here), and, by closure, those calling or running any of these.
 * Every other function's summary is empty (WriteModel.summary), so an edge into it changes no
 * finding: most are array callbacks (`rows.map((r) => r.id)`), ~18,000 such edges on the bench's
 * 5,000 files, each a position, an id and a node of the call graph for nothing.
 */
function relevantFunctions(
  file: ts.SourceFile,
  drafts: ReadonlyMap<FunctionNode, FunctionFactsDraft>,
  callees: ReadonlyMap<FunctionFactsDraft, readonly (FunctionNode | undefined)[]>,
  siteFunctions: ReadonlySet<ts.Node>,
): Set<ts.Node> {
  const relevant = new Set<ts.Node>();
  const work: ts.Node[] = [];
  const mark = (fn: ts.Node) => {
    if (relevant.has(fn)) return;
    relevant.add(fn);
    work.push(fn);
  };
  // Who calls or runs each same-file function, to pass relevance back to them. Only functions
  // something calls can be left out of an edge, so only they are looked up among siteFunctions.
  const callersOf = new Map<ts.Node, FunctionNode[]>();
  const edge = (from: FunctionNode, to: ts.Node) => {
    const list = callersOf.get(to);
    if (list) list.push(from);
    else {
      callersOf.set(to, [from]);
      if (siteFunctions.has(to)) mark(to);
    }
  };
  for (const draft of drafts.values()) {
    const own = draft.writes.length + draft.controls.length + draft.cacheOps.length > 0 || draft.transaction || draft.messageHandler || draft.opaqueInvalidation;
    if (own) mark(draft.fn);
    for (const callee of callees.get(draft)!) {
      if (!callee) continue;
      if (callee.getSourceFile() !== file) mark(draft.fn);
      else edge(draft.fn, callee);
    }
    for (const cb of draft.callbacks) edge(draft.fn, cb.callback);
  }
  while (work.length > 0) for (const caller of callersOf.get(work.pop()!) ?? []) mark(caller);
  return relevant;
}

// What WriteScan.visit looks at: calls, tagged templates, cache declarations, and every function
// that can hold code (named ones declare a name; all of them own the calls inside).
const SCANNED_KINDS = new Uint8Array(ts.SyntaxKind.Count);
for (const kind of [
  ts.SyntaxKind.CallExpression,
  ts.SyntaxKind.TaggedTemplateExpression,
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]) {
  SCANNED_KINDS[kind] = 1;
}

/**
 * What the write facts need from a walk over every file: the local caches declared, each own
 * file's calls and tagged templates in source order, and the names a write path can reach an
 * effect through (functions that issue one and, by closure, their callers' names). Discovery
 * feeds it from its own walk, so the analyzer walks each tree once.
 */
export class WriteScan implements NodeListener {
  readonly kinds = SCANNED_KINDS;
  /** Local caches declared, per file (in source order). */
  readonly cacheDeclsOf = new Map<ts.SourceFile, { decl: ts.Node; name: string; kind: LocalCacheKind }[]>();
  /** The names those caches are used by. */
  readonly cacheNames = new Set<string>();
  readonly nodesOf = new Map<ts.SourceFile, (ts.CallExpression | ts.TaggedTemplateExpression)[]>();
  /**
   * Every name met as a callee or a function's name, with what the closure needs of it: one map
   * read per call, and owners held as records (no lookup to mark one effectful).
   */
  private readonly names = new Map<string, CallName>();
  /** Names made effectful whose callers are not yet (the closure is completed on the next question). */
  private readonly unpropagated: CallName[] = [];
  /** Module-level code: the owner of calls outside any function (never a function's name). */
  private readonly moduleCode: CallName = { effect: undefined, effectful: false, declared: false, callers: [] };
  /**
   * The functions around the node being visited, innermost last: where each ends and the name its
   * calls are owned by (an anonymous function's calls are owned by the function around it). Nodes
   * come in pre-order, file by file, so a function is left once a node starts at or after its
   * end; no walk up the parents for each call.
   */
  private readonly ownerEnds: number[] = [];
  private readonly ownersAround: CallName[] = [];
  private walkedFile: ts.SourceFile | undefined;
  private walkedPos = 0;
  /** Where the walked file's calls are listed (an own file), else undefined. */
  private walkedNodes: (ts.CallExpression | ts.TaggedTemplateExpression)[] | undefined;

  /** `extra`: names that count as effects (the rule option `invalidators`). */
  constructor(
    private readonly own: ReadonlySet<ts.SourceFile> | ((file: ts.SourceFile) => boolean),
    private readonly extra?: ReadonlySet<string>,
  ) {}

  /** The nodes of every file of the kinds in `kinds` (`file`, the one it is in), in source order (pre-order). */
  visit(node: ts.Node, file: ts.SourceFile): void {
    // Positions only grow in pre-order: a smaller one is a new walk of the same file.
    if (file !== this.walkedFile || node.pos < this.walkedPos) this.enterFile(file);
    this.walkedPos = node.pos;
    // Leave the functions this node is not inside of (a node in one starts before its end: every
    // kind heard here is at least a character wide).
    const ends = this.ownerEnds;
    while (ends.length > 0 && node.pos >= ends[ends.length - 1]) {
      ends.pop();
      this.ownersAround.pop();
    }
    switch (node.kind) {
      case ts.SyntaxKind.CallExpression:
      case ts.SyntaxKind.TaggedTemplateExpression:
        this.visitCall(node as ts.CallExpression | ts.TaggedTemplateExpression);
        return;
      case ts.SyntaxKind.VariableDeclaration:
      case ts.SyntaxKind.PropertyDeclaration: {
        const decl = node as ts.VariableDeclaration | ts.PropertyDeclaration;
        if (!ts.isIdentifier(decl.name)) return;
        const kind = localCacheKind(decl);
        if (kind) {
          const decls = this.cacheDeclsOf.get(file);
          const entry = { decl, name: decl.name.text, kind };
          if (decls) decls.push(entry);
          else this.cacheDeclsOf.set(file, [entry]);
          this.cacheNames.add(entry.name);
        }
        return;
      }
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
      case ts.SyntaxKind.Constructor:
      case ts.SyntaxKind.GetAccessor:
      case ts.SyntaxKind.SetAccessor: {
        // A function: calls inside it are owned by the name callers use for it, and an anonymous
        // one's (a callback's) by the function around it.
        const name = functionCallName(node);
        let owner: CallName;
        if (name !== undefined) {
          owner = this.nameRecord(name);
          owner.declared = true;
        } else owner = this.currentOwner();
        ends.push(node.end);
        this.ownersAround.push(owner);
      }
    }
  }

  /** Drops what is kept of these files' nodes (their facts are collected; names stay known). */
  forget(files: Iterable<ts.SourceFile>): void {
    for (const file of files) {
      this.nodesOf.delete(file);
      this.cacheDeclsOf.delete(file);
      if (file === this.walkedFile) this.enterFile(undefined);
    }
  }

  private enterFile(file: ts.SourceFile | undefined): void {
    this.walkedFile = file;
    this.ownerEnds.length = 0;
    this.ownersAround.length = 0;
    this.walkedNodes = undefined;
    if (file !== undefined && (typeof this.own === 'function' ? this.own(file) : this.own.has(file))) {
      this.walkedNodes = this.nodesOf.get(file);
      if (!this.walkedNodes) this.nodesOf.set(file, (this.walkedNodes = []));
    }
  }

  private currentOwner(): CallName {
    const owners = this.ownersAround;
    return owners.length > 0 ? owners[owners.length - 1] : this.moduleCode;
  }

  /** The record of a name, made on first sight. Names are cut from the text: the key is detached, as the scan keeps it to the end of the run. */
  private nameRecord(name: string): CallName {
    let record = this.names.get(name);
    if (record === undefined) {
      record = { effect: undefined, effectful: false, declared: false, callers: [] };
      this.names.set(detached(name), record);
    }
    return record;
  }

  private visitCall(node: ts.CallExpression | ts.TaggedTemplateExpression): void {
    this.walkedNodes?.push(node);
    const owner = this.currentOwner();
    if (node.kind === ts.SyntaxKind.TaggedTemplateExpression) {
      this.makeEffectful(owner);
      return;
    }
    const name = calleeName(node as ts.CallExpression);
    if (name === undefined) return;
    const callee = this.nameRecord(name);
    // Asked of callee names only: most function names are never one, and a name the command
    // table has not seen costs a lookup there.
    callee.effect ??= EFFECT_METHODS.has(name) || isCandidateMethod(name) || this.extra?.has(name) === true;
    if (callee.effect) this.makeEffectful(owner);
    // A function's repeated calls of one name in a row are kept once.
    const callers = callee.callers;
    if (callers.length > 0 && callers[callers.length - 1] === owner) return;
    callers.push(owner);
    // A caller seen after its callee's name was found effectful is effectful too.
    if (callee.effectful) this.makeEffectful(owner);
  }

  private makeEffectful(record: CallName): void {
    if (record.effectful) return;
    record.effectful = true;
    this.unpropagated.push(record);
  }

  /** Whether a call by this name may lead, through project functions, to an effect. */
  keepCall(name: string): boolean {
    if (this.unpropagated.length > 0) this.propagate();
    const record = this.names.get(name);
    return record !== undefined && record.effectful && record.declared;
  }

  /** A caller of an effectful name is effectful by name too. */
  private propagate(): void {
    const work = this.unpropagated;
    while (work.length > 0) {
      for (const caller of work.pop()!.callers) this.makeEffectful(caller);
    }
  }
}

/** What the write scan knows of a name (see WriteScan.names). */
interface CallName {
  /** A call by this name may itself write a database or clear a cache (EFFECT_METHODS, a Redis command, an `invalidators` name); undefined until asked. */
  effect: boolean | undefined;
  /** A function by this name may reach an effect (its own, or through the names it calls). */
  effectful: boolean;
  /** The project declares a function by this name: only then can a call by it lead into project code. */
  declared: boolean;
  /**
   * The owners of the calls by this name. A list, not a set: adding to large sets cost more than
   * the closure's rare repeats (it skips owners already effectful).
   */
  callers: CallName[];
}

/** Method names that may write a database or clear a local cache (a superset; only a filter). */
const EFFECT_METHODS = new Set([
  'query', 'execute', 'exec', 'run', 'none', 'any', 'one', 'oneOrNone', 'many', 'manyOrNone', 'result', 'raw', 'unsafe',
  '$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe', '$transaction', 'transaction',
  'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany',
  'save', 'insert', 'remove', 'softDelete', 'softRemove', 'restore', 'increment', 'decrement', 'clear', 'del', 'destroy',
  'bulkCreate', 'truncate', 'updateOne', 'findByIdAndUpdate', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne',
  'findByIdAndDelete', 'findOneAndDelete', 'findByIdAndRemove', 'findOneAndRemove', 'insertMany', 'bulkWrite', 'set', 'values',
  'take', 'flushAll', 'reset',
]); // prettier-ignore

function displayName(fn: FunctionNode): string | null {
  const name = functionCallName(fn);
  if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent) && fn.parent.name) return `${fn.parent.name.text}.${name}`;
  if (name) return name;
  return null;
}

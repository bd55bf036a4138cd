/**
 * The write-path adapter of `require-invalidation` and `invalidate-after-write`: the analyzer's
 * own WriteModel over one file, so a rule and `keydrift analyze` decide the same way.
 *
 *   Redis call sites   discoverCallSites on the file alone (the redis-calls.ts tree and client
 *                      context; same-file wrapper layers are followed like the analyzer does)
 *   database writes    collectWriteFacts([file], {file}), told which calls are Redis as the
 *                      analyzer tells it
 *   model              new WriteModel(sites, facts, registry, 'all'): a rule sees one file, so
 *                      any key it uses may be a cached family, not only the keys it reads
 *   findings           the analyzer's checks, positions mapped back to the file's text
 *
 * Everything is cached per file (per SourceCode, like redis-calls.ts) and per option set, and
 * nothing here throws: on any failure a rule reports nothing.
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import ts from '#typescript';
import { locator, nodeIds, toCheckSite } from '../../src/analyze/analyze.js';
import { toRelative } from '../../src/analyze/paths.js';
import { templateInterner } from '../../src/keys/detached.js';
import { discoverCallSites } from '../../src/analyze/discover.js';
import type { CheckSite, Located } from '../../src/analyze/site.js';
import { eventsOf, type AddFinding } from '../../src/analyze/write-checks.js';
import { collectWriteFacts, WriteScan, type WriteFacts } from '../../src/analyze/write-facts.js';
import { WriteModel } from '../../src/analyze/write-model.js';
import { parseTemplate, templateShape, type Template } from '../../src/keys/template.js';
import { lookupCommand } from '../../src/redis/commands.js';
import type { Registry, RegistryFamily } from '../../src/registry/types.js';
import { isFunctionNode, type FunctionNode } from '../../src/resolve/declarations.js';
import { forEachNode } from '../../src/resolve/walk.js';
import type { ResolveContext } from '../../src/resolve/resolve-key.js';
import type { FindingRule } from '../../src/types.js';
import { calleeName } from '../../src/writes/callee.js';
import { describeDbWrite, isWriteName } from '../../src/writes/db-writes.js';
import { enclosingFunctionNode } from '../../src/writes/function-facts.js';
import { redisCommandsAt, typeScriptFile } from './redis-calls.js';

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

export interface WriteRuleOptions {
  /** Entity → key templates of its cached families: pinned like the registry's `invalidatedBy`. */
  entities?: Record<string, string[]>;
  /** Functions whose call invalidates every family (a company-wide `invalidateCache`). */
  invalidators?: string[];
}

/** A finding of one of the analyzer's write checks, at an offset into the file's text. */
export interface WritePathFinding {
  index: number;
  where: Located;
  message: string;
  template: string | undefined;
}

export interface FileWritePaths {
  model: WriteModel;
  /** Functions run inline by the function passing them (see write-checks.ts WritePathOptions). */
  callbacks: ReadonlySet<string>;
  /** Offset into the text of a position in this file (undefined for another file's). */
  indexOf(where: Located): number | undefined;
}

interface FileState {
  sourceFile: ts.SourceFile;
  /** The file as Located names it. */
  fileName: string;
  ctx: ResolveContext;
  locate: (node: ts.Node) => Located;
  sites: CheckSite[];
  /** The functions those sites sit in. */
  siteFunctions: ReadonlySet<ts.Node>;
  /** Calls discovery recognized as Redis commands (an unrecognized `x.del(k)` may invalidate, see collectWriteFacts). */
  redisCalls: ReadonlySet<ts.Node>;
  /** The write scan discovery's walk fed (valid for facts without `invalidators`). */
  scan: WriteScan;
  /** Every function in the file, in source order (from the same walk). */
  functions: FunctionNode[];
  /** Write facts by the `invalidators` they were collected with (they widen the call filter). */
  facts: Map<string, WriteFacts>;
  /** Models by option set, with the registry each was built with. */
  models: Map<string, { registry: Registry | undefined; paths: FileWritePaths | null }>;
}

// Shared by both rules linting the same file in the same run: SourceCode is per file.
const files = new WeakMap<object, FileState | null>();
// Files in which the rules' own traversal met a database write (see noteWriteCandidate).
const filesWithWrites = new WeakSet<object>();

/**
 * Called by both rules for every call and tagged template ESLint visits: the first database
 * write marks the file. Most files write none, and for them the adapter does nothing more, with
 * no walk of its own. Never throws.
 */
function noteWriteCandidate(context: AnyContext, node: TSESTree.CallExpression | TSESTree.TaggedTemplateExpression): void {
  try {
    const sourceCode = context.sourceCode;
    if (filesWithWrites.has(sourceCode)) return;
    if (node.type === 'CallExpression' && !mayBeWriteCall(node)) return;
    // A Redis command is no database write (the other rules describe it anyway: a cache hit).
    if (node.type === 'CallExpression' && redisCommandsAt(context, node).length > 0) return;
    const file = typeScriptFile(context);
    const tsNode = file?.toTs(node);
    if (file && tsNode && (ts.isCallExpression(tsNode) || ts.isTaggedTemplateExpression(tsNode)) && describeDbWrite(tsNode, file.ctx)) filesWithWrites.add(sourceCode);
  } catch {
    // an odd node is no write
  }
}

/**
 * Whether a method along the call's chain is named like a database write: the syntactic filter
 * describeDbWrite starts with, read off the ESLint node before the TypeScript one is looked up.
 * It goes through more kinds of node than that filter does, so it never turns a write away; on
 * code without database writes most calls stop here.
 */
function mayBeWriteCall(call: TSESTree.CallExpression): boolean {
  let e: TSESTree.Node = call.callee;
  for (let depth = 0; depth < 64; depth++) {
    switch (e.type) {
      case 'MemberExpression':
        if (!e.computed && e.property.type === 'Identifier' && isWriteName(e.property.name)) return true;
        e = e.object;
        break;
      case 'CallExpression':
        e = e.callee;
        break;
      case 'ChainExpression':
      case 'TSNonNullExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
        e = e.expression;
        break;
      case 'AwaitExpression':
        e = e.argument;
        break;
      default:
        return false;
    }
  }
  return true;
}

// The rule that feeds noteWriteCandidate for a file: the first write-path rule created for it.
const noters = new WeakSet<object>();

/**
 * The visitors a write-path rule adds to its own, feeding noteWriteCandidate. Only the first
 * such rule created for a file gets them: one look at each call is enough for both rules.
 */
export function writeCandidateVisitors(context: AnyContext): { CallExpression?(node: TSESTree.CallExpression): void; TaggedTemplateExpression?(node: TSESTree.TaggedTemplateExpression): void } {
  if (noters.has(context.sourceCode)) return {};
  noters.add(context.sourceCode);
  return {
    CallExpression: (node) => noteWriteCandidate(context, node),
    TaggedTemplateExpression: (node) => noteWriteCandidate(context, node),
  };
}

/**
 * The file's write-path model for these options; undefined when there is nothing to check. With
 * `needs.invalidation` (a check that only reports invalidations), a file with no Redis command
 * that could invalidate is skipped before its writes are collected. Never throws.
 */
export function writePathsFor(context: AnyContext, registry: Registry | undefined, options: WriteRuleOptions = {}, needs: { invalidation?: boolean } = {}): FileWritePaths | undefined {
  try {
    const state = fileState(context);
    if (!state) return undefined;
    if (needs.invalidation && !state.sites.some(mayInvalidate)) return undefined;
    const key = JSON.stringify([options.entities ?? {}, [...(options.invalidators ?? [])].sort()]);
    const cached = state.models.get(key);
    if (cached && cached.registry === registry) return cached.paths ?? undefined;
    let paths: FileWritePaths | null = null;
    try {
      paths = buildModel(state, registry, options) ?? null;
    } finally {
      state.models.set(key, { registry, paths });
    }
    return paths ?? undefined;
  } catch {
    return undefined;
  }
}

/** A command the model can count as an invalidation (see WriteModel.familiesOfSite). */
function mayInvalidate(site: CheckSite): boolean {
  const { access, createsValue, name } = site.info;
  return access === 'delete' || access === 'expire' || (access === 'write' && createsValue) || name === 'publish' || name === 'spublish';
}

/** Runs one of the analyzer's write checks and returns its findings in this file. Never throws. */
export function runCheck(paths: FileWritePaths, rule: FindingRule, check: (model: WriteModel, add: AddFinding) => void): WritePathFinding[] {
  const out: WritePathFinding[] = [];
  try {
    check(paths.model, (found, _severity, where, message, template) => {
      if (found !== rule) return;
      const index = paths.indexOf(where);
      if (index !== undefined) out.push({ index, where, message, template });
    });
  } catch {
    return [];
  }
  return out;
}

/**
 * Where an invalidation reported by invalidate-after-write belongs instead, as the check sees it:
 * after the write it comes before (`write`), or after the transaction call running the callback
 * it sits in, or after the COMMIT that follows it (`commit`). Undefined when unknown.
 */
export type Placement = { kind: 'write'; after: number } | { kind: 'transaction'; after: number | undefined } | { kind: 'commit'; after: number | undefined };

export function placementOf(paths: FileWritePaths, finding: WritePathFinding): Placement | undefined {
  try {
    const { model } = paths;
    const family = model.families.findIndex((f) => f.text === finding.template);
    if (family < 0) return undefined;
    const same = (a: Located, b: Located) => a.file === b.file && a.line === b.line && a.column === b.column;
    const writesFamily = (names: Iterable<[string, string]>) => [...names].some(([, name]) => model.familiesOf(name).families.includes(family));
    for (const fnId of model.functions.keys()) {
      const events = eventsOf(model, fnId);
      const at = events.findIndex((e) => same(e.where, finding.where) && e.invalidates.has(family));
      if (at < 0) continue;
      // The check's first case: the first later write of the family, not invalidated again after it.
      const later = events.findIndex((e, i) => i > at && writesFamily(e.writes));
      if (later >= 0 && !events.slice(later).some((e) => e.invalidates.has(family))) {
        const after = paths.indexOf(events[later].where);
        return after === undefined ? undefined : { kind: 'write', after };
      }
      const fn = model.functions.get(fnId);
      if (fn?.facts?.transaction) {
        const callers = fn.callers.filter((c) => c.caller !== fnId);
        return { kind: 'transaction', after: callers.length === 1 ? paths.indexOf(callers[0].where) : undefined };
      }
      const commit = (fn?.facts?.controls ?? []).filter((c) => c.control === 'commit' && compare(c.where, finding.where) > 0).sort((a, b) => compare(a.where, b.where))[0];
      return { kind: 'commit', after: commit && paths.indexOf(commit.where) };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

function compare(a: Located, b: Located): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * The call (or tagged template) a finding position names, as an ESTree node: the outermost one
 * starting there, short of a `.then` / `.catch` / `.finally` called on it (the analyzer reports
 * query chains at their last query call).
 */
export function callAt(sourceCode: Readonly<TSESLint.SourceCode>, index: number): TSESTree.Node | undefined {
  let node = sourceCode.getNodeByRangeIndex(index) as TSESTree.Node | null;
  let found: TSESTree.Node | undefined;
  while (node && node.range[0] === index) {
    if (node.type === 'CallExpression' || node.type === 'TaggedTemplateExpression' || node.type === 'NewExpression') found = node;
    const parent: TSESTree.Node | undefined = node.parent;
    if (parent?.type === 'MemberExpression' && parent.object === node && parent.property.type === 'Identifier' && PROMISE_METHODS.has(parent.property.name)) break;
    node = parent ?? null;
  }
  return found;
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

// --- building ----------------------------------------------------------------------------------

function fileState(context: AnyContext): FileState | undefined {
  const sourceCode = context.sourceCode;
  const cached = files.get(sourceCode);
  if (cached !== undefined) return cached ?? undefined;
  let state: FileState | null = null;
  try {
    const file = typeScriptFile(context);
    // Most files write no database: the rules' traversal found none, and nothing more is done.
    if (file && filesWithWrites.has(sourceCode)) {
      const { sourceFile, ctx } = file;
      // Paths relative to the working directory, as the analyzer prints them (messages name them).
      const relativeNames = new Map<string, string>();
      const relative = (f: string) => {
        let rel = relativeNames.get(f);
        if (rel === undefined) relativeNames.set(f, (rel = toRelative(context.cwd, f)));
        return rel;
      };
      const redisCalls = new Set<ts.Node>();
      const own = new Set([sourceFile]);
      const scan = new WriteScan(own);
      const functions: FunctionNode[] = [];
      // The scan hears every kind of function node too.
      const drafts = discoverCallSites([sourceFile], ctx, own, undefined, redisCalls, {
        kinds: scan.kinds,
        visit(node) {
          scan.visit(node, sourceFile);
          if (isFunctionNode(node)) functions.push(node);
        },
      });
      const ids = nodeIds(relative);
      const intern = templateInterner();
      const sites = drafts.map((draft) => toCheckSite(draft, relative, ids, intern));
      const siteFunctions = new Set(drafts.flatMap((draft) => draft.fn ?? []));
      state = { sourceFile, fileName: relative(sourceFile.fileName), ctx, locate: locator(relative), sites, siteFunctions, redisCalls, scan, functions, facts: new Map(), models: new Map() };
    }
  } finally {
    files.set(sourceCode, state);
  }
  return state ?? undefined;
}

function buildModel(state: FileState, registry: Registry | undefined, options: WriteRuleOptions): FileWritePaths | undefined {
  const pinned = pinEntities(registry, options.entities ?? {});
  // No key used and none pinned: no write can leave a family stale.
  if (state.sites.length === 0 && !pinned?.families.length) return undefined;
  const invalidators = new Set(options.invalidators ?? []);
  const factsKey = [...invalidators].sort().join('\n');
  let facts = state.facts.get(factsKey);
  if (!facts) {
    const { redisCalls } = state;
    facts = collectWriteFacts([state.sourceFile], new Set([state.sourceFile]), state.ctx, state.locate, {
      effectNames: invalidators,
      scan: invalidators.size === 0 ? state.scan : undefined,
      isRedisCall: (call) => redisCalls.has(call),
      // A call of an `invalidators` function becomes a site only later (invalidatorSites): the
      // function it sits in must keep its edges, so nothing is left out then.
      siteFunctions: invalidators.size === 0 ? state.siteFunctions : undefined,
    });
    state.facts.set(factsKey, facts);
  }
  if (facts.functions.every((f) => f.writes.length === 0)) return undefined;
  const sites = invalidators.size > 0 ? [...state.sites, ...invalidatorSites(state, pinned, invalidators)] : state.sites;
  const model = new WriteModel(sites, facts, pinned, 'all');
  const { sourceFile } = state;
  return {
    model,
    callbacks: inlineCallbacks(state, facts),
    indexOf: (where) => {
      if (where.file !== state.fileName || where.line < 1 || where.line > sourceFile.getLineStarts().length) return undefined;
      return sourceFile.getPositionOfLineAndCharacter(where.line - 1, where.column - 1);
    },
  };
}

/**
 * The registry with the `entities` option folded in: each template becomes (or joins) a family
 * whose `invalidatedBy` names the entity, exactly as if the registry said so.
 */
export function pinEntities(registry: Registry | undefined, entities: Record<string, string[]>): Registry | undefined {
  const entries = Object.entries(entities).filter(([, templates]) => Array.isArray(templates) && templates.length > 0);
  if (entries.length === 0) return registry;
  const families: RegistryFamily[] = (registry?.families ?? []).map((f) => ({ ...f, invalidatedBy: [...f.invalidatedBy] }));
  for (const [entity, templates] of entries) {
    for (const text of templates) {
      let template: Template;
      try {
        template = parseTemplate(text);
      } catch {
        continue; // the schema cannot check template syntax; a broken one pins nothing
      }
      const shape = templateShape(template);
      let family = families.find((f) => templateShape(f.template) === shape);
      if (!family) {
        family = { name: text, templateText: text, template, invalidatedBy: [], position: { line: 1, column: 1 } };
        families.push(family);
      }
      if (!family.invalidatedBy.includes(entity)) family.invalidatedBy.push(entity);
    }
  }
  return { file: registry?.file ?? '', families, deprecated: registry?.deprecated ?? [], builders: registry?.builders ?? [], channels: registry?.channels ?? [] };
}

/**
 * A call to one of the `invalidators` functions, as a DEL of every family the model will know:
 * the registry's and every key the file uses. The model then treats it like any invalidation,
 * through same-file callers too.
 */
function invalidatorSites(state: FileState, registry: Registry | undefined, names: ReadonlySet<string>): CheckSite[] {
  const del = lookupCommand('del');
  if (!del) return [];
  const templates: Template[] = [...(registry?.families ?? []).map((f) => f.template), ...state.sites.filter((s) => !s.info.channels).flatMap((s) => s.keys.flatMap((k) => k.templates))];
  if (templates.length === 0) return [];
  const out: CheckSite[] = [];
  forEachNode(state.sourceFile, (node) => {
    if (!ts.isCallExpression(node)) return;
    const name = calleeName(node);
    if (name === undefined || !names.has(name)) return;
    const fn = enclosingFunctionNode(node);
    const at = fn && state.locate(fn);
    out.push({
      where: state.locate(node),
      client: 'unknown',
      info: del,
      keys: [{ source: name, templates }],
      ttl: null,
      functionName: null,
      fnId: at ? `${at.file}:${at.line}:${at.column}` : null,
      pipelineId: null,
    });
  });
  return out;
}

/**
 * The functions the facts reach through a callback edge rather than a call: a function written
 * as an argument (or the callee) of the very call the edge starts at.
 */
function inlineCallbacks(state: FileState, facts: WriteFacts): Set<string> {
  const id = (node: ts.Node) => {
    const at = state.locate(node);
    return `${at.file}:${at.line}:${at.column}`;
  };
  const functions = new Map<string, ts.Node>();
  for (const fn of state.functions) functions.set(id(fn), fn);
  const out = new Set<string>();
  for (const fn of facts.functions) {
    for (const call of fn.calls) {
      let node = functions.get(call.callee);
      if (!node) continue;
      while (node.parent && ts.isParenthesizedExpression(node.parent)) node = node.parent;
      const parent = node.parent;
      const runs = parent && ts.isCallExpression(parent) && (parent.expression === node || parent.arguments.includes(node as ts.Expression));
      if (runs && id(parent) === `${call.where.file}:${call.where.line}:${call.where.column}`) out.add(call.callee);
    }
  }
  return out;
}

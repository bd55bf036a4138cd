/**
 * The one question every rule asks: "is this call a Redis command, and with which keys?"
 * It is answered by the analyzer's own discovery and resolver (src/analyze/discover.ts), on the
 * TypeScript node typescript-eslint already parsed, so a rule and `keydrift analyze` give the
 * same template for the same code. No whole-program work: with type information imports resolve
 * through the parser's program; without, a relative import is followed by parsing that one
 * module from disk (cached; see disk-graph.ts).
 */
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import ts from '#typescript';
import { describeRedisCall, isCandidateMethod, type RedisCommand } from '../../src/analyze/discover.js';
import { lookupCommand, type CommandInfo } from '../../src/redis/commands.js';
import { createClientContext, type ClientContext } from '../../src/redis/clients.js';
import type { ModuleGraph } from '../../src/resolve/declarations.js';
import { clientClassifier } from './client-types.js';
import { forEachNode, parseWithParents } from '../../src/resolve/walk.js';
import { diskGraph } from './disk-graph.js';
import { keydriftSettings } from './settings.js';

interface FileState {
  sourceFile: ts.SourceFile;
  ctx: ClientContext;
  /** ESTree call or tagged template → its TypeScript node. */
  toTs: (node: TSESTree.Node) => ts.Node | undefined;
  commands: WeakMap<TSESTree.CallExpression, readonly RedisCommand[]>;
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

// Shared by every rule linting the same file in the same run: SourceCode is per file.
const files = new WeakMap<object, FileState | null>();

/** The Redis commands an ESLint call node issues; [] for anything else (never throws). */
export function redisCommandsAt(context: AnyContext, node: TSESTree.CallExpression, wanted?: (info: CommandInfo) => boolean): readonly RedisCommand[] {
  if (!isCandidateCall(node, wanted)) return [];
  try {
    const state = fileState(context);
    if (!state) return [];
    let commands = state.commands.get(node);
    if (!commands) {
      const tsCall = state.toTs(node);
      commands = tsCall && ts.isCallExpression(tsCall) ? describeRedisCall(tsCall, state.sourceFile, state.ctx) : [];
      state.commands.set(node, commands);
    }
    return commands;
  } catch {
    // A rule never breaks a lint run over code it does not understand.
    return [];
  }
}

/**
 * The TypeScript tree and client context the file's Redis calls are described with (shared with
 * the write-path adapter, write-paths.ts, so both see the same nodes); undefined when there is
 * none. Never throws.
 */
export function typeScriptFile(context: AnyContext): { sourceFile: ts.SourceFile; ctx: ClientContext; toTs: (node: TSESTree.Node) => ts.Node | undefined } | undefined {
  try {
    return fileState(context);
  } catch {
    return undefined;
  }
}

/** The syntactic filter run before any TypeScript work: `x.<command>(…)`, x not a built-in. */
/**
 * The syntactic filter run before any TypeScript work: `x.<command>(…)`, x not a built-in, and
 * (when a rule says which commands it cares about) a command the rule wants. Raw forms
 * (`call`, `sendCommand`, batches) name their command in an argument, so they always pass.
 */
export function isCandidateCall(node: TSESTree.CallExpression, wanted?: (info: CommandInfo) => boolean): boolean {
  const callee = node.callee.type === 'ChainExpression' ? node.callee.expression : node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return false;
  if (callee.object.type === 'Identifier' && BUILT_INS.has(callee.object.name)) return false;
  if (callee.object.type === 'ArrayExpression' || callee.object.type === 'ObjectExpression' || callee.object.type === 'Literal') return false;
  const method = callee.property.name;
  if (!isCandidateMethod(method)) return false;
  if (!wanted) return true;
  const namespace = callee.object.type === 'MemberExpression' && !callee.object.computed && callee.object.property.type === 'Identifier' ? callee.object.property.name : undefined;
  const info = lookupCommand(method) ?? (namespace ? lookupCommand(`${namespace}.${method}`) : undefined);
  return !info || wanted(info) || (namespace !== undefined && wantedNamespaced(`${namespace}.${method}`, wanted));
}

function wantedNamespaced(name: string, wanted: (info: CommandInfo) => boolean): boolean {
  const info = lookupCommand(name);
  return info !== undefined && wanted(info);
}

// `Object.keys(x)`, `JSON.set`... share names with Redis commands; they are never clients.
const BUILT_INS = new Set(['Object', 'Array', 'JSON', 'Math', 'Reflect', 'Promise', 'Number', 'String', 'Date', 'console', 'process', 'Buffer', 'Symbol', 'Intl', 'Atomics', 'globalThis', 'window', 'document']);

/**
 * The ESTree range of a TypeScript node (both trees index the same text). A synthesized key
 * (an `mset({ a: 1 })` property name, see discover.ts objectKeys) has no position of its own:
 * its original node's range is used.
 */
export function rangeOf(node: ts.Node): [number, number] {
  const real = isSynthesized(node) ? ts.getOriginalNode(node) : node;
  return [real.getStart(), real.getEnd()];
}

/** A node made by the factory rather than parsed: it has no text to replace. */
export function isSynthesized(node: ts.Node): boolean {
  return node.pos < 0;
}

function fileState(context: AnyContext): FileState | undefined {
  const sourceCode = context.sourceCode;
  const cached = files.get(sourceCode);
  if (cached !== undefined) return cached ?? undefined;
  let state: FileState | null = null;
  try {
    state = fromParserServices(context) ?? fromOwnParse(context);
  } finally {
    files.set(sourceCode, state);
  }
  return state ?? undefined;
}

interface MaybeServices {
  program?: ts.Program | null;
  esTreeNodeToTSNodeMap?: { get(node: TSESTree.Node): ts.Node | undefined };
}

/** typescript-eslint's own TypeScript tree (and program, with type information). */
function fromParserServices(context: AnyContext): FileState | undefined {
  const services = context.sourceCode.parserServices as MaybeServices | undefined;
  const map = services?.esTreeNodeToTSNodeMap;
  if (!map) return undefined;
  const root = map.get(context.sourceCode.ast as TSESTree.Node);
  // A parser built on another TypeScript instance has other SyntaxKind numbers: don't mix them.
  if (!root || !ts.isSourceFile(root)) return undefined;
  const program = services.program ?? undefined;
  const graph: ModuleGraph = program ? programGraph(program) : diskGraph;
  return {
    sourceFile: root,
    ctx: clientContext(context, graph, program),
    toTs: (node) => map.get(node),
    commands: new WeakMap(),
  };
}

/** Other parsers (espree for .js): parse the text once with TypeScript and match by range. */
function fromOwnParse(context: AnyContext): FileState {
  const text = context.sourceCode.text;
  const fileName = context.filename;
  const sourceFile = parseWithParents(fileName, text, { languageVersion: ts.ScriptTarget.Latest }, scriptKindOf(fileName));
  let byRange: Map<string, ts.CallExpression | ts.TaggedTemplateExpression> | undefined;
  return {
    sourceFile,
    ctx: clientContext(context, diskGraph, undefined),
    toTs: (node) => {
      if (!byRange) {
        byRange = new Map();
        forEachNode(sourceFile, (n) => {
          if (ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) byRange!.set(`${n.kind}:${n.getStart(sourceFile)}:${n.getEnd()}`, n);
        });
      }
      const kind = node.type === 'CallExpression' ? ts.SyntaxKind.CallExpression : node.type === 'TaggedTemplateExpression' ? ts.SyntaxKind.TaggedTemplateExpression : undefined;
      return kind === undefined ? undefined : byRange.get(`${kind}:${node.range[0]}:${node.range[1]}`);
    },
    commands: new WeakMap(),
  };
}

/** The file's client context, with `settings.keydrift.clientTypes` / `ignoredClientTypes` hooked in. */
function clientContext(context: AnyContext, graph: ModuleGraph, program: ts.Program | undefined): ClientContext {
  const ctx = createClientContext(graph, program?.getTypeChecker());
  const classify = clientClassifier(keydriftSettings(context), ctx, program);
  if (classify) ctx.classify = classify;
  return ctx;
}

function programGraph(program: ts.Program): ModuleGraph {
  const options = program.getCompilerOptions();
  return {
    resolveModule(from, specifier) {
      const resolved = ts.resolveModuleName(specifier, from.fileName, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) return undefined;
      return program.getSourceFile(resolved.resolvedFileName);
    },
  };
}

function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[mc]?tsx?$/.test(fileName)) return ts.ScriptKind.TS;
  return /\.jsx$/.test(fileName) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/**
 * Key builders, for the suggestions that replace an inline key with a builder call: each
 * exported function of a builder module (function, arrow const, static method, method of an
 * exported object) with the template its `return` produces, parameters as holes. Builder
 * modules are parsed once per process and again only when they change on disk.
 */
import nodePath from 'node:path';
import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from '#typescript';
import { templateShape, type Template } from '../../src/keys/template.js';
import {
  followImport,
  isFunctionNode,
  isStatic,
  lookupExport,
  lookupName,
  returnExpressions,
  skipOuterExpressions,
  type ExportTarget,
  type FunctionNode,
  type ModuleGraph,
} from '../../src/resolve/declarations.js';
import { propertyNameText, resolveKey } from '../../src/resolve/resolve-key.js';
import { diskGraph, parseFromDisk } from './disk-graph.js';
import { createFileCache } from './file-cache.js';
import { isWithinPackage, type BuilderConfig, type BuilderFunctionSpecifier } from './settings.js';

export interface Builder {
  /** How a call is written: `productKey`, `CacheKeys.product`. */
  callee: string;
  /** The name to import: `productKey`, `CacheKeys`. */
  importName: string;
  moduleFile: string;
  params: string[];
  template: Template;
}

const buildersOfModule = createFileCache((file, exists): Builder[] => {
  if (!exists) return [];
  try {
    return collectBuilders(file);
  } catch {
    return [];
  }
});

export function buildersIn(moduleFiles: string[]): Builder[] {
  return moduleFiles.flatMap(buildersOfModule);
}

/**
 * The builders of the named builder functions that have a `path` (for the suggestions): a name
 * covers a function (`productKey`), a class or object's members (`CacheKeys`) or one member
 * (`CacheKeys.product`).
 */
export function buildersNamed(functions: readonly BuilderFunctionSpecifier[]): Builder[] {
  return functions.flatMap((spec) => {
    if (spec.from !== 'file' || spec.path === undefined) return [];
    const names = specifierNames(spec);
    return buildersOfModule(spec.path).filter((b) => names.includes(b.callee) || names.includes(b.importName));
  });
}

/** Builders listed twice (a module and one of its functions) count once. */
export function uniqueBuilders(builders: Builder[]): Builder[] {
  const seen = new Set<string>();
  return builders.filter((b) => {
    const id = `${b.moduleFile}\0${b.callee}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The builders a configuration offers, each once (only its modules' with `modulesOnly`). Every
 * linted file asks with the same configuration object (see builderConfig): the answer is kept
 * while the modules' builder lists (cached per file, reloaded when a module changes) are the
 * same arrays.
 */
export function buildersOfConfig(config: BuilderConfig, modulesOnly = false): Builder[] {
  const cache = modulesOnly ? moduleBuilders : configBuilders;
  const sources = config.modules.map(buildersOfModule);
  if (!modulesOnly) for (const spec of config.functions) sources.push(spec.from === 'file' && spec.path !== undefined ? buildersOfModule(spec.path) : NO_BUILDERS);
  const cached = cache.get(config);
  if (cached && cached.sources.length === sources.length && cached.sources.every((s, i) => s === sources[i])) return cached.builders;
  const builders = uniqueBuilders([...buildersIn(config.modules), ...(modulesOnly ? [] : buildersNamed(config.functions))]);
  cache.set(config, { sources, builders });
  return builders;
}

const NO_BUILDERS: Builder[] = [];
const configBuilders = new WeakMap<BuilderConfig, { sources: Builder[][]; builders: Builder[] }>();
const moduleBuilders = new WeakMap<BuilderConfig, { sources: Builder[][]; builders: Builder[] }>();

/** The builder whose template has the same shape as `template`, if exactly one does. */
export function builderFor(builders: Builder[], template: Template): Builder | undefined {
  const shape = templateShape(template);
  let byShape = builderByShape.get(builders);
  if (!byShape) builderByShape.set(builders, (byShape = new Map()));
  if (!byShape.has(shape)) {
    const matches = builders.filter((b) => templateShape(b.template) === shape);
    byShape.set(shape, matches.length === 1 ? matches[0] : undefined);
  }
  return byShape.get(shape);
}

const builderByShape = new WeakMap<Builder[], Map<string, Builder | undefined>>();

/**
 * The builder call for a key whose holes are written as `holeTexts` (in template order), or
 * undefined when the builder's parameters cannot all be filled from them.
 */
export function builderCall(builder: Builder, keyTemplate: Template, holeTexts: string[]): string | undefined {
  const builderHoles = builder.template.segments.filter((s) => s.kind === 'hole');
  const keyHoles = keyTemplate.segments.filter((s) => s.kind === 'hole');
  if (builderHoles.length !== keyHoles.length || keyHoles.length !== holeTexts.length) return undefined;
  const args: (string | undefined)[] = builder.params.map(() => undefined);
  builderHoles.forEach((hole, i) => {
    const p = builder.params.indexOf(hole.kind === 'hole' ? hole.name : '');
    if (p >= 0) args[p] = holeTexts[i];
  });
  if (args.some((a) => a === undefined)) return undefined;
  return `${builder.callee}(${args.join(', ')})`;
}

/**
 * Whether a call of `builder` written at `index` would call the builder: its name is unbound
 * there (importFix imports it) or bound by an import of that very builder. A parameter, a local
 * or an import from elsewhere with the same name would make the call mean something else, or
 * the added import clash with it.
 */
export function builderNameFree(sourceCode: Readonly<TSESLint.SourceCode>, index: number, builder: Builder, lintedFile: string): boolean {
  const node = sourceCode.getNodeByRangeIndex(index);
  const variable = node && ASTUtils.findVariable(sourceCode.getScope(node), builder.importName);
  if (!node || !variable || variable.defs.length === 0) return !!node;
  const stem = (file: string) => file.replace(/\.[mc]?[jt]sx?$/, '');
  return variable.defs.every((def) => {
    if (def.node.type !== 'ImportSpecifier' || def.parent?.type !== 'ImportDeclaration') return false;
    const imported = def.node.imported.type === 'Identifier' ? def.node.imported.name : def.node.imported.value;
    const from = def.parent.source.value;
    return imported === builder.importName && from.startsWith('.') && stem(nodePath.resolve(nodePath.dirname(lintedFile), from)) === stem(builder.moduleFile);
  });
}

/** A fix that imports the builder into the linted file when it is not imported yet. */
export function importFix(
  fixer: TSESLint.RuleFixer,
  program: TSESTree.Program,
  builder: Builder,
  lintedFile: string,
): TSESLint.RuleFix | undefined {
  const imports = program.body.filter((s): s is TSESTree.ImportDeclaration => s.type === 'ImportDeclaration');
  const bound = imports.some((i) => i.specifiers.some((s) => s.local.name === builder.importName));
  if (bound) return undefined;
  let specifier = nodePath.relative(nodePath.dirname(lintedFile), builder.moduleFile).split(nodePath.sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const usesJsExtension = imports.some((i) => typeof i.source.value === 'string' && i.source.value.startsWith('.') && i.source.value.endsWith('.js'));
  specifier = specifier.replace(/\.[mc]?tsx?$/, usesJsExtension ? '.js' : '');
  const text = `import { ${builder.importName} } from '${specifier}';\n`;
  const last = imports[imports.length - 1];
  // No import yet: first in the file, but after a hashbang, which must stay the first line.
  const hashbang = program.comments?.find((c) => (c.type as string) === 'Shebang');
  return last ? fixer.insertTextAfter(last, `\n${text.trimEnd()}`) : hashbang ? fixer.insertTextAfterRange(hashbang.range, `\n${text.trimEnd()}`) : fixer.insertTextBeforeRange([0, 0], text);
}

function collectBuilders(file: string): Builder[] {
  const sf = parseFromDisk(file);
  if (!sf) return [];
  const ctx = { graph: diskGraph };
  const out: Builder[] = [];
  const add = (callee: string, importName: string, fn: FunctionNode) => {
    const returns = returnExpressions(fn);
    if (returns.length !== 1) return;
    const resolved = resolveKey(returns[0], ctx);
    if (resolved.templates.length !== 1) return;
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    out.push({ callee, importName, moduleFile: file, params, template: resolved.templates[0] });
  };
  for (const statement of sf.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) add(statement.name.text, statement.name.text, statement);
    if (ts.isClassDeclaration(statement) && statement.name) {
      for (const member of statement.members) {
        if (ts.isMethodDeclaration(member) && isStatic(member) && member.name && propertyNameText(member.name)) {
          add(`${statement.name.text}.${propertyNameText(member.name)}`, statement.name.text, member);
        }
      }
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
        const init = skipOuterExpressions(decl.initializer);
        if (isFunctionNode(init)) add(decl.name.text, decl.name.text, init);
        if (ts.isObjectLiteralExpression(init)) {
          for (const prop of init.properties) {
            const name = prop.name && propertyNameText(prop.name);
            if (!name) continue;
            if (ts.isMethodDeclaration(prop)) add(`${decl.name.text}.${name}`, decl.name.text, prop);
            else if (ts.isPropertyAssignment(prop) && isFunctionNode(skipOuterExpressions(prop.initializer))) {
              add(`${decl.name.text}.${name}`, decl.name.text, skipOuterExpressions(prop.initializer) as FunctionNode);
            }
          }
        }
      }
    }
  }
  return out;
}

function isExported(statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

// --- builder calls --------------------------------------------------------------------------

/**
 * The call a key comes from: the key expression itself (`productKey(id)`, `await keyFor(id)`),
 * or the initializer of a local variable inside a function (`const key = productKey(id)`).
 */
export function calledKeySource(expr: ts.Expression): ts.CallExpression | undefined {
  const direct = callOf(expr);
  if (direct) return direct;
  const e = skipOuterExpressions(expr);
  if (!ts.isIdentifier(e)) return undefined;
  const binding = lookupName(e.text, e);
  if (binding?.kind !== 'local' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
  // Module-level constants are a registry of sorts, as for inline strings.
  if (!insideFunction(binding.node)) return undefined;
  return callOf(binding.node.initializer);
}

function callOf(expr: ts.Expression): ts.CallExpression | undefined {
  let e = skipOuterExpressions(expr);
  if (ts.isAwaitExpression(e)) e = skipOuterExpressions(e.expression);
  return ts.isCallExpression(e) ? e : undefined;
}

function insideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return true;
  return false;
}

/** Where a called function comes from: its file and / or package, and the names it goes by. */
interface CalleeOrigin {
  /** The declaring file, when keydrift can follow the import (or a relative import's target). */
  file?: string;
  /** The import specifier, for an import that is not relative. */
  pkg?: string;
  /** `productKey`; `CacheKeys` and `CacheKeys.cart` for `CacheKeys.cart(…)`. */
  names: string[];
}

/**
 * Whether a call calls a configured builder: a function declared in a builder module, or one a
 * builder function specifier names. Calls keydrift cannot trace to a declaration or an import
 * (`(0, f)(…)`, `fns[i](…)`, a global) are not builder calls.
 */
export function isBuilderCall(call: ts.CallExpression, config: BuilderConfig, graph: ModuleGraph): boolean {
  const origin = calleeOrigin(call, graph);
  if (!origin) return false;
  if (origin.file && config.modules.some((m) => sameModule(origin.file!, m))) return true;
  return config.functions.some((spec) => {
    if (!origin.names.some((n) => specifierNames(spec).includes(n))) return false;
    if (spec.from === 'package') return origin.pkg !== undefined && isWithinPackage(origin.pkg, spec.package);
    if (!origin.file) return false;
    return spec.path === undefined ? !/[\\/]node_modules[\\/]/.test(origin.file) : sameModule(origin.file, spec.path);
  });
}

function specifierNames(spec: BuilderFunctionSpecifier): string[] {
  return typeof spec.name === 'string' ? [spec.name] : spec.name;
}

function calleeOrigin(call: ts.CallExpression, graph: ModuleGraph): CalleeOrigin | undefined {
  const members: string[] = [];
  let e = skipOuterExpressions(call.expression);
  while (ts.isPropertyAccessExpression(e)) {
    members.unshift(e.name.text);
    e = skipOuterExpressions(e.expression);
  }
  if (!ts.isIdentifier(e)) return undefined;
  const binding = lookupName(e.text, e);
  if (!binding) return undefined;
  if (binding.kind === 'local') return { file: e.getSourceFile().fileName, names: dottedNames([e.text], members) };
  const pkg = /^[./]/.test(binding.specifier) ? undefined : binding.specifier;
  const guess = pkg ? undefined : nodePath.resolve(nodePath.dirname(binding.file.fileName), binding.specifier);
  if (binding.imported === '*') {
    // `keys.productKey(…)` on `import * as keys`: the module's export `productKey`.
    if (members.length === 0) return undefined;
    const [exported, ...rest] = members;
    const module = graph.resolveModule(binding.file, binding.specifier);
    const target = module ? lookupExport(graph, module, exported) : undefined;
    return { file: target ? targetFile(target) : (module?.fileName ?? guess), pkg, names: dottedNames(namesOf(target, exported), rest) };
  }
  const target = followImport(graph, binding);
  return { file: target ? targetFile(target) : guess, pkg, names: dottedNames(namesOf(target, binding.imported), members) };
}

/** The exported name and, when it differs (`export { a as b }`), the declared one. */
function namesOf(target: ExportTarget | undefined, exported: string): string[] {
  const declared = target?.kind === 'declaration' ? ts.getNameOfDeclaration(target.node) : undefined;
  return declared && ts.isIdentifier(declared) && declared.text !== exported ? [exported, declared.text] : [exported];
}

/** `CacheKeys` + [`cart`] → `CacheKeys`, `CacheKeys.cart`. */
function dottedNames(heads: string[], members: string[]): string[] {
  return heads.flatMap((head) => [head, ...members.map((_, i) => [head, ...members.slice(0, i + 1)].join('.'))]);
}

function targetFile(target: ExportTarget): string {
  return target.kind === 'declaration' ? target.node.getSourceFile().fileName : target.file.fileName;
}

/** Same file, extensions aside: `./keys.js` in an import is `keys.ts` on disk. */
function sameModule(a: string, b: string): boolean {
  const stem = (file: string) => nodePath.resolve(file).replace(/(\.d)?\.[mc]?[jt]sx?$/, '');
  return stem(a) === stem(b);
}

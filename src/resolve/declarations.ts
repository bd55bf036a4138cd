/**
 * Finding what a name refers to without the type checker: lexical scope lookup inside a
 * file, and export lookup across files through a `ModuleGraph`. Used by the key resolver
 * and client recognition in both typed and untyped runs, so both give the same answer.
 */
import ts from '#typescript';
import { nodeCache } from './node-caches.js';

/** What cross-file lookups need; a per-file caller (an ESLint rule) may resolve nothing. */
export interface ModuleGraph {
  resolveModule(from: ts.SourceFile, specifier: string): ts.SourceFile | undefined;
}

export type Declaration =
  | ts.VariableDeclaration
  | ts.ParameterDeclaration
  | ts.FunctionDeclaration
  | ts.ClassDeclaration
  | ts.EnumDeclaration
  | ts.BindingElement;

/** An imported name not yet followed into its module. */
export interface ImportBinding {
  kind: 'import';
  specifier: string;
  /** The exported name, `default`, or `*` for a namespace import. */
  imported: string;
  file: ts.SourceFile;
}

export type Binding = { kind: 'local'; node: Declaration } | ImportBinding;

/** Finds the declaration of `name` visible at `at`, walking outwards through scopes. */
export function lookupName(name: string, at: ts.Node): Binding | undefined {
  // An identifier is asked about its own name by client recognition, the resolver and the
  // write facts alike: one walk up the scopes serves them all.
  if (at.kind !== ts.SyntaxKind.Identifier || (at as ts.Identifier).text !== name) return findName(name, at);
  let found = identifierBindings.get(at);
  if (found === undefined) identifierBindings.set(at, (found = findName(name, at) ?? null));
  return found ?? undefined;
}

const identifierBindings = nodeCache<ts.Node, Binding | null>();

function findName(name: string, at: ts.Node): Binding | undefined {
  let node: ts.Node | undefined = at;
  while (node) {
    if (isScope(node)) {
      const found = namesDeclaredIn(node).get(name);
      if (found) return found;
    }
    node = node.parent;
  }
  return undefined;
}

function isScope(node: ts.Node): boolean {
  return SCOPE_KINDS.has(node.kind) || ts.isFunctionLike(node);
}

// Every lookup asks this of each ancestor: one set read rather than ten predicate calls.
const SCOPE_KINDS: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.SourceFile,
  ts.SyntaxKind.Block,
  ts.SyntaxKind.ModuleBlock,
  ts.SyntaxKind.CaseClause,
  ts.SyntaxKind.DefaultClause,
  ts.SyntaxKind.ForStatement,
  ts.SyntaxKind.ForOfStatement,
  ts.SyntaxKind.ForInStatement,
  ts.SyntaxKind.CatchClause,
]);

// Every name a scope declares, collected once per scope node: lookups are a map read, not a
// scan of the scope's statements (trees are never changed, so nodes are safe keys).
const scopeNames = nodeCache<ts.Node, Map<string, Binding>>();
const NO_NAMES: Map<string, Binding> = new Map();

function namesDeclaredIn(scope: ts.Node): Map<string, Binding> {
  let names = scopeNames.get(scope);
  if (!names) {
    // Made at the first name: most blocks declare nothing (large projects have millions).
    let found: Map<string, Binding> | undefined;
    const declare = (name: string, binding: Binding) => {
      found ??= new Map();
      if (!found.has(name)) found.set(name, binding); // the first declaration wins, as in a scan
    };
    const fromBinding = (pattern: ts.BindingName, owner: ts.VariableDeclaration | ts.ParameterDeclaration): void => {
      // CommonJS: `const Redis = require('ioredis')`, `const { createClient } = require('redis')`.
      const required = ts.isVariableDeclaration(owner) && ts.isSourceFile(scope) ? requiredModule(owner.initializer) : undefined;
      if (ts.isIdentifier(pattern)) {
        return declare(pattern.text, required ? { kind: 'import', specifier: required, imported: '*', file: scope as ts.SourceFile } : { kind: 'local', node: owner });
      }
      for (const element of pattern.elements) {
        if (ts.isOmittedExpression(element)) continue;
        if (ts.isIdentifier(element.name)) {
          const imported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
          declare(element.name.text, required && !element.dotDotDotToken ? { kind: 'import', specifier: required, imported, file: scope as ts.SourceFile } : { kind: 'local', node: element });
        } else fromBinding(element.name, owner);
      }
    };
    if (ts.isFunctionLike(scope)) for (const param of scope.parameters) fromBinding(param.name, param);
    if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
      for (const statement of scope.statements) declareStatement(statement, scope, declare, fromBinding);
    }
    if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      for (const decl of scope.initializer.declarations) fromBinding(decl.name, decl);
    }
    if (ts.isCatchClause(scope) && scope.variableDeclaration) fromBinding(scope.variableDeclaration.name, scope.variableDeclaration);
    // Scopes that declare nothing share one empty map.
    names = found ?? NO_NAMES;
    scopeNames.set(scope, names);
  }
  return names;
}

function declareStatement(
  statement: ts.Statement,
  scope: ts.Node,
  declare: (name: string, binding: Binding) => void,
  fromBinding: (pattern: ts.BindingName, owner: ts.VariableDeclaration) => void,
): void {
  if (ts.isVariableStatement(statement)) {
    for (const decl of statement.declarationList.declarations) fromBinding(decl.name, decl);
  } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
    declare(statement.name.text, { kind: 'local', node: statement });
  } else if (ts.isSourceFile(scope) && ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.importClause) {
    const specifier = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (clause.name) declare(clause.name.text, { kind: 'import', specifier, imported: 'default', file: scope });
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) declare(bindings.name.text, { kind: 'import', specifier, imported: '*', file: scope });
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        declare(element.name.text, { kind: 'import', specifier, imported: (element.propertyName ?? element.name).text, file: scope });
      }
    }
  } else if (ts.isSourceFile(scope) && ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
    const expr = statement.moduleReference.expression;
    if (ts.isStringLiteral(expr)) declare(statement.name.text, { kind: 'import', specifier: expr.text, imported: '*', file: scope });
  }
}

function statementDeclares(statement: ts.Statement, name: string, scope: ts.Node): Binding | undefined {
  if (ts.isVariableStatement(statement)) {
    for (const decl of statement.declarationList.declarations) {
      const hit = bindingNamed(decl.name, name, decl);
      if (hit) return { kind: 'local', node: hit };
    }
  } else if (
    (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
    statement.name?.text === name
  ) {
    return { kind: 'local', node: statement };
  } else if (ts.isImportDeclaration(statement) && ts.isSourceFile(scope) && ts.isStringLiteral(statement.moduleSpecifier)) {
    const clause = statement.importClause;
    const specifier = statement.moduleSpecifier.text;
    if (!clause) return undefined;
    if (clause.name?.text === name) return { kind: 'import', specifier, imported: 'default', file: scope };
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings) && bindings.name.text === name) {
      return { kind: 'import', specifier, imported: '*', file: scope };
    }
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (element.name.text === name) {
          return { kind: 'import', specifier, imported: (element.propertyName ?? element.name).text, file: scope };
        }
      }
    }
  } else if (ts.isImportEqualsDeclaration(statement) && statement.name.text === name && ts.isExternalModuleReference(statement.moduleReference)) {
    const expr = statement.moduleReference.expression;
    if (ts.isStringLiteral(expr) && ts.isSourceFile(scope)) return { kind: 'import', specifier: expr.text, imported: '*', file: scope };
  }
  return undefined;
}

function bindingNamed(
  pattern: ts.BindingName,
  name: string,
  owner: ts.VariableDeclaration | ts.ParameterDeclaration,
): Declaration | undefined {
  if (ts.isIdentifier(pattern)) return pattern.text === name ? owner : undefined;
  for (const element of pattern.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name) && element.name.text === name) return element;
    if (!ts.isIdentifier(element.name)) {
      const nested = bindingNamed(element.name, name, owner);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** A module-level export: its declaration, or the expression of `export default <expr>`. */
export type ExportTarget = { kind: 'declaration'; node: Declaration } | { kind: 'expression'; node: ts.Expression; file: ts.SourceFile } | { kind: 'module'; file: ts.SourceFile };

/** Follows an exported name through re-exports (`export { x } from`, `export *`) to its declaration. */
export function lookupExport(graph: ModuleGraph, file: ts.SourceFile, name: string, seen?: Set<string>): ExportTarget | undefined {
  if (seen) return findExport(graph, file, name, seen);
  // A whole lookup (not a step inside one) is remembered: every importer of a module asks again.
  let byFile = exportCache.get(graph);
  if (!byFile) exportCache.set(graph, (byFile = new WeakMap()));
  let byName = byFile.get(file);
  if (!byName) byFile.set(file, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, findExport(graph, file, name, new Set()) ?? null);
  return byName.get(name) ?? undefined;
}

// Its answers point into the module's tree (and, through re-exports, into others): a node cache,
// so a streamed run that drops the trees lets them die young (node-caches.ts). Kept in a plain
// WeakMap it held every imported module's tree through each scavenge until a full collection:
// ~70 MB more promoted to the old generation on the bench's 5,000 files.
const exportCache = nodeCache<ModuleGraph, WeakMap<ts.SourceFile, Map<string, ExportTarget | null>>>();

/** The module a `require('x')` call names, if the expression is one. */
function requiredModule(expr: ts.Expression | undefined): string | undefined {
  const e = expr && skipOuterExpressions(expr);
  if (!e || !ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'require' || e.arguments.length !== 1) return undefined;
  const arg = e.arguments[0];
  return ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

function findExport(graph: ModuleGraph, file: ts.SourceFile, name: string, seen: Set<string>): ExportTarget | undefined {
  const visitKey = `${file.fileName}#${name}`;
  if (seen.has(visitKey)) return undefined; // circular re-exports
  seen.add(visitKey);
  const commonJs = commonJsExport(file, name);
  if (commonJs) return commonJs;
  if (name === '*') return { kind: 'module', file };
  const starModules: string[] = [];
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      const clause = statement.exportClause;
      if (!clause) {
        if (specifier) starModules.push(specifier);
        continue;
      }
      if (ts.isNamespaceExport(clause)) {
        if (clause.name.text === name && specifier) {
          const target = graph.resolveModule(file, specifier);
          return target ? { kind: 'module', file: target } : undefined;
        }
        continue;
      }
      for (const element of clause.elements) {
        if (element.name.text !== name) continue;
        const original = (element.propertyName ?? element.name).text;
        if (specifier) {
          const target = graph.resolveModule(file, specifier);
          return target ? lookupExport(graph, target, original, seen) : undefined;
        }
        return localExport(graph, file, original, seen);
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && name === 'default') {
      const expr = statement.expression;
      if (ts.isIdentifier(expr)) return localExport(graph, file, expr.text, seen);
      return { kind: 'expression', node: expr, file };
    } else if (hasExportModifier(statement)) {
      const isDefault = hasDefaultModifier(statement);
      const declared = declaredName(statement);
      if ((isDefault && name === 'default') || (!isDefault && declared === name)) {
        if (ts.isVariableStatement(statement)) {
          const hit = statementDeclares(statement, name, file);
          return hit?.kind === 'local' ? { kind: 'declaration', node: hit.node } : undefined;
        }
        return { kind: 'declaration', node: statement as Declaration };
      }
      if (ts.isVariableStatement(statement)) {
        const hit = statementDeclares(statement, name, file);
        if (hit?.kind === 'local') return { kind: 'declaration', node: hit.node };
      }
    }
  }
  for (const specifier of starModules) {
    const target = graph.resolveModule(file, specifier);
    const hit = target && lookupExport(graph, target, name, seen);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * CommonJS exports: `module.exports = x` (the whole module, also what `require` gives and what a
 * default import of it is), `module.exports = { a, b: x }` and `exports.a = x`.
 */
function commonJsExport(file: ts.SourceFile, name: string): ExportTarget | undefined {
  for (const statement of file.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const e = statement.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(e.left)) continue;
    const target = e.left;
    const isModuleExports = (x: ts.Expression) => ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === 'module' && x.name.text === 'exports';
    if (isModuleExports(target)) {
      if (name === '*' || name === 'default') return { kind: 'expression', node: e.right, file };
      const object = skipOuterExpressions(e.right);
      if (ts.isObjectLiteralExpression(object)) {
        for (const prop of object.properties) {
          if (ts.isPropertyAssignment(prop) && prop.name && ts.isIdentifier(prop.name) && prop.name.text === name) return { kind: 'expression', node: prop.initializer, file };
          if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === name) return { kind: 'expression', node: prop.name, file };
        }
      }
      continue;
    }
    const owner = target.expression;
    const isExportsObject = (ts.isIdentifier(owner) && owner.text === 'exports') || isModuleExports(owner);
    if (isExportsObject && target.name.text === name) return { kind: 'expression', node: e.right, file };
  }
  return undefined;
}

function localExport(graph: ModuleGraph, file: ts.SourceFile, name: string, seen: Set<string>): ExportTarget | undefined {
  const hit = lookupName(name, file.statements[0] ?? file);
  if (!hit) return undefined;
  if (hit.kind === 'local') return { kind: 'declaration', node: hit.node };
  const target = graph.resolveModule(file, hit.specifier);
  return target ? lookupExport(graph, target, hit.imported, seen) : undefined;
}

function declaredName(statement: ts.Statement): string | undefined {
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) return statement.name?.text;
  return undefined;
}

export function hasExportModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

function hasDefaultModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false);
}

/** Resolves an import binding to what the other module exports. */
export function followImport(graph: ModuleGraph, binding: ImportBinding): ExportTarget | undefined {
  const target = graph.resolveModule(binding.file, binding.specifier);
  if (!target) return undefined;
  return lookupExport(graph, target, binding.imported);
}

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions. */
export function skipOuterExpressions(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (OUTER_EXPRESSION[e.kind] === 1) e = (e as OuterExpression).expression;
  return e;
}

type OuterExpression = ts.ParenthesizedExpression | ts.AsExpression | ts.NonNullExpression | ts.SatisfiesExpression | ts.TypeAssertion;

// Asked of nearly every expression the analysis looks at: one table read instead of five tests.
const OUTER_EXPRESSION = new Uint8Array(ts.SyntaxKind.Count);
for (const kind of [ts.SyntaxKind.ParenthesizedExpression, ts.SyntaxKind.AsExpression, ts.SyntaxKind.NonNullExpression, ts.SyntaxKind.SatisfiesExpression, ts.SyntaxKind.TypeAssertionExpression]) {
  OUTER_EXPRESSION[kind] = 1;
}

export type FunctionNode = ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/** The expressions a function can return (arrow bodies included, nested functions skipped). */
export function returnExpressions(fn: FunctionNode): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isReturnStatement(node)) {
      if (node.expression) out.push(node.expression);
      return;
    }
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return out;
}

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/** The class a node sits in, for `this.x` lookups. */
export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (ts.isClassLike(n)) return n;
    // Arrow functions keep the outer `this`; ordinary functions do not.
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined;
    n = n.parent;
  }
  return undefined;
}

/** A class member by name: property (with its initializer), method, or constructor parameter property. */
export function findClassMember(cls: ts.ClassLikeDeclaration, name: string, wantStatic?: boolean): ts.ClassElement | ts.ParameterDeclaration | undefined {
  for (const member of cls.members) {
    if (member.name && ts.isIdentifier(member.name) && member.name.text === name) {
      if (wantStatic !== undefined && isStatic(member) !== wantStatic) continue;
      return member;
    }
    if (ts.isConstructorDeclaration(member) && !wantStatic) {
      for (const param of member.parameters) {
        if (ts.isIdentifier(param.name) && param.name.text === name && ts.getModifiers(param)?.length) return param;
      }
    }
  }
  return undefined;
}

/** Expressions assigned to `this.<name>` inside a class's constructor. */
export function constructorAssignments(cls: ts.ClassLikeDeclaration, name: string): ts.Expression[] {
  const out: ts.Expression[] = [];
  for (const member of cls.members) {
    if (!ts.isConstructorDeclaration(member) || !member.body) continue;
    for (const statement of member.body.statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const e = statement.expression;
      if (
        ts.isBinaryExpression(e) &&
        e.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(e.left) &&
        e.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
        e.left.name.text === name
      ) {
        out.push(e.right);
      }
    }
  }
  return out;
}

export function isStatic(member: ts.Node): boolean {
  return ts.canHaveModifiers(member) && (ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false);
}

/** A readable name for the function a node sits in: `updatePrice`, `ProductService.update`. */
export function enclosingFunctionName(node: ts.Node): string | null {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (ts.isFunctionDeclaration(n) && n.name) return n.name.text;
    if ((ts.isMethodDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)) && n.name && ts.isIdentifier(n.name)) {
      const cls = n.parent;
      const className = ts.isClassLike(cls) && cls.name ? cls.name.text : undefined;
      return className ? `${className}.${n.name.text}` : n.name.text;
    }
    if (ts.isConstructorDeclaration(n)) {
      const cls = n.parent;
      return cls.name ? `${cls.name.text}.constructor` : 'constructor';
    }
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.parent) {
      const p = n.parent;
      if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
      if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
      if (ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) {
        const cls = p.parent;
        return ts.isClassLike(cls) && cls.name ? `${cls.name.text}.${p.name.text}` : p.name.text;
      }
    }
    n = n.parent;
  }
  return null;
}

/** The innermost function-like node around `node` (the unit "same function" checks use). */
export function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (ts.isFunctionLike(n)) return n;
    n = n.parent;
  }
  return undefined;
}

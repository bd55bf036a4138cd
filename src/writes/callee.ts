/**
 * The function a call runs, for the write-path call graph: what the key resolver already finds
 * (declarations, consts, static and object methods), plus instance methods of the project's own
 * classes (`this.repo.update()`, `repo.update()` with `repo = new ProductRepository()` or typed
 * `ProductRepository`), plus, with a checker, whatever signature the checker resolves.
 */
import ts from '#typescript';
import { findClassMember, followImport, isFunctionNode, lookupName, skipOuterExpressions, type FunctionNode } from '../resolve/declarations.js';
import { calledFunction, type ResolveContext } from '../resolve/resolve-key.js';

export function resolveCallee(call: ts.CallExpression, ctx: ResolveContext): FunctionNode | undefined {
  try {
    return calledFunction(call, { ctx }) ?? instanceMethod(call, ctx) ?? fromChecker(call, ctx);
  } catch {
    return undefined;
  }
}

/** The name a call invokes (`update` for `this.repo.update()`), for cheap pre-filtering. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The name a function is called by: its declared name, method name or variable name. */
export function functionCallName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parent) {
    const p = fn.parent;
    if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isFunctionExpression(fn) && fn.name) return fn.name.text;
  }
  return undefined;
}

function instanceMethod(call: ts.CallExpression, ctx: ResolveContext): FunctionNode | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const cls = classOfValue(callee.expression, ctx, 0);
  if (!cls) return undefined;
  const member = findMethod(cls, callee.name.text, ctx);
  return member;
}

/** A method by name on a class or its project-local base classes. */
function findMethod(cls: ts.ClassLikeDeclaration, name: string, ctx: ResolveContext, depth = 0): FunctionNode | undefined {
  const member = findClassMember(cls, name, false);
  if (member && ts.isMethodDeclaration(member) && member.body) return member;
  if (member && ts.isPropertyDeclaration(member) && member.initializer) {
    const init = skipOuterExpressions(member.initializer);
    return isFunctionNode(init) ? init : undefined;
  }
  if (depth > 4) return undefined;
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  const baseClass = base && ts.isIdentifier(base) ? classByName(base.text, base, ctx) : undefined;
  return baseClass ? findMethod(baseClass, name, ctx, depth + 1) : undefined;
}

/** The project class an expression's value is an instance of, from constructors and annotations. */
function classOfValue(expr: ts.Expression, ctx: ResolveContext, depth: number): ts.ClassLikeDeclaration | undefined {
  if (depth > 4) return undefined;
  const e = skipOuterExpressions(expr);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) return classByName(e.expression.text, e.expression, ctx);
  if (ts.isAwaitExpression(e)) return undefined;
  let declared: ts.Node | undefined;
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    if (!binding) return undefined;
    if (binding.kind === 'import') {
      const target = followImport(ctx.graph, binding);
      if (target?.kind === 'expression') return classOfValue(target.node, ctx, depth + 1);
      declared = target?.kind === 'declaration' ? target.node : undefined;
    } else declared = binding.node;
  } else if (ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
    let cls: ts.Node | undefined = e.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    declared = cls && ts.isClassLike(cls) ? findClassMember(cls, e.name.text, false) : undefined;
  }
  if (!declared) return undefined;
  if (ts.isVariableDeclaration(declared) || ts.isParameter(declared) || ts.isPropertyDeclaration(declared)) {
    if (declared.type && ts.isTypeReferenceNode(declared.type) && ts.isIdentifier(declared.type.typeName)) {
      return classByName(declared.type.typeName.text, declared.type.typeName, ctx);
    }
    if (declared.initializer) return classOfValue(declared.initializer, ctx, depth + 1);
  }
  return undefined;
}

function classByName(name: string, at: ts.Node, ctx: ResolveContext): ts.ClassLikeDeclaration | undefined {
  const binding = lookupName(name, at);
  if (!binding) return undefined;
  if (binding.kind === 'local') return ts.isClassDeclaration(binding.node) ? binding.node : undefined;
  const target = followImport(ctx.graph, binding);
  if (target?.kind === 'declaration' && ts.isClassDeclaration(target.node)) return target.node;
  if (target?.kind === 'expression' && ts.isClassExpression(target.node)) return target.node;
  return undefined;
}

/**
 * With a checker: the declaration of the called name. `getSymbolAtLocation` on the name only
 * types the receiver; `getResolvedSignature` would also check every argument and overload, which
 * costs several times more across a large program.
 */
function fromChecker(call: ts.CallExpression, ctx: ResolveContext): FunctionNode | undefined {
  const checker = ctx.checker;
  if (!checker) return undefined;
  const callee = skipOuterExpressions(call.expression);
  const name = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
  if (!name) return undefined;
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const bodies = (symbol?.declarations ?? []).filter((d) => !d.getSourceFile().isDeclarationFile && isFunctionNode(d) && (d as FunctionNode).body);
  // Overloads share one implementation; anything else is ambiguous.
  return bodies.length === 1 ? (bodies[0] as FunctionNode) : undefined;
}

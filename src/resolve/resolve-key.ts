/**
 * The key resolver: a key expression becomes one or more templates. Shared by the analyzer
 * and the ESLint rules (which pass a graph that resolves no imports).
 *
 * The ladder: literals, template literals, `+`, consts (local, imported, re-exported), `as const`
 * objects, enums, static class members, key-builder calls with arguments substituted and defaults
 * applied, conditionals (a union), `[...].join(sep)`, finite literal union types when a checker is
 * given. Whatever is left is a hole named after the expression; nothing is guessed.
 */
import ts from '#typescript';
import { hole, literal, makeTemplate, type Segment, type Template } from '../keys/template.js';
import { declaredAsPlainKeyword } from './plain-keyword.js';
import {
  enclosingClass,
  findClassMember,
  followImport,
  isFunctionNode,
  isStatic,
  lookupExport,
  lookupName,
  returnExpressions,
  skipOuterExpressions,
  type Declaration,
  type ExportTarget,
  type FunctionNode,
  type ModuleGraph,
} from './declarations.js';

export interface ResolveContext {
  graph: ModuleGraph;
  checker?: ts.TypeChecker;
}

/** Arguments bound to a called function's parameters, evaluated in the caller's environment. */
export interface Env {
  bindings: Map<ts.ParameterDeclaration, { expr: ts.Expression; env: Env } | undefined>;
  depth: number;
}

export interface ResolvedKey {
  /** Alternatives (a conditional gives several). */
  templates: Template[];
  /** Parameters of the enclosing function the key passes through unbound (wrapper layers). */
  passThrough: Set<ts.ParameterDeclaration>;
}

export const EMPTY_ENV: Env = { bindings: new Map(), depth: 0 };

const MAX_ALTERNATIVES = 16;
const MAX_DEPTH = 24;
const MAX_UNION_MEMBERS = 16;
/** How deep one key expression is followed (parentheses, conditionals, nested calls); past it, a hole. */
const MAX_NESTING = 200;

type Alternatives = Segment[][];

export function resolveKey(expr: ts.Expression, ctx: ResolveContext, env: Env = EMPTY_ENV): ResolvedKey {
  const state: State = { ctx, passThrough: new Set(), active: new Set(), nesting: 0 };
  const alternatives = resolve(expr, env, state);
  return { templates: dedupe(alternatives.map((a) => makeTemplate(a))), passThrough: state.passThrough };
}

/** Resolves a function call's arguments and applies it: used for wrapper call sites. */
export function bindCall(fn: FunctionNode, call: ts.CallExpression | ts.NewExpression, callerEnv: Env): Env {
  return bindArguments(fn, call.arguments ?? NO_ARGUMENTS, callerEnv);
}

const NO_ARGUMENTS: readonly ts.Expression[] = [];

function bindArguments(fn: FunctionNode, args: readonly ts.Expression[], callerEnv: Env): Env {
  const bindings = new Map<ts.ParameterDeclaration, { expr: ts.Expression; env: Env } | undefined>();
  fn.parameters.forEach((param, index) => {
    const arg = args[index];
    if (arg && !ts.isSpreadElement(arg)) bindings.set(param, { expr: arg, env: callerEnv });
    else if (param.initializer) bindings.set(param, { expr: param.initializer, env: { bindings, depth: callerEnv.depth + 1 } });
    else bindings.set(param, undefined);
  });
  return { bindings, depth: callerEnv.depth + 1 };
}

interface State {
  ctx: ResolveContext;
  passThrough: Set<ts.ParameterDeclaration>;
  /** Declarations being resolved, to stop on recursion. */
  active: Set<ts.Node>;
  /** How many `resolve` calls are open: bounds the recursion on deeply nested expressions. */
  nesting: number;
}

function resolve(expr: ts.Expression, env: Env, state: State): Alternatives {
  if (env.depth > MAX_DEPTH) return [[hole(holeName(expr))]];
  if (state.nesting >= MAX_NESTING) return literalValue(skipOuterExpressions(expr)) ?? [[hole(holeName(expr))]];
  state.nesting++;
  try {
    return resolveExpression(expr, env, state);
  } finally {
    state.nesting--;
  }
}

function literalValue(e: ts.Expression): Alternatives | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [[literal(e.text)]];
  if (ts.isNumericLiteral(e)) return [[literal(String(Number(e.text)))]];
  return undefined;
}

function resolveExpression(expr: ts.Expression, env: Env, state: State): Alternatives {
  const e = skipOuterExpressions(expr);
  const value = literalValue(e);
  if (value) return value;
  if (ts.isTemplateExpression(e)) {
    let acc: Alternatives = [[literal(e.head.text)]];
    for (const span of e.templateSpans) {
      acc = product(acc, resolve(span.expression, env, state), () => [[hole(holeName(span.expression))]]);
      acc = product(acc, [[literal(span.literal.text)]]);
    }
    return acc;
  }
  if (isPlus(e)) {
    // `a + b + c` nests to the left: walk the chain with a loop, so its length costs no stack.
    const operands: ts.Expression[] = [];
    let left: ts.Expression = e;
    while (isPlus(left)) {
      operands.push(left.right);
      left = skipOuterExpressions(left.left);
    }
    operands.push(left);
    let acc: Alternatives = [[]];
    for (let i = operands.length - 1; i >= 0; i--) {
      const next = resolve(operands[i], env, state);
      // One alternative on each side (the usual case): append in place, linear in the chain's length.
      if (acc.length === 1 && next.length === 1) for (const segment of next[0]) acc[0].push(segment);
      else acc = product(acc, next, () => [[hole('value')]]);
    }
    return acc;
  }
  if (ts.isConditionalExpression(e)) {
    return union(resolve(e.whenTrue, env, state), resolve(e.whenFalse, env, state), e, state);
  }
  if (ts.isIdentifier(e)) return resolveIdentifier(e, env, state);
  if (ts.isPropertyAccessExpression(e)) return resolvePropertyAccess(e, env, state);
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) {
    const member = resolveMember(e.expression, e.argumentExpression.text, env, state);
    if (member) return member;
  }
  if (ts.isCallExpression(e)) return resolveCall(e, env, state);
  return fromType(e, state) ?? [[hole(holeName(e))]];
}

function isPlus(e: ts.Expression): e is ts.BinaryExpression {
  return ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken;
}

function resolveIdentifier(id: ts.Identifier, env: Env, state: State): Alternatives {
  const binding = lookupName(id.text, id);
  if (!binding) return fromType(id, state) ?? [[hole(id.text)]];
  if (binding.kind === 'import') {
    const target = followImport(state.ctx.graph, binding);
    return (target && resolveExportValue(target, state)) ?? fromType(id, state) ?? [[hole(id.text)]];
  }
  return resolveDeclarationValue(binding.node, env, state, id) ?? fromType(id, state) ?? [[hole(id.text)]];
}

function resolveDeclarationValue(decl: Declaration, env: Env, state: State, at: ts.Node): Alternatives | undefined {
  if (ts.isParameter(decl)) {
    if (env.bindings.has(decl)) {
      const bound = env.bindings.get(decl);
      if (!bound) return undefined;
      return resolve(bound.expr, bound.env, state);
    }
    // An unbound parameter: the enclosing function passes a key through (a wrapper layer).
    state.passThrough.add(decl);
    return ts.isIdentifier(at) ? fromType(at, state) : undefined;
  }
  if (ts.isVariableDeclaration(decl)) {
    if (!decl.initializer || !isConstDeclaration(decl)) return undefined;
    return guarded(decl, state, () => resolve(decl.initializer!, { bindings: new Map(), depth: env.depth + 1 }, state));
  }
  return undefined;
}

function resolveExportValue(target: ExportTarget, state: State): Alternatives | undefined {
  if (target.kind === 'expression') return resolve(target.node, EMPTY_ENV, state);
  if (target.kind === 'declaration') return resolveDeclarationValue(target.node, EMPTY_ENV, state, target.node);
  return undefined;
}

function resolvePropertyAccess(e: ts.PropertyAccessExpression, env: Env, state: State): Alternatives {
  return resolveMember(e.expression, e.name.text, env, state) ?? fromType(e, state) ?? [[hole(e.name.text)]];
}

/**
 * `obj.name` where obj is a const object literal (`as const` too), an enum, a class with a
 * static member, `this` with a readonly initialized property, or a namespace import.
 */
function resolveMember(objectExpr: ts.Expression, name: string, env: Env, state: State): Alternatives | undefined {
  const value = memberValue(objectExpr, name, state);
  if (!value) return undefined;
  if (ts.isEnumMember(value)) return enumMemberValue(value);
  return guarded(value, state, () => resolve(value as ts.Expression, { bindings: new Map(), depth: env.depth + 1 }, state));
}

/** The node that gives `obj.name` its value: an initializer expression or an enum member. */
function memberValue(objectExpr: ts.Expression, name: string, state: State): ts.Expression | ts.EnumMember | undefined {
  const owner = ownerOf(objectExpr, state);
  if (!owner) return undefined;
  if (ts.isEnumDeclaration(owner)) return owner.members.find((m) => ts.isIdentifier(m.name) && m.name.text === name);
  if (ts.isObjectLiteralExpression(owner)) {
    for (const prop of owner.properties) {
      if (!prop.name || propertyNameText(prop.name) !== name) continue;
      if (ts.isPropertyAssignment(prop)) return prop.initializer;
      if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
      if (ts.isMethodDeclaration(prop)) return undefined;
    }
    return undefined;
  }
  if (ts.isClassLike(owner)) {
    const member = findClassMember(owner, name);
    if (member && ts.isPropertyDeclaration(member) && member.initializer && isReadonlyOrStatic(member)) return member.initializer;
    return undefined;
  }
  if (ts.isSourceFile(owner)) {
    const target = lookupExportIn(owner, name, state);
    if (target?.kind === 'declaration' && ts.isVariableDeclaration(target.node) && target.node.initializer && isConstDeclaration(target.node)) {
      return target.node.initializer;
    }
    if (target?.kind === 'expression') return target.node;
  }
  return undefined;
}

function lookupExportIn(file: ts.SourceFile, name: string, state: { ctx: ResolveContext }): ExportTarget | undefined {
  return lookupExport(state.ctx.graph, file, name);
}

/**
 * What an object expression denotes for member lookups: an object literal, enum, class, or a
 * module (namespace import). Exported for client recognition, which asks the same question.
 */
export function ownerOf(
  objectExpr: ts.Expression,
  state: { ctx: ResolveContext },
): ts.ObjectLiteralExpression | ts.EnumDeclaration | ts.ClassLikeDeclaration | ts.SourceFile | undefined {
  const e = skipOuterExpressions(objectExpr);
  if (e.kind === ts.SyntaxKind.ThisKeyword) return enclosingClass(e);
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isPropertyAccessExpression(e)) {
    // Nested const objects: KEYS.product.detail
    const inner = ownerOf(e.expression, state);
    if (inner && ts.isObjectLiteralExpression(inner)) {
      const prop = inner.properties.find((p) => p.name && propertyNameText(p.name) === e.name.text);
      if (prop && ts.isPropertyAssignment(prop)) return ownerOf(prop.initializer, state);
    }
    return undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const binding = lookupName(e.text, e);
  if (!binding) return undefined;
  let decl: ts.Node | undefined;
  if (binding.kind === 'import') {
    const target = followImport(state.ctx.graph, binding);
    if (!target) return undefined;
    if (target.kind === 'module') return target.file;
    decl = target.node;
  } else decl = binding.node;
  if (ts.isEnumDeclaration(decl) || ts.isClassDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer && isConstDeclaration(decl)) {
    const init = skipOuterExpressions(decl.initializer);
    if (ts.isObjectLiteralExpression(init) || ts.isClassExpression(init)) return init;
    if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init)) return ownerOf(init, state);
  }
  return undefined;
}

function enumMemberValue(member: ts.EnumMember): Alternatives | undefined {
  if (member.initializer) {
    const init = skipOuterExpressions(member.initializer);
    if (ts.isStringLiteralLike(init)) return [[literal(init.text)]];
    if (ts.isNumericLiteral(init)) return [[literal(String(Number(init.text)))]];
    return undefined;
  }
  // Auto-numbered: its index, when every earlier member is auto-numbered too.
  const members = (member.parent as ts.EnumDeclaration).members;
  const index = members.indexOf(member);
  if (members.slice(0, index).some((m) => m.initializer)) return undefined;
  return [[literal(String(index))]];
}

function resolveCall(call: ts.CallExpression, env: Env, state: State): Alternatives {
  const callee = skipOuterExpressions(call.expression);
  // [a, b, c].join(':')
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'join') {
    const array = skipOuterExpressions(callee.expression);
    if (ts.isArrayLiteralExpression(array) && !array.elements.some(ts.isSpreadElement)) {
      const sepArg = call.arguments[0];
      const sep: Alternatives = sepArg ? resolve(sepArg, env, state) : [[literal(',')]];
      let acc: Alternatives = [[]];
      array.elements.forEach((element, index) => {
        if (index > 0) acc = product(acc, sep);
        acc = product(acc, resolve(element, env, state));
      });
      return acc;
    }
  }
  // ids.map((id) => productKey(id)): each element's key, with the callback's parameter a hole.
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'map' && call.arguments.length >= 1) {
    const callback = skipOuterExpressions(call.arguments[0]);
    if ((ts.isArrowFunction(callback) || ts.isFunctionExpression(callback)) && !state.active.has(callback)) {
      const returns = returnExpressions(callback);
      if (returns.length === 1) {
        state.active.add(callback);
        try {
          return resolve(returns[0], bindArguments(callback, NO_ARGUMENTS, env), state);
        } finally {
          state.active.delete(callback);
        }
      }
    }
  }
  // String(x), x.toString(): the value itself.
  if (ts.isIdentifier(callee) && callee.text === 'String' && call.arguments.length === 1) return resolve(call.arguments[0], env, state);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'toString' && call.arguments.length === 0) return resolve(callee.expression, env, state);

  const fn = calledFunction(call, state);
  if (fn && !state.active.has(fn)) {
    const returns = returnExpressions(fn);
    if (returns.length > 0) {
      const calleeEnv = bindCall(fn, call, env);
      state.active.add(fn);
      try {
        let acc: Alternatives | undefined;
        for (const r of returns) {
          const alt = resolve(r, calleeEnv, state);
          acc = acc ? union(acc, alt, call, state) : alt;
        }
        if (acc) return acc;
      } finally {
        state.active.delete(fn);
      }
    }
  }
  return fromType(call, state) ?? [[hole(holeName(call))]];
}

/** The function a call invokes, found syntactically: declarations, consts, static and object methods. */
export function calledFunction(call: ts.CallExpression | ts.NewExpression, state: { ctx: ResolveContext }): FunctionNode | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (ts.isIdentifier(callee)) {
    const binding = lookupName(callee.text, callee);
    if (!binding) return undefined;
    if (binding.kind === 'import') {
      const target = followImport(state.ctx.graph, binding);
      if (!target) return undefined;
      if (target.kind === 'expression') return isFunctionNode(target.node) ? target.node : undefined;
      if (target.kind === 'declaration') return functionOfDeclaration(target.node);
      return undefined;
    }
    return functionOfDeclaration(binding.node);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const owner = ownerOf(callee.expression, state);
    if (!owner) return undefined;
    const name = callee.name.text;
    if (ts.isObjectLiteralExpression(owner)) {
      for (const prop of owner.properties) {
        if (!prop.name || propertyNameText(prop.name) !== name) continue;
        if (ts.isMethodDeclaration(prop)) return prop;
        if (ts.isPropertyAssignment(prop)) {
          const init = skipOuterExpressions(prop.initializer);
          return isFunctionNode(init) ? init : undefined;
        }
      }
      return undefined;
    }
    if (ts.isClassLike(owner)) {
      const isThis = skipOuterExpressions(callee.expression).kind === ts.SyntaxKind.ThisKeyword;
      const member = findClassMember(owner, name, isThis ? undefined : true);
      if (member && ts.isMethodDeclaration(member)) return member;
      if (member && ts.isPropertyDeclaration(member) && member.initializer) {
        const init = skipOuterExpressions(member.initializer);
        return isFunctionNode(init) ? init : undefined;
      }
      return undefined;
    }
    if (ts.isSourceFile(owner)) {
      const target = lookupExportIn(owner, name, state);
      if (target?.kind === 'declaration') return functionOfDeclaration(target.node);
      if (target?.kind === 'expression' && isFunctionNode(target.node)) return target.node;
    }
  }
  return undefined;
}

function functionOfDeclaration(decl: ts.Node): FunctionNode | undefined {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = skipOuterExpressions(decl.initializer);
    if (isFunctionNode(init)) return init;
  }
  return undefined;
}

/** With a checker: a finite union of string/number literal types becomes alternatives. */
// A node's type does not depend on the call site a builder is resolved for, so each node is asked
// about once per checker (a `today()` builder used by a thousand keys is one query, not a thousand).
// By checker: an editor's language service keeps a file's nodes across program versions.
const typeAlternatives = new WeakMap<ts.TypeChecker, WeakMap<ts.Node, Alternatives | null>>();

function fromType(expr: ts.Expression, state: State): Alternatives | undefined {
  const checker = state.ctx.checker;
  if (!checker) return undefined;
  let known = typeAlternatives.get(checker);
  if (!known) typeAlternatives.set(checker, (known = new WeakMap()));
  let alternatives = known.get(expr);
  if (alternatives === undefined) known.set(expr, (alternatives = literalUnionOf(expr, checker, state.ctx.graph) ?? null));
  return alternatives ?? undefined;
}

/** The values of a finite union of string / number literal types, as alternatives. */
function literalUnionOf(expr: ts.Expression, checker: ts.TypeChecker, graph: ModuleGraph): Alternatives | undefined {
  if (declaredAsPlainKeyword(expr, graph)) return undefined;
  let type: ts.Type;
  try {
    type = checker.getTypeAtLocation(expr);
  } catch {
    return undefined;
  }
  const members = type.isUnion() ? type.types : [type];
  if (members.length > MAX_UNION_MEMBERS) return undefined;
  const out: Alternatives = [];
  for (const member of members) {
    if (member.isStringLiteral()) out.push([literal(member.value)]);
    else if (member.isNumberLiteral()) out.push([literal(String(member.value))]);
    else return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function guarded(node: ts.Node, state: State, run: () => Alternatives): Alternatives | undefined {
  if (state.active.has(node)) return undefined;
  state.active.add(node);
  try {
    return run();
  } finally {
    state.active.delete(node);
  }
}

/** Every combination of `a` then `b`; past the cap, `fallback` (usually one hole) instead. */
function product(a: Alternatives, b: Alternatives, fallback?: () => Alternatives): Alternatives {
  if (a.length * b.length > MAX_ALTERNATIVES) {
    const rest = fallback ? fallback() : [[hole('value')]];
    return a.length <= MAX_ALTERNATIVES ? a.flatMap((x) => rest.map((y) => [...x, ...y])) : rest;
  }
  const out: Alternatives = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  return out;
}

function union(a: Alternatives, b: Alternatives, at: ts.Expression, state: State): Alternatives {
  if (a.length + b.length > MAX_ALTERNATIVES) return fromType(at, state) ?? [[hole(holeName(at))]];
  return [...a, ...b];
}

function dedupe(templates: Template[]): Template[] {
  if (templates.length < 2) return templates;
  const seen = new Set<string>();
  return templates.filter((t) => {
    const id = JSON.stringify(t.segments);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A hole's name: the last identifier in the expression (`product.id` → `id`). */
export function holeName(expr: ts.Expression): string {
  const e = skipOuterExpressions(expr);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e)) return holeName(e.expression);
  if (ts.isCallExpression(e)) {
    const callee = skipOuterExpressions(e.expression);
    if (ts.isPropertyAccessExpression(callee) && ['toString', 'toLowerCase', 'toUpperCase', 'trim'].includes(callee.name.text)) {
      return holeName(callee.expression);
    }
    if (ts.isIdentifier(callee) && e.arguments.length === 1 && ['String', 'Number', 'encodeURIComponent'].includes(callee.text)) {
      return holeName(e.arguments[0]);
    }
    return holeName(callee);
  }
  if (ts.isAwaitExpression(e)) return holeName(e.expression);
  return 'value';
}

export function propertyNameText(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

export function isConstDeclaration(decl: ts.VariableDeclaration): boolean {
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
}

function isReadonlyOrStatic(member: ts.PropertyDeclaration): boolean {
  return isStatic(member) || (ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false);
}

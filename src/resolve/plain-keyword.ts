/**
 * Expressions whose declared type is a plain `string` / `number` (never a finite literal union),
 * read from the source alone. The resolver asks the checker for a hole's type only to expand a
 * finite union (`'eu' | 'us'`); most holes are ids declared `string`, and each type query costs
 * the checker real work in a large program, so these skip it.
 *
 * Control-flow narrowing (`if (id === 'x') key(id)`) is not followed: such a key keeps its hole
 * where the checker would have given the literal, which is less precise but never a guess.
 */
import ts from '#typescript';
import { hasExportModifier, lookupName, skipOuterExpressions, type ModuleGraph } from './declarations.js';

const PLAIN_KEYWORD_TYPES = new Set([ts.SyntaxKind.StringKeyword, ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.BigIntKeyword, ts.SyntaxKind.AnyKeyword, ts.SyntaxKind.UnknownKeyword]);

/** Whether the type of `expr` is declared as a plain keyword type (so no type query is needed). */
export function declaredAsPlainKeyword(expr: ts.Expression, graph: ModuleGraph): boolean {
  const e = skipOuterExpressions(expr);
  if (ts.isPropertyAccessExpression(e)) return propertyDeclaredAsPlainKeyword(e, graph);
  if (!ts.isIdentifier(e)) return false;
  const decl = localVariable(e);
  if (!decl) return false;
  if (decl.type) return PLAIN_KEYWORD_TYPES.has(decl.type.kind);
  // `locale = 'en'`: an unannotated parameter with a literal default is widened to string / number.
  // (Not in an arrow or function expression: a contextual type may narrow it there.)
  if (ts.isParameter(decl)) {
    const owner = decl.parent;
    if (decl.initializer !== undefined && isWidenedLiteral(decl.initializer) && (ts.isFunctionDeclaration(owner) || ts.isMethodDeclaration(owner) || ts.isConstructorDeclaration(owner))) return true;
  }
  // `ids.map((id) => …)` with `ids: string[]`.
  if (ts.isParameter(decl)) return isElementOfPlainArray(decl);
  // `for (const id of ids)` with `ids: string[]`.
  const loop = decl.parent?.parent;
  if (loop && ts.isForOfStatement(loop) && loop.initializer === decl.parent) return isPlainKeywordArray(loop.expression);
  return false;
}

/** The parameter or variable an identifier names in its own file, if that is what it names. */
function localVariable(id: ts.Identifier): ts.ParameterDeclaration | ts.VariableDeclaration | undefined {
  const binding = lookupName(id.text, id);
  if (binding?.kind !== 'local') return undefined;
  const decl = binding.node;
  return ts.isParameter(decl) || ts.isVariableDeclaration(decl) ? decl : undefined;
}

/**
 * `record.id` where `record` is declared with a named interface, type literal alias or class (in
 * its file, or imported from a project module) whose own `id` member is declared a plain keyword.
 */
function propertyDeclaredAsPlainKeyword(e: ts.PropertyAccessExpression, graph: ModuleGraph): boolean {
  const object = skipOuterExpressions(e.expression);
  if (!ts.isIdentifier(object) || !ts.isIdentifier(e.name)) return false;
  const decl = localVariable(object);
  const type = decl?.type;
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || type.typeArguments) return false;
  const members = namedTypeMembers(type.typeName, graph);
  const member = members?.find((m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === e.name.text);
  return member !== undefined && (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) && member.type !== undefined && PLAIN_KEYWORD_TYPES.has(member.type.kind);
}

/** The members of the interface, type literal alias or class a type name refers to. */
function namedTypeMembers(name: ts.Identifier, graph: ModuleGraph): readonly (ts.TypeElement | ts.ClassElement)[] | undefined {
  const file = name.getSourceFile();
  const binding = lookupName(name.text, name);
  if (binding?.kind === 'import') {
    if (binding.imported === '*' || binding.imported === 'default') return undefined;
    const target = graph.resolveModule(binding.file, binding.specifier);
    return target && topLevelTypeMembers(target, binding.imported, true);
  }
  // A class is a value too; an interface or type alias is found among the file's statements.
  if (binding?.kind === 'local') return ts.isClassDeclaration(binding.node) ? binding.node.members : undefined;
  return topLevelTypeMembers(file, name.text, false);
}

function topLevelTypeMembers(file: ts.SourceFile, name: string, exported: boolean): readonly (ts.TypeElement | ts.ClassElement)[] | undefined {
  for (const statement of file.statements) {
    if (!(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement)) || statement.name?.text !== name) continue;
    if (exported && !hasExportModifier(statement)) return undefined;
    if (ts.isTypeAliasDeclaration(statement)) return ts.isTypeLiteralNode(statement.type) ? statement.type.members : undefined;
    return statement.members;
  }
  return undefined;
}

const ELEMENT_CALLBACK_METHODS = new Set(['map', 'forEach', 'filter', 'flatMap', 'some', 'every', 'find', 'findIndex']);

/** The first parameter of a callback that an array method of a plain `string[]` calls with each element. */
function isElementOfPlainArray(param: ts.ParameterDeclaration): boolean {
  const fn = param.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== param) return false;
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call) || call.arguments[0] !== fn) return false;
  const callee = skipOuterExpressions(call.expression);
  return ts.isPropertyAccessExpression(callee) && ELEMENT_CALLBACK_METHODS.has(callee.name.text) && isPlainKeywordArray(callee.expression);
}

function isWidenedLiteral(expr: ts.Expression): boolean {
  const e = skipOuterExpressions(expr);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e);
}

/** An identifier declared as `string[]`, `readonly number[]` or `Array<string>`. */
function isPlainKeywordArray(expr: ts.Expression): boolean {
  const e = skipOuterExpressions(expr);
  if (!ts.isIdentifier(e)) return false;
  let type = localVariable(e)?.type;
  if (type && ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) type = type.type;
  if (!type) return false;
  if (ts.isArrayTypeNode(type)) return PLAIN_KEYWORD_TYPES.has(type.elementType.kind);
  const element = ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && /^(Readonly)?Array$/.test(type.typeName.text) ? type.typeArguments?.[0] : undefined;
  return element !== undefined && PLAIN_KEYWORD_TYPES.has(element.kind);
}

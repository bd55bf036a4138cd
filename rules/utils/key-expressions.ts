/** Inline key expressions: what counts as one, and rewriting them for suggestions. */
import ts from '#typescript';
import type { Template } from '../../src/keys/template.js';
import { lookupName, skipOuterExpressions } from '../../src/resolve/declarations.js';

/** String, template literal or `+` concatenation written at the call. */
export function isInlineKeyExpression(expr: ts.Expression): boolean {
  const e = skipOuterExpressions(expr);
  return (
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    ts.isTemplateExpression(e) ||
    (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken && (containsStringPart(e.left) || containsStringPart(e.right)))
  );
}

function containsStringPart(e: ts.Expression): boolean {
  const x = skipOuterExpressions(e);
  if (ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x) || ts.isTemplateExpression(x)) return true;
  return ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken && (containsStringPart(x.left) || containsStringPart(x.right));
}

/**
 * The inline expression a key comes from: the key itself, or the initializer of a local
 * variable assigned from one (`const key = \`product:${id}\`; redis.get(key)`).
 */
export function inlineSource(expr: ts.Expression): ts.Expression | undefined {
  if (isInlineKeyExpression(expr)) return skipOuterExpressions(expr);
  const e = skipOuterExpressions(expr);
  if (!ts.isIdentifier(e)) return undefined;
  const binding = lookupName(e.text, e);
  if (binding?.kind !== 'local' || !ts.isVariableDeclaration(binding.node) || !binding.node.initializer) return undefined;
  // Module-level constants are a registry of sorts; only variables inside functions are "inline".
  if (!isInsideFunction(binding.node)) return undefined;
  return isInlineKeyExpression(binding.node.initializer) ? skipOuterExpressions(binding.node.initializer) : undefined;
}

function isInsideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return true;
  return false;
}

/** The source text of each hole of `template`, when the inline expression's parts map onto them. */
export function holeTexts(expr: ts.Expression, template: Template): string[] | undefined {
  const holes = template.segments.filter((s) => s.kind === 'hole').length;
  const parts: ts.Expression[] = [];
  const collect = (e: ts.Expression): void => {
    const x = skipOuterExpressions(e);
    if (ts.isTemplateExpression(x)) for (const span of x.templateSpans) parts.push(span.expression);
    else if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      collect(x.left);
      collect(x.right);
    } else if (!ts.isStringLiteral(x) && !ts.isNoSubstitutionTemplateLiteral(x)) parts.push(x);
  };
  collect(expr);
  return parts.length === holes ? parts.map((p) => p.getText()) : undefined;
}

/** A template literal for `template` with its holes filled by `texts`, in order. */
export function templateLiteral(template: Template, texts: string[]): string {
  let i = 0;
  const body = template.segments
    .map((s) => (s.kind === 'literal' ? s.text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') : `\${${texts[i++]}}`))
    .join('');
  return `\`${body}\``;
}

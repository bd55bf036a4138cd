/** The expiry a single write call sets itself, in every client's option form. */
import ts from '#typescript';
import { lookupName, skipOuterExpressions } from '../resolve/declarations.js';
import { isConstDeclaration, propertyNameText } from '../resolve/resolve-key.js';
import type { TtlInfo } from '../types.js';

const POSITIONAL_UNITS: Record<string, number | 'absolute' | 'keep'> = {
  ex: 1,
  px: 0.001,
  exat: 'absolute',
  pxat: 'absolute',
  keepttl: 'keep',
};

/** Index of the first argument that may be an expiry option: `SET key value [EX n]`, `GETEX key [EX n]`. */
const OPTIONS_FROM: Record<string, number> = { set: 2, getex: 1, hsetex: 1, hgetex: 1 };

/**
 * TTL set by the call's own arguments: ioredis positional `'EX', n` (also `KEEPTTL`),
 * node-redis `{ EX }`, `{ expiration: { type, value } }`, upstash `{ ex }`, and the
 * `setex` / `psetex` / `getex` family. `NX` alone is not a TTL.
 */
export function inlineTtl(command: string, args: readonly ts.Expression[]): TtlInfo | null {
  if (command === 'setex') return seconds(args[1], 1);
  if (command === 'psetex') return seconds(args[1], 0.001);
  if (command === 'expire' || command === 'pexpire' || command === 'expireat' || command === 'pexpireat') {
    return command === 'expire' ? seconds(args[1], 1) : command === 'pexpire' ? seconds(args[1], 0.001) : { dynamic: true };
  }
  // Only where the command takes expiry options: a value or hash field that is the string 'ex'
  // (`set(k, 'ex')`, `hset(k, 'px', v)`, upstash `hset(k, { ex: 1 })`) is not one.
  const from = OPTIONS_FROM[command];
  if (from === undefined) return null;
  // `set(...args)`, `call('set', key, ...rest)`: the expiry may be in what is spread; unknown, not absent.
  if (args.some((a) => ts.isSpreadElement(a))) return { dynamic: true };
  for (let i = from; i < args.length; i++) {
    const arg = skipOuterExpressions(args[i]);
    if (ts.isStringLiteralLike(arg)) {
      const unit = POSITIONAL_UNITS[arg.text.toLowerCase()];
      if (unit === undefined) continue;
      if (unit === 'keep' || unit === 'absolute') return { dynamic: true };
      return seconds(args[i + 1], unit);
    }
    if (ts.isObjectLiteralExpression(arg)) {
      const fromObject = ttlFromOptions(arg);
      if (fromObject) return fromObject;
    }
  }
  return null;
}

function ttlFromOptions(options: ts.ObjectLiteralExpression): TtlInfo | null {
  for (const prop of options.properties) {
    if (!prop.name) continue;
    const name = propertyNameText(prop.name)?.toLowerCase();
    if (!name) continue;
    const value = ts.isPropertyAssignment(prop) ? prop.initializer : undefined;
    if (name === 'expiration' && value) {
      const v = skipOuterExpressions(value);
      if (ts.isStringLiteralLike(v)) return v.text.toUpperCase() === 'KEEPTTL' ? { dynamic: true } : null;
      if (ts.isObjectLiteralExpression(v)) {
        let unit: number | 'absolute' | 'keep' | undefined;
        let amount: ts.Expression | undefined;
        for (const inner of v.properties) {
          if (!ts.isPropertyAssignment(inner) || !inner.name) continue;
          const innerName = propertyNameText(inner.name);
          const init = skipOuterExpressions(inner.initializer);
          if (innerName === 'type' && ts.isStringLiteralLike(init)) unit = POSITIONAL_UNITS[init.text.toLowerCase()];
          if (innerName === 'value') amount = inner.initializer;
        }
        if (unit === undefined) return { dynamic: true };
        if (unit === 'keep' || unit === 'absolute') return { dynamic: true };
        return seconds(amount, unit);
      }
      return { dynamic: true };
    }
    const unit = POSITIONAL_UNITS[name];
    if (unit === undefined) continue;
    if (unit === 'keep') {
      if (value && skipOuterExpressions(value).kind === ts.SyntaxKind.FalseKeyword) continue;
      return { dynamic: true };
    }
    if (unit === 'absolute') return { dynamic: true };
    return seconds(value ?? (ts.isShorthandPropertyAssignment(prop) ? prop.name : undefined), unit);
  }
  return null;
}

function seconds(expr: ts.Expression | undefined, unit: number): TtlInfo {
  if (!expr) return { dynamic: true };
  const value = numericValue(skipOuterExpressions(expr));
  return value === undefined ? { dynamic: true } : { seconds: Math.round(value * unit * 1000) / 1000 };
}

/** Literal numbers, simple products like `60 * 60`, and consts holding them. */
function numericValue(e: ts.Expression, depth = 0): number | undefined {
  if (depth > 8) return undefined;
  if (ts.isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (ts.isIdentifier(e)) {
    const binding = lookupName(e.text, e);
    const decl = binding?.kind === 'local' ? binding.node : undefined;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && isConstDeclaration(decl)) return numericValue(skipOuterExpressions(decl.initializer), depth + 1);
    return undefined;
  }
  if (ts.isStringLiteralLike(e) && /^\d+$/.test(e.text)) return Number(e.text);
  if (ts.isParenthesizedExpression(e)) return numericValue(e.expression, depth + 1);
  if (ts.isBinaryExpression(e)) {
    const l = numericValue(skipOuterExpressions(e.left), depth + 1);
    const r = numericValue(skipOuterExpressions(e.right), depth + 1);
    if (l === undefined || r === undefined) return undefined;
    if (e.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return l * r;
    if (e.operatorToken.kind === ts.SyntaxKind.PlusToken) return l + r;
  }
  return undefined;
}

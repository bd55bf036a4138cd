import ts from 'typescript';
import { expect, it } from 'vitest';
import type { ResolveContext } from '../src/resolve/resolve-key.js';
import { collectFileFacts } from '../src/writes/function-facts.js';

const noModules: ResolveContext = { graph: { resolveModule: () => undefined } };

function cacheOpsOf(code: string): string[] {
  const file = ts.createSourceFile('memo.ts', code, ts.ScriptTarget.Latest, true);
  return [...collectFileFacts(file, noModules).values()].flatMap((facts) => facts.cacheOps.map((op) => `${op.node.expression.getText(file)} ${op.op}`));
}

it('a local cache is read, filled and cleared by its own methods, not by inherited ones', () => {
  const code = [
    'const memo = new Map<string, number>();',
    'export function f(id: string) {',
    '  if (memo.has(id)) return memo.get(id);',
    '  memo.set(id, 1);',
    '  console.log(memo.toString(), memo.valueOf(), memo.constructor);',
    '  memo.delete(id);',
    '}',
  ].join('\n');
  expect(cacheOpsOf(code)).toEqual(['memo.has read', 'memo.get read', 'memo.set fill', 'memo.delete clear']);
});

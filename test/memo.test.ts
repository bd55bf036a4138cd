/**
 * src/memo.ts: each key computed once, and a key cut from a large text does not keep that text
 * alive (module-level memos live as long as the process: an editor's ESLint server, a whole run).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { memo } from '../src/memo.js';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('memo', () => {
  it('computes each key once, an equal string hitting the stored one', () => {
    let calls = 0;
    const length = memo((key) => {
      calls++;
      return key.length;
    });
    const text = `const ${'catalogTenantKey'.repeat(4)} = 1;`;
    expect(length(text.slice(6, 70))).toBe(64);
    expect(length('catalogTenantKey'.repeat(4))).toBe(64);
    expect(calls).toBe(1);
  });

  it('does not keep the text a key was cut from', () => {
    const seen = memo((key) => key.length);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let round = 0; round < 3; round++) {
      // A fresh 32 MB text per round; only a 40-character name cut from it goes into the memo.
      const text = JSON.parse(`"${'k'.repeat(32 * 1024 * 1024)}"`) as string;
      expect(seen(text.slice(1000 + round, 1040 + round))).toBe(40);
    }
    collectGarbage();
    collectGarbage();
    // A memo holding the names as cut would hold all three texts (~96 MB).
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024);
  });
});

/**
 * src/resolve/node-caches.ts: a streamed run drops each tree once analysed and starts a new
 * generation of node caches, so the trees die in V8's young generation. A cache whose answers
 * point into a tree kept in a plain WeakMap holds the tree through every scavenge (the scavenger
 * keeps an entry's value without proving its key dead), and each tree is copied into the old
 * generation: on the bench's 5,000 files the export cache alone added ~70 MB there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = path.join(ROOT, 'test/support/dropped-trees.mjs');

/** MB the scavenger promoted while the child ran (`--trace-gc-nvp` prints a line per collection). */
function promotedMB(mode: 'clear' | 'keep', files: number): number {
  const run = spawnSync(process.execPath, ['--trace-gc-nvp', CHILD, mode, String(files)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, run.stderr).toBe(0);
  let bytes = 0;
  for (const line of run.stdout.split('\n')) {
    if (!/\bgc=s\b/.test(line)) continue;
    bytes += Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return bytes / 1e6;
}

describe('node caches', () => {
  it('let the trees a streamed run drops die young, export lookups included', { timeout: 60_000 }, () => {
    if (!existsSync(path.join(ROOT, 'dist/src/resolve/declarations.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
    // Control: with the caches kept, the 1,000 trees (~0.2 MB each) reach the old generation, so
    // the measurement can see them.
    const kept = promotedMB('keep', 1000);
    expect(kept).toBeGreaterThan(100);
    // A new generation after each tree: what is promoted is the process's own (modules, code),
    // about as much as for a handful of trees. With the export cache a plain WeakMap: as above.
    const cleared = promotedMB('clear', 1000);
    expect(cleared).toBeLessThan(kept / 4);
  });
});

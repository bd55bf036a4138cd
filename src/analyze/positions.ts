/**
 * Line and column of a position, as TypeScript's `getLineAndCharacterOfPosition` gives them.
 * TypeScript finds a file's line starts reading its text a character at a time; every call site
 * and write fact needs them, and for 10,000 files that was ~1% of an untyped run. A text with
 * no line break but `\n` (nearly every file) is split with `indexOf` instead; any other text
 * goes to TypeScript's own computation, so the answers are the same (test/positions.test.ts).
 */
import ts from '#typescript';
import { nodeCache } from '../resolve/node-caches.js';

// A node cache although the values point into no tree: a WeakMap's values outlive young-generation
// collections whatever becomes of their keys, so every file's line starts would be promoted.
const lineStartsByFile = nodeCache<ts.SourceFile, readonly number[]>();

/** Where each line of the file starts, the first at 0. */
export function lineStarts(sf: ts.SourceFile): readonly number[] {
  let starts = lineStartsByFile.get(sf);
  if (starts === undefined) {
    starts = onlyNewlines(sf.text) ? newlineStarts(sf.text) : sf.getLineStarts();
    lineStartsByFile.set(sf, starts);
  }
  return starts;
}

/** Zero-based line and character of `position`, as `sf.getLineAndCharacterOfPosition(position)`. */
export function lineAndCharacter(sf: ts.SourceFile, position: number): ts.LineAndCharacter {
  const starts = lineStarts(sf);
  // The last line starting at or before the position.
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (starts[middle] <= position) low = middle;
    else high = middle - 1;
  }
  return { line: low, character: position - starts[low] };
}

// The line breaks TypeScript knows besides `\n`: carriage return, line and paragraph separators.
function onlyNewlines(text: string): boolean {
  return !text.includes('\r') && !text.includes('\u2028') && !text.includes('\u2029');
}

function newlineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

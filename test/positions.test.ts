/**
 * keydrift finds line starts itself where a text has only `\n` line breaks (src/analyze/positions.ts):
 * every position must get the line and character TypeScript's `getLineAndCharacterOfPosition`
 * gives, whatever the line breaks. Random texts over an alphabet heavy in line breaks, and the
 * files that stress them (CRLF, a lone CR, line and paragraph separators, a BOM, no text at all).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import ts from '#typescript';
import { lineAndCharacter, lineStarts } from '../src/analyze/positions.js';

function sameAsTypeScript(text: string): void {
  // Two trees of one text: TypeScript's own line map stays untouched by ours.
  const ours = ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest);
  const theirs = ts.createSourceFile('a.ts', text, ts.ScriptTarget.Latest);
  expect(lineStarts(ours)).toEqual(theirs.getLineStarts());
  for (let position = 0; position <= text.length; position++) {
    expect(lineAndCharacter(ours, position)).toEqual(theirs.getLineAndCharacterOfPosition(position));
  }
}

describe('line and character of a position', () => {
  it.each([
    ['no text', ''],
    ['one line', 'const a = 1;'],
    ['trailing newline', 'a;\nb;\n'],
    ['blank lines', '\n\n\na;\n\n'],
    ['CRLF', 'a;\r\nb;\r\n'],
    ['a lone CR', 'a;\rb;\n'],
    ['line and paragraph separators', 'a;\u2028b;\u2029c;'],
    ['a BOM', '\uFEFFa;\nb;'],
    ['non-ASCII text', "const s = 'prix … €';\nconst t = '日本';\n"],
  ])('%s', (_name, text) => sameAsTypeScript(text));

  it('random texts', () => {
    const char = fc.constantFrom('a', ' ', ';', '\n', '\r', '\u2028', '\u2029', '…', '\uFEFF');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => sameAsTypeScript(chars.join(''))),
      { numRuns: 300 },
    );
  });
});

/**
 * src/analyze/paths.ts does with string operations what Node's path functions do, for the plain
 * absolute paths keydrift meets: output paths relative to the working directory (path.relative)
 * and relative import specifiers against the importer's folder (path.resolve). Whatever the
 * paths look like (`.` and `..` segments, doubled or trailing slashes, the root, hidden
 * directories, spaces), the answers must be Node's.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSpecifier, toRelative } from '../src/analyze/paths.js';

function byPathRelative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return (outside ? file : rel).split(path.sep).join('/');
}

describe.runIf(path.sep === '/')('paths relative to the working directory', () => {
  it.each([
    ['/work/app', '/work/app/src/a.ts', 'src/a.ts'],
    ['/work/app', '/work/application/a.ts', '/work/application/a.ts'],
    ['/work/app', '/work/other/a.ts', '/work/other/a.ts'],
    ['/work/app/', '/work/app/src/a.ts', 'src/a.ts'],
    ['/', '/src/a.ts', 'src/a.ts'],
    ['/work/app', '/work/app/./src/../lib/a.ts', 'lib/a.ts'],
    ['/work/app', '/work/app//src/a.ts', 'src/a.ts'],
    ['/work/app', '/work/app/.hidden/a.ts', '.hidden/a.ts'],
    ['/work/.out/app', '/work/.out/app/src/a.ts', 'src/a.ts'],
    ['/work/app', '/work/app/src/..', ''],
    ['/work/app', '/work/app/src/.', 'src'],
    ['/work/app/..', '/work/x.ts', 'x.ts'],
    ['/work/my app', '/work/my app/src/prix €.ts', 'src/prix €.ts'],
    ['/work/app', '/work/app', ''],
    ['/work/app', '/work/app/..x/a.ts', '..x/a.ts'],
    ['/work/app', '/work/a.ts', '/work/a.ts'],
  ])('%s and %s', (cwd, file, expected) => {
    expect(toRelative(cwd, file)).toBe(expected);
    expect(toRelative(cwd, file)).toBe(byPathRelative(cwd, file));
  });

  it('random paths', () => {
    const segment = fc.constantFrom('a', 'b', 'src', '.', '..', '', '.git', '..x', '.x.', 'x y', 'é');
    const absolute = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    fc.assert(
      fc.property(absolute, fc.array(segment, { maxLength: 4 }), (cwd, below) => {
        for (const file of [`${cwd}/${below.join('/')}`, `/${below.join('/')}`]) expect(toRelative(cwd, file)).toBe(byPathRelative(cwd, file));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['/work/app/src', './keys.js'],
    ['/work/app/src', '../lib/a'],
    ['/work/app/src', '../../../../x'],
    ['/', './a'],
    ['/', '../a'],
    ['/work/app/src', './'],
    ['/work/app/src', '.'],
    ['/work/app/src', './a/./b/../c'],
    ['/work/app/src', './a//b'],
    ['/work/app/src/', './a'],
    ['/work/app/./src', './a'],
    ['/work/.out/src', '../.keys/a'],
    ['/work/app/src/..', './a'],
    ['/work/app/src/.', '../a'],
    ['/work/my app/src', './prix €'],
  ])('%s resolves %s', (folder, specifier) => {
    expect(resolveSpecifier(folder, specifier)).toBe(path.resolve(folder, specifier));
  });

  it('random specifiers', () => {
    const segment = fc.constantFrom('a', 'b', 'src', '.', '..', '', '.git', '..x', '.x.', 'x y', 'é', 'k.js');
    const absolute = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
    const specifier = fc.tuple(fc.constantFrom('.', '..'), fc.array(segment, { maxLength: 5 })).map(([first, rest]) => [first, ...rest].join('/'));
    fc.assert(
      fc.property(absolute, specifier, (folder, spec) => {
        expect(resolveSpecifier(folder, spec)).toBe(path.resolve(folder, spec));
      }),
      { numRuns: 1000 },
    );
  });
});

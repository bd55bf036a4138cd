/**
 * Path arithmetic the analyzer does once per file or import (tens of thousands of times in a
 * large project). Node's path functions resolve their arguments first, ~10 µs a call; for the
 * plain absolute paths keydrift works with (no `.` or `..` segment, no doubled or trailing `/`),
 * string operations give the same answer (test/relative-paths.test.ts compares them).
 */
import path from 'node:path';

const SLASH = 0x2f;

/** Absolute, with no `.` or `..` segment (a hidden folder's `.name` is fine) and no empty one. */
function isPlainAbsolute(p: string): boolean {
  return (
    p.charCodeAt(0) === SLASH &&
    p.charCodeAt(p.length - 1) !== SLASH &&
    !p.includes('//') &&
    !p.includes('/./') &&
    !p.includes('/../') &&
    !p.endsWith('/.') &&
    !p.endsWith('/..')
  );
}

/** Paths in output: relative to the working directory, with `/` separators. */
export function toRelative(cwd: string, file: string): string {
  // Nearly every file is below the working directory: the answer is the rest of its path.
  if (path.sep === '/' && file.startsWith(cwd) && file.charCodeAt(cwd.length) === SLASH && isPlainAbsolute(cwd) && isPlainAbsolute(file)) return file.slice(cwd.length + 1);
  const rel = path.relative(cwd, file);
  // Outside the working directory: the path as it is (a folder named `..x` is not outside).
  const outside = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return (outside ? file : rel).split(path.sep).join('/');
}

/** `path.resolve(folder, specifier)` for a relative import specifier (`./x`, `../../y/z.js`). */
export function resolveSpecifier(folder: string, specifier: string): string {
  if (path.sep !== '/' || !isPlainFolder(folder)) return path.resolve(folder, specifier);
  // The usual shape: `./` or a run of `../`, then a plain rest. One cut and one join.
  let base = folder;
  let at = 0;
  if (specifier.startsWith('./')) at = 2;
  else {
    while (specifier.startsWith('../', at)) {
      base = base.slice(0, base.lastIndexOf('/')) || '/';
      at += 3;
    }
  }
  const rest = specifier.slice(at);
  if (at > 0 && rest !== '' && isPlainAbsolute(`/${rest}`)) return base === '/' ? `/${rest}` : `${base}/${rest}`;
  return path.resolve(folder, specifier);
}

// A file's imports are resolved one after another from its folder: the last answer is asked again.
let lastFolder = '';
let lastFolderPlain = false;

function isPlainFolder(folder: string): boolean {
  if (folder !== lastFolder) {
    lastFolder = folder;
    lastFolderPlain = isPlainAbsolute(folder);
  }
  return lastFolderPlain;
}

/**
 * Following a relative import from a rule without type information: the imported module is
 * read and parsed from disk, once per process and again only when it changes. This is what lets
 * a rule see that `redis` in `import { redis } from './redis.js'` is a client, or what
 * `productKey()` returns, without any whole-program work.
 */
import path from 'node:path';
import ts from '#typescript';
import type { ModuleGraph } from '../../src/resolve/declarations.js';
import { parseWithParents } from '../../src/resolve/walk.js';
import { createFileCache } from './file-cache.js';

const RESOLUTION: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true };

export const parseFromDisk: (file: string) => ts.SourceFile | undefined = createFileCache((file, exists) => {
  const text = exists ? ts.sys.readFile(file) : undefined;
  return text === undefined ? undefined : parseWithParents(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, /\.[mc]?jsx?$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
});

// Where a relative specifier leads from a folder. A miss is not remembered (the file may be
// created while an editor's ESLint server runs); a hit is re-read if the file changes.
const resolutions = new Map<string, string>();
const resolutionCache = ts.createModuleResolutionCache(process.cwd(), (f) => f, RESOLUTION);

/** Relative imports only: packages are never read. */
export const diskGraph: ModuleGraph = {
  resolveModule(from, specifier) {
    if (!specifier.startsWith('.')) return undefined;
    // Keyed by where the specifier points, so `../../redis.js` from many folders resolves once.
    const key = pointedAt(from.fileName, specifier);
    let target = resolutions.get(key);
    if (target === undefined) {
      try {
        const resolved = ts.resolveModuleName(specifier, from.fileName, RESOLUTION, ts.sys, resolutionCache).resolvedModule;
        if (!resolved || resolved.isExternalLibraryImport || /\.d\.[mc]?ts$/.test(resolved.resolvedFileName)) return undefined;
        target = resolved.resolvedFileName;
        resolutions.set(key, target);
      } catch {
        return undefined;
      }
    }
    return parseFromDisk(target);
  },
};

// The path a specifier points at, by importing file (every call site in a file asks again).
const pointed = new Map<string, Map<string, string>>();

function pointedAt(fromFile: string, specifier: string): string {
  let bySpecifier = pointed.get(fromFile);
  if (!bySpecifier) pointed.set(fromFile, (bySpecifier = new Map()));
  let key = bySpecifier.get(specifier);
  if (key === undefined) bySpecifier.set(specifier, (key = path.resolve(path.dirname(fromFile), specifier)));
  return key;
}

/**
 * Following a relative import from a rule without type information: the imported module is
 * read and parsed from disk, once per process and again only when it changes. This is what lets
 * a rule see that `redis` in `import { redis } from './redis.js'` is a client, or what
 * `productKey()` returns, without any whole-program work.
 */
import { statSync } from 'node:fs';
import ts from 'typescript';
import type { ModuleGraph } from '../../src/resolve/declarations.js';

const parsed = new Map<string, { mtimeMs: number; sf: ts.SourceFile | undefined }>();
const RESOLUTION: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true };

export function parseFromDisk(file: string): ts.SourceFile | undefined {
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const cached = parsed.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.sf;
  const text = mtimeMs >= 0 ? ts.sys.readFile(file) : undefined;
  const sf = text === undefined ? undefined : ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, /\.[mc]?jsx?$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  parsed.set(file, { mtimeMs, sf });
  return sf;
}

/** Relative imports only: packages are never read. */
export const diskGraph: ModuleGraph = {
  resolveModule(from, specifier) {
    if (!specifier.startsWith('.')) return undefined;
    try {
      const resolved = ts.resolveModuleName(specifier, from.fileName, RESOLUTION, ts.sys).resolvedModule;
      return resolved && !resolved.isExternalLibraryImport && !/\.d\.[mc]?ts$/.test(resolved.resolvedFileName) ? parseFromDisk(resolved.resolvedFileName) : undefined;
    } catch {
      return undefined;
    }
  },
};

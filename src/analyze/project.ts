/**
 * Loading the project: one ts-morph Project per run, from tsconfig.json when it parses, or from
 * the given paths when it does not. Files that do not parse are reported and left out.
 * The type checker is created only for a typed run.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Project, ts } from 'ts-morph';
import type { ModuleGraph } from '../resolve/declarations.js';

export interface LoadOptions {
  cwd: string;
  /** Files or folders to analyse; empty means the whole project. */
  paths: string[];
  /** tsconfig.json to use; found in cwd when not given. */
  tsconfig?: string;
  types: boolean;
}

export interface LoadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface LoadedProject {
  files: ts.SourceFile[];
  graph: ModuleGraph;
  checker?: ts.TypeChecker;
  /** Files that did not parse, and a tsconfig that could not be used. */
  problems: LoadProblem[];
  tsconfig?: string;
}

const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

export function loadProject(options: LoadOptions): LoadedProject {
  const problems: LoadProblem[] = [];
  const roots = options.paths.map((p) => path.resolve(options.cwd, p));
  const tsconfig = options.tsconfig ? path.resolve(options.cwd, options.tsconfig) : findTsconfig(options.cwd, roots);
  let project: Project | undefined;
  if (tsconfig) {
    project = projectFromTsconfig(tsconfig, options, problems);
  }
  if (!project) {
    project = new Project({
      compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true },
      skipFileDependencyResolution: true,
      skipLoadingLibFiles: !options.types,
    });
    const bases = roots.length > 0 ? roots : [options.cwd];
    for (const base of bases) addPath(project, base);
  } else if (roots.length > 0) {
    // Paths outside the tsconfig's include (a .js file, say) are still analysed when named.
    for (const root of roots) addPath(project, root);
  }

  const inScope = (fileName: string) =>
    !fileName.includes('/node_modules/') && !/\.d\.[mc]?ts$/.test(fileName) && (roots.length === 0 || roots.some((r) => fileName === r || fileName.startsWith(r.endsWith('/') ? r : `${r}/`)));

  const files: ts.SourceFile[] = [];
  for (const wrapped of project.getSourceFiles()) {
    const sf = wrapped.compilerNode;
    if (!inScope(sf.fileName)) continue;
    const parseError = firstParseError(sf);
    if (parseError) {
      problems.push(parseError);
      continue;
    }
    files.push(sf);
  }
  files.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));

  const graph = createModuleGraph(project);
  const checker = options.types ? project.getProgram().compilerObject.getTypeChecker() : undefined;
  return { files, graph, checker, problems, tsconfig };
}

function findTsconfig(cwd: string, roots: string[]): string | undefined {
  const candidates = [...roots.map((r) => (isDirectory(r) ? r : path.dirname(r))), cwd];
  for (const dir of candidates) {
    const file = path.join(dir, 'tsconfig.json');
    if (existsSync(file)) return file;
  }
  return undefined;
}

function projectFromTsconfig(tsconfig: string, options: LoadOptions, problems: LoadProblem[]): Project | undefined {
  if (!existsSync(tsconfig)) {
    problems.push({ file: tsconfig, line: 1, column: 1, message: 'tsconfig not found; analysing the given paths instead' });
    return undefined;
  }
  // Read it ourselves first: ts-morph reports a broken tsconfig inconsistently.
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) {
    problems.push({ ...diagnosticLocation(read.error, tsconfig), message: `tsconfig does not parse (${flatten(read.error)}); analysing the given paths instead` });
    return undefined;
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
  const fatal = parsed.errors.find((d) => d.code !== 18003); // 18003: no inputs found, fine when paths are given
  if (fatal) {
    problems.push({ ...diagnosticLocation(fatal, tsconfig), message: `tsconfig cannot be used (${flatten(fatal)}); analysing the given paths instead` });
    return undefined;
  }
  try {
    return new Project({ tsConfigFilePath: tsconfig, skipFileDependencyResolution: true, skipLoadingLibFiles: !options.types });
  } catch (error) {
    problems.push({ file: tsconfig, line: 1, column: 1, message: `tsconfig cannot be used (${(error as Error).message}); analysing the given paths instead` });
    return undefined;
  }
}

function addPath(project: Project, target: string): void {
  if (!existsSync(target)) return;
  if (isDirectory(target)) {
    project.addSourceFilesAtPaths([path.join(target, SOURCE_GLOB).replace(/\\/g, '/'), '!**/node_modules/**', '!**/*.d.ts']);
  } else if (!project.getSourceFile(target)) {
    project.addSourceFileAtPath(target);
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The first syntax error the parser recorded, if any (the parser never throws). */
function firstParseError(sf: ts.SourceFile): LoadProblem | undefined {
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const { line, character } = sf.getLineAndCharacterOfPosition(first.start);
  return { file: sf.fileName, line: line + 1, column: character + 1, message: `file does not parse, skipped: ${flatten(first)}` };
}

function diagnosticLocation(d: ts.Diagnostic, fallbackFile: string): { file: string; line: number; column: number } {
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: d.file.fileName, line: line + 1, column: character + 1 };
  }
  return { file: fallbackFile, line: 1, column: 1 };
}

function flatten(d: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(d.messageText, ' ');
}

/** Module resolution with TypeScript's own resolver; only project sources are followed. */
function createModuleGraph(project: Project): ModuleGraph {
  const compilerOptions = project.getCompilerOptions();
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(project.getFileSystem().getCurrentDirectory(), (f) => f, compilerOptions);
  const memo = new Map<string, ts.SourceFile | null>();
  return {
    resolveModule(from, specifier) {
      const key = `${path.dirname(from.fileName)}\0${specifier}`;
      const cached = memo.get(key);
      if (cached !== undefined) return cached ?? undefined;
      let result: ts.SourceFile | undefined;
      try {
        const resolved = ts.resolveModuleName(specifier, from.fileName, compilerOptions, host, cache).resolvedModule;
        const fileName = resolved?.resolvedFileName;
        if (fileName && !resolved.isExternalLibraryImport && !fileName.includes('/node_modules/')) {
          const wrapped = project.getSourceFile(fileName) ?? project.addSourceFileAtPathIfExists(fileName);
          result = wrapped?.compilerNode;
        }
      } catch {
        result = undefined;
      }
      memo.set(key, result ?? null);
      return result;
    },
  };
}

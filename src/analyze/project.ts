/**
 * Loading the project: a plan, then the files one of two ways.
 *   planProject: which files, from tsconfig.json when it parses or from the given paths when it
 *                does not (no parsing: cheap enough to key a cache on);
 *   loadProject: a typed run's program and checker: every file parsed once; files that do not
 *                parse are reported and left out;
 *   openStreamedProject: an untyped run's files, parsed when first needed and dropped again
 *                (stream.ts).
 * The compiler API is used directly, from the `typescript` package the project (and
 * typescript-eslint) use: the analysis only reads raw compiler nodes, per-file ts-morph wrappers
 * doubled the cost of loading, and sharing typescript-eslint's instance lets the ESLint rules
 * reuse its parse tree instead of parsing each file again.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { globSync } from 'tinyglobby';
import ts from '#typescript';
import { memo } from '../memo.js';
import { detached } from '../keys/detached.js';
import { forEachNode, parseWithParents } from '../resolve/walk.js';
import type { ModuleGraph } from '../resolve/declarations.js';
import { resolveSpecifier } from './paths.js';

export interface LoadOptions {
  cwd: string;
  /** Files or folders to analyse; empty means the whole project. */
  paths: string[];
  /** tsconfig.json to use; found beside the first path or in cwd when not given. */
  tsconfig?: string;
  types: boolean;
  /** Globs (relative to `globBase`) limiting and excluding the files reported on. */
  include?: string[];
  exclude?: string[];
  globBase?: string;
}

export interface LoadProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface ProjectPlan {
  tsconfig?: string;
  compilerOptions: ts.CompilerOptions;
  /** Every file to load, absolute, sorted. */
  fileNames: string[];
  /** Whether a file is one the run reports on (given paths, include / exclude). */
  inScope: (fileName: string) => boolean;
  /** The tsconfigs of projects reached through `references` (their content shapes the run too). */
  references: string[];
  /**
   * The files split by the project they come from, each file in one part: the root's own, each
   * referenced project's, then named files no project lists (with no references, one part holds
   * them all). Empty parts are left out.
   */
  parts: ProjectPart[];
  problems: LoadProblem[];
}

/** One project of a monorepo: its files and the options they compile with. */
export interface ProjectPart {
  compilerOptions: ts.CompilerOptions;
  /** Absolute, sorted. */
  fileNames: string[];
}

export interface LoadedProject {
  /** Every project file that parsed (files outside the scope too: they resolve imports). */
  files: ts.SourceFile[];
  /** The files loaded as this part's own (all of `files` when the whole project is loaded). */
  own: ts.SourceFile[];
  graph: ModuleGraph;
  checker?: ts.TypeChecker;
  /** Files that did not parse, and a tsconfig that could not be used. */
  problems: LoadProblem[];
  /** Every file the run read, analysed or followed through an import. */
  loadedFileNames: () => string[];
}

const SOURCE_EXTENSIONS = 'ts,tsx,mts,cts,js,jsx,mjs,cjs';
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
};

export function planProject(options: LoadOptions): ProjectPlan {
  const problems: LoadProblem[] = [];
  const roots = options.paths.map((p) => path.resolve(options.cwd, p));
  const tsconfig = options.tsconfig ? path.resolve(options.cwd, options.tsconfig) : findTsconfig(options.cwd, roots);
  const parsed = tsconfig ? readTsconfig(tsconfig, problems) : undefined;
  const names = new Set<string>(parsed ? parsed.fileNames.map(normalize) : []);
  // A monorepo root lists its packages under `references` (often with `files: []`): their files are
  // the project. A solution-style root's own options say nothing about the sources: the first
  // referenced project's are used instead.
  const referenced = tsconfig && parsed ? referencedProjects(tsconfig, parsed, problems) : [];
  const compilerOptions = parsed && parsed.fileNames.length === 0 && referenced.length > 0 ? withoutBuildOptions(referenced[0].parsed.options) : parsed?.options;
  // Without a usable tsconfig, the given paths (or the working directory); with one, paths
  // outside its include (a .js file, say) are still analysed when named.
  const bases = parsed ? roots : roots.length > 0 ? roots : [options.cwd];
  // Each file in the first project listing it; named files no project lists compile with the root's options.
  const parts: ProjectPart[] = [{ compilerOptions: compilerOptions ?? DEFAULT_OPTIONS, fileNames: [...names] }];
  for (const project of referenced) {
    const fileNames = project.parsed.fileNames.map(normalize).filter((file) => !names.has(file));
    for (const file of fileNames) names.add(file);
    parts.push({ compilerOptions: withoutBuildOptions(project.parsed.options), fileNames });
  }
  const named = bases.flatMap(sourceFilesUnder).filter((file) => !names.has(file));
  for (const file of named) names.add(file);
  if (referenced.length === 0) parts[0].fileNames = parts[0].fileNames.concat(named);
  else parts.push({ compilerOptions: compilerOptions ?? DEFAULT_OPTIONS, fileNames: named });

  const globBase = options.globBase ?? options.cwd;
  const included = options.include?.length ? picomatch(options.include, { dot: true }) : undefined;
  const excluded = options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined;
  const inScope = (fileName: string): boolean => {
    if (isLibraryFile(fileName)) return false;
    if (roots.length > 0 && !roots.some((r) => fileName === r || fileName.startsWith(r.endsWith('/') ? r : `${r}/`))) return false;
    const rel = path.relative(globBase, fileName).split(path.sep).join('/');
    if (included && !included(rel)) return false;
    if (excluded?.(rel)) return false;
    return true;
  };
  return {
    tsconfig: parsed ? tsconfig : undefined,
    compilerOptions: compilerOptions ?? DEFAULT_OPTIONS,
    fileNames: [...names].filter((f) => !isLibraryFile(f)).sort(),
    inScope,
    references: referenced.map((r) => r.tsconfig),
    parts: parts.map((part) => ({ ...part, fileNames: part.fileNames.filter((f) => !isLibraryFile(f)).sort() })).filter((part) => part.fileNames.length > 0),
    problems,
  };
}

/**
 * Every project `references` reaches from `root`, depth first, each once (reference cycles end).
 * A referenced tsconfig that is missing or broken is reported and skipped.
 */
function referencedProjects(rootTsconfig: string, root: ts.ParsedCommandLine, problems: LoadProblem[]): { tsconfig: string; parsed: ts.ParsedCommandLine }[] {
  const out: { tsconfig: string; parsed: ts.ParsedCommandLine }[] = [];
  const seen = new Set<string>([normalize(rootTsconfig)]);
  const visit = (from: string, parsed: ts.ParsedCommandLine): void => {
    for (const reference of parsed.projectReferences ?? []) {
      const tsconfig = normalize(ts.resolveProjectReferencePath(reference));
      if (seen.has(tsconfig)) continue;
      seen.add(tsconfig);
      if (!existsSync(tsconfig)) {
        problems.push({ file: from, line: 1, column: 1, message: `referenced project ${tsconfig} not found; skipped` });
        continue;
      }
      const project = readTsconfig(tsconfig, problems, 'its files are skipped');
      if (!project) continue;
      out.push({ tsconfig, parsed: project });
      visit(tsconfig, project);
    }
  };
  visit(rootTsconfig, root);
  return out;
}

/** Options that only matter to `tsc --build` (the analyzer emits nothing). */
function withoutBuildOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const { composite: _composite, incremental: _incremental, tsBuildInfoFile: _tsBuildInfoFile, ...rest } = options;
  return rest;
}

/**
 * Loads the project with types (an untyped run streams it instead: stream.ts), or with `part`
 * one project of a monorepo: its files are the ones reported on (`own`), and `files` adds every
 * project file they import, directly or not (what resolution, wrapper layers and write paths can
 * reach from them). Loading a monorepo part by part keeps one package's program in memory at a
 * time.
 */
export function loadProject(
  options: LoadOptions,
  onProgress?: (done: number, total: number) => void,
  plan = planProject(options),
  part?: ProjectPart,
  /** Files earlier parts parsed, for this one to reuse (and to add its own imports to). */
  shared?: SharedFiles,
): LoadedProject {
  const problems = part ? [] : [...plan.problems];
  const compilerOptions = part?.compilerOptions ?? plan.compilerOptions;
  const ownNames = part?.fileNames ?? plan.fileNames;
  // Files the parser itself failed on (it overflows its stack on thousands of nested parentheses).
  const unparseable = new Map<string, string>();
  // For a file the program does not hold (it parses every file it is given, once).
  const store = createSourceStore(compilerOptions, unparseable);
  const sharedKeys = new Map<string, string>();
  const program = createProgram(ownNames, compilerOptions, unparseable, shared && { files: shared, keys: sharedKeys });
  // Created at once: it binds every file, which also sets the parent pointers the walks rely on.
  const checker = program.getTypeChecker();
  const projectFiles = new Set(plan.fileNames);
  const graph = createModuleGraph(compilerOptions, projectFiles, (fileName) => program.getSourceFile(fileName) ?? store.get(fileName));

  const own: ts.SourceFile[] = [];
  ownNames.forEach((fileName, index) => {
    onProgress?.(index, ownNames.length);
    const sf = program.getSourceFile(fileName) ?? store.get(fileName);
    const problem = loadProblemOf(fileName, sf, unparseable);
    if (problem) problems.push(problem);
    else own.push(sf!);
  });
  onProgress?.(ownNames.length, ownNames.length);

  const files = part ? withImported(own, plan.fileNames, program) : own;
  if (shared) {
    // What this part imported from other parts: later parts importing them too parse them no more.
    const ownSet = new Set(own);
    for (const sf of files) {
      // Only files this part's program parsed have a key (one served from `shared` is there already).
      const key = ownSet.has(sf) ? undefined : sharedKeys.get(sf.fileName);
      if (key !== undefined) shared.set(key, sf);
    }
  }
  return {
    files,
    own,
    graph,
    checker,
    problems,
    loadedFileNames: () => [...new Set([...store.fileNames(), ...program.getSourceFiles().map((f) => f.fileName)])].filter((f) => !isLibraryFile(f)).sort(),
  };
}

/** Why a file cannot be analysed: unreadable, too deep for the parser, or a syntax error. */
function loadProblemOf(fileName: string, sf: ts.SourceFile | undefined, unparseable: ReadonlyMap<string, string>): LoadProblem | undefined {
  if (!sf) return { file: fileName, line: 1, column: 1, message: unparseable.get(fileName) ?? 'cannot read file, skipped' };
  return firstParseError(sf);
}

/**
 * `own` and every project file they import, directly or not, in the project's file order: the
 * program holds them. Files that do not parse are left out, as loadProject does.
 */
function withImported(own: ts.SourceFile[], fileNames: readonly string[], program: ts.Program): ts.SourceFile[] {
  const rank = new Map(fileNames.map((f, i) => [f, i]));
  const ownSet = new Set(own);
  const files = [...own];
  for (const sf of program.getSourceFiles()) if (!ownSet.has(sf) && rank.has(sf.fileName) && !firstParseError(sf)) files.push(sf);
  return files.sort((a, b) => rank.get(a.fileName)! - rank.get(b.fileName)!);
}

// `from './x'`, `import './x'`, `import('./x')`, `require('./x')`: relative ones only, as
// StreamedProject.guessImports resolves no others.
const SPECIFIER_TEXT = /\b(?:from|import)\s*['"](\.\.?\/[^'"\r\n]*)['"]|\b(?:require|import)\s*\(\s*['"](\.\.?\/[^'"\r\n]*)['"]\s*\)/g;

/**
 * Every module a file names the way the resolver follows it: import and export-from
 * declarations, `import x = require()`, and `require('…')` / `import('…')` calls (looked for
 * only in a file whose text has one).
 */
function moduleSpecifiers(file: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const statement of file.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push(statement.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference) && ts.isStringLiteral(statement.moduleReference.expression)) {
      out.push(statement.moduleReference.expression.text);
    }
  }
  if (file.text.includes('require(') || file.text.includes('import(')) {
    forEachNode(file, (node) => {
      if (!ts.isCallExpression(node) || node.arguments.length !== 1 || !ts.isStringLiteralLike(node.arguments[0])) return;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isRequire || node.expression.kind === ts.SyntaxKind.ImportKeyword) out.push(node.arguments[0].text);
    });
  }
  return out;
}

/**
 * Parsed files by name, parsed on first use with parent pointers set (the resolver walks up).
 */
function createSourceStore(compilerOptions: ts.CompilerOptions, unparseable: Map<string, string>, shared?: SharedFiles) {
  const files = new Map<string, ts.SourceFile | null>();
  // Every file read, also ones forgotten since (the cache validates against all of them).
  const read = new Set<string>();
  // Texts read ahead of their parse (StreamedProject.guessImports), each used once.
  const texts = new Map<string, string | undefined>();
  const languageVersion = compilerOptions.target ?? ts.ScriptTarget.ES2022;
  return {
    get(fileName: string): ts.SourceFile | undefined {
      let sf = files.get(fileName);
      if (sf === undefined) {
        sf = shared?.get(fileName);
        if (sf === undefined) {
          const text = unparseable.has(fileName) ? undefined : texts.has(fileName) ? texts.get(fileName) : ts.sys.readFile(fileName);
          texts.delete(fileName);
          // JSDoc is never read without types (with them, the program parses it for .js type info).
          const parseOptions = { languageVersion, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };
          sf = text === undefined ? null : (guardParser(fileName, unparseable, () => parseWithParents(fileName, text, parseOptions, scriptKindOf(fileName), true)) ?? null);
        }
        files.set(fileName, sf);
        if (sf) read.add(fileName);
      }
      return sf ?? undefined;
    },
    /** The file's text, read now and kept for its parse. */
    readAhead(fileName: string): string | undefined {
      const tree = files.get(fileName) ?? shared?.get(fileName);
      if (tree) return tree.text;
      if (!texts.has(fileName)) texts.set(fileName, ts.sys.readFile(fileName));
      return texts.get(fileName);
    },
    /** Drops the tree: the next `get` parses the file again. */
    forget(fileName: string): void {
      files.delete(fileName);
    },
    /** The tree if it is loaded now (never parses). */
    peek: (fileName: string): ts.SourceFile | undefined => files.get(fileName) ?? undefined,
    loaded: () => [...files.values()].filter((sf): sf is ts.SourceFile => sf !== null),
    fileNames: () => [...read],
  };
}

/**
 * The project without types, for a run that parses each file when it is first needed and drops
 * the tree again once its results are kept as plain data (see stream.ts): a file nothing imports
 * is parsed, analysed and gone before the next one, so its tree never outlives the young
 * generation of V8's heap.
 */
export interface StreamedProject {
  graph: ModuleGraph;
  /** The file's tree, parsed on first use (again after `forget`); undefined when it cannot be read or parsed. */
  sourceFile(fileName: string): ts.SourceFile | undefined;
  /** The files `file` imports, as the resolver follows them (project files or not). */
  imports(file: ts.SourceFile): ts.SourceFile[];
  /**
   * The project files a file's text seems to import through relative specifiers, found without
   * parsing it (its text is kept for the parse). A guess: a specifier in a comment counts, one
   * through `paths` does not.
   */
  guessImports(fileName: string): string[];
  /** The file's tree if it is loaded now (never parses). */
  loadedFile(fileName: string): ts.SourceFile | undefined;
  forget(fileName: string): void;
  /** Why a file cannot be analysed (unreadable, too deep for the parser, a syntax error); undefined when it can. */
  problemOf(fileName: string): LoadProblem | undefined;
  /** The trees loaded now (not forgotten). */
  loaded(): ts.SourceFile[];
  loadedFileNames(): string[];
}

export function openStreamedProject(plan: ProjectPlan, compilerOptions: ts.CompilerOptions, shared?: SharedFiles): StreamedProject {
  const unparseable = new Map<string, string>();
  const store = createSourceStore(compilerOptions, unparseable, shared);
  const projectFiles = new Set(plan.fileNames);
  const graph = createModuleGraph(compilerOptions, projectFiles, (fileName) => store.get(fileName));
  // Files side by side import the same modules by the same specifiers: one resolution per folder.
  const guessed = new Map<string, string | null>();
  const guessedTarget = (folder: string, specifier: string): string | null => {
    const key = `${folder}\0${specifier}`;
    let target = guessed.get(key);
    // The specifier is cut from the file's text: a key of its own keeps the text out (detached.ts).
    if (target === undefined) guessed.set(detached(key), (target = ownRelativeModule(folder, specifier, projectFiles) ?? null));
    return target;
  };
  return {
    graph,
    sourceFile: (fileName) => store.get(fileName),
    guessImports(fileName) {
      const text = store.readAhead(fileName);
      if (text === undefined) return [];
      const out = new Set<string>();
      const folder = path.dirname(fileName);
      for (const match of text.matchAll(SPECIFIER_TEXT)) {
        const target = guessedTarget(folder, match[1] ?? match[2]);
        if (target !== null && target !== fileName) out.add(target);
      }
      return [...out];
    },
    imports(file) {
      const out: ts.SourceFile[] = [];
      for (const specifier of moduleSpecifiers(file)) {
        const target = graph.resolveModule(file, specifier);
        if (target) out.push(target);
      }
      return out;
    },
    loadedFile: (fileName) => store.peek(fileName),
    forget: (fileName) => store.forget(fileName),
    loaded: () => store.loaded(),
    problemOf: (fileName) => loadProblemOf(fileName, store.get(fileName), unparseable),
    loadedFileNames: () => store.fileNames().filter((f) => !isLibraryFile(f)).sort(),
  };
}

function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Runs the parser; a stack overflow inside it (a file nested thousands of levels deep) makes the
 * file unparseable, recorded in `unparseable`, instead of ending the run.
 */
function guardParser<T>(fileName: string, unparseable: Map<string, string>, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const why = /call stack/i.test(error.message) ? 'expressions are too deeply nested for the TypeScript parser' : error.message;
    unparseable.set(normalize(fileName), `file does not parse, skipped: ${why}`);
    return undefined;
  }
}

/**
 * Parsed files one part of a run hands to the next, so a file many parts import is parsed once
 * for all of them (and at most once more as its own part's): the project files each part
 * imported from other parts, by name (without types) or by name and the settings they were
 * parsed with (with types, where every part's program also shares the lib and dependency
 * declaration files). A program reuses bound files as TypeScript's language service does
 * between projects.
 */
export type SharedFiles = Map<string, ts.SourceFile | undefined>;

const settingsKeys = ts.createDocumentRegistry();

function createProgram(
  rootNames: readonly string[],
  compilerOptions: ts.CompilerOptions,
  unparseable: Map<string, string>,
  /** `keys` receives the key each project file was parsed under, for the caller to share it. */
  shared?: { files: SharedFiles; keys: Map<string, string> },
): ts.Program {
  const options: ts.CompilerOptions = { ...compilerOptions, noEmit: true, allowJs: true };
  // No parent pointers at parse time: the binder sets them (loadProject creates the checker, which
  // binds every file, before anything walks the trees), as it does for tsc.
  const host = ts.createCompilerHost(options, false);
  // JSDoc types only matter in JavaScript files; nothing here reads the comments of a .ts or .d.ts
  // file (the dependencies' .d.ts files are full of them). tsc itself skips most of them too.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  // Module resolution asks about the same paths over and over (every import of a package probes
  // the same node_modules); nothing changes on disk during a run, so each path is checked once.
  host.fileExists = memo(host.fileExists.bind(host));
  host.directoryExists = memo(host.directoryExists!.bind(host));
  const getSourceFile = host.getSourceFile.bind(host);
  const parse: typeof getSourceFile = (fileName, ...rest) => guardParser(fileName, unparseable, () => getSourceFile(fileName, ...rest));
  if (shared) {
    const settings = settingsKeys.getKeyForCompilationSettings(options);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const parsedAs = typeof languageVersion === 'object' ? `${languageVersion.languageVersion}|${languageVersion.impliedNodeFormat}|${languageVersion.jsDocParsingMode}` : languageVersion;
      const key = `${settings}\0${parsedAs}\0${fileName}`;
      if (shared.files.has(key)) return shared.files.get(key);
      const sf = parse(fileName, languageVersion, ...rest);
      // Declaration files are shared at once; a project file only once a part has imported it from another.
      if (isLibraryFile(fileName)) shared.files.set(key, sf);
      else shared.keys.set(fileName, key);
      return sf;
    };
  } else host.getSourceFile = parse;
  return ts.createProgram({ rootNames, options, host });
}

function isLibraryFile(fileName: string): boolean {
  return fileName.includes('/node_modules/') || /\.d\.[mc]?ts$/.test(fileName);
}

function normalize(fileName: string): string {
  return path.resolve(fileName);
}

function findTsconfig(cwd: string, roots: string[]): string | undefined {
  const candidates = [...roots.map((r) => (isDirectory(r) ? r : path.dirname(r))), cwd];
  for (const dir of candidates) {
    const file = path.join(dir, 'tsconfig.json');
    if (existsSync(file)) return file;
  }
  return undefined;
}

function readTsconfig(tsconfig: string, problems: LoadProblem[], fallback = 'analysing the given paths instead'): ts.ParsedCommandLine | undefined {
  if (!existsSync(tsconfig)) {
    problems.push({ file: tsconfig, line: 1, column: 1, message: `tsconfig not found; ${fallback}` });
    return undefined;
  }
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) {
    problems.push({ ...diagnosticLocation(read.error, tsconfig), message: `tsconfig does not parse (${flatten(read.error)}); ${fallback}` });
    return undefined;
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig), undefined, tsconfig);
  const fatal = parsed.errors.find((d) => d.code !== 18003); // 18003: no inputs found, fine when paths are given
  if (fatal) {
    problems.push({ ...diagnosticLocation(fatal, tsconfig), message: `tsconfig cannot be used (${flatten(fatal)}); ${fallback}` });
    return undefined;
  }
  return parsed;
}

function sourceFilesUnder(target: string): string[] {
  if (!existsSync(target)) return [];
  if (!isDirectory(target)) return [path.resolve(target)];
  return globSync([`**/*.{${SOURCE_EXTENSIONS}}`], { cwd: target, absolute: true, ignore: ['**/node_modules/**', '**/*.d.ts', '**/*.d.mts', '**/*.d.cts'], followSymbolicLinks: false }).map(normalize);
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

/**
 * Module resolution: a relative import of one of the project's own files is found among them (no
 * file system calls: a large project has tens of thousands of imports); anything else goes
 * through TypeScript's own resolver. Only project sources are followed.
 */
function createModuleGraph(compilerOptions: ts.CompilerOptions, projectFiles: ReadonlySet<string>, sourceFile: (fileName: string) => ts.SourceFile | undefined): ModuleGraph {
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(process.cwd(), (f) => f, compilerOptions);
  // By folder (files side by side resolve a specifier alike), and in front of it by file: every
  // import a file's resolution follows asks again, and a map read is cheaper than a dirname.
  // File names, not trees: a streamed run drops a tree and may parse the file again.
  const memo = new Map<string, string | null>();
  const byFile = new WeakMap<ts.SourceFile, Map<string, string | null>>();
  const target = (from: ts.SourceFile, specifier: string): string | null => {
    try {
      const own = ownRelativeModule(path.dirname(from.fileName), specifier, projectFiles);
      if (own) return own;
      const resolved = ts.resolveModuleName(specifier, from.fileName, compilerOptions, host, cache).resolvedModule;
      const fileName = resolved?.resolvedFileName;
      return fileName && !resolved.isExternalLibraryImport && !isLibraryFile(fileName) ? fileName : null;
    } catch {
      return null;
    }
  };
  return {
    resolveModule(from, specifier) {
      let ofFile = byFile.get(from);
      if (!ofFile) byFile.set(from, (ofFile = new Map()));
      let fileName = ofFile.get(specifier);
      if (fileName === undefined) {
        const key = `${path.dirname(from.fileName)}\0${specifier}`;
        fileName = memo.get(key);
        // The specifier is cut from the importing file's text: a key of its own keeps that text out of the memo (detached.ts).
        if (fileName === undefined) memo.set(detached(key), (fileName = target(from, specifier)));
        ofFile.set(specifier, fileName);
      }
      if (fileName === null) return undefined;
      try {
        return sourceFile(fileName);
      } catch {
        return undefined;
      }
    },
  };
}

// What a relative specifier's extension stands for, in the order TypeScript tries the candidates.
const SOURCE_FOR_EXTENSION: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.ts', '.jsx', '.js'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.ts': ['.ts'],
  '.tsx': ['.tsx'],
  '.mts': ['.mts'],
  '.cts': ['.cts'],
};
const EXTENSIONLESS = ['.ts', '.tsx', '.js', '.jsx', '/index.ts', '/index.tsx', '/index.js', '/index.jsx'];

/**
 * A project file a relative specifier names (`./keys.js` → keys.ts), or undefined when none of
 * its candidates is one (then TypeScript's resolver decides: declaration files, packages, paths).
 */
function ownRelativeModule(fromFolder: string, specifier: string, projectFiles: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = resolveSpecifier(fromFolder, specifier);
  const extension = path.extname(target);
  const replacements = SOURCE_FOR_EXTENSION[extension];
  // One candidate at a time: the first is nearly always the file (tens of thousands of imports).
  const stem = replacements ? target.slice(0, -extension.length) : target;
  for (const ext of replacements ?? EXTENSIONLESS) {
    const candidate = stem + ext;
    if (projectFiles.has(candidate)) return candidate;
  }
  return undefined;
}

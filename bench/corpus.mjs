// Crash-freedom on real code (issue 7): every keydrift rule and the analyzer over every
// `.ts .tsx .mts .cts .js .mjs .cjs` file (`.d.ts` included) in this project's own node_modules.
//
//   npm run corpus                       # all files, untyped and typed passes
//   CORPUS_TYPED=off npm run corpus      # untyped pass only
//   CORPUS_BUDGET_S=600 npm run corpus   # stop starting new packages after 600 s (default 1800)
//   node bench/corpus.mjs [nodeModulesDir]
//
// Per package (the innermost `node_modules/<name>` or `node_modules/@scope/<name>` folder):
//   untyped  ESLint's Linter with `keydrift.configs.strict` (plus a registry in settings):
//            typescript-eslint's parser for TypeScript files, ESLint's default parser (espree)
//            for JavaScript, sourceType from the nearest package.json ("module" / "commonjs"),
//            the other one tried when that does not parse;
//   analyzer discoverCallSites over the package's files parsed with TypeScript (relative imports
//            resolve inside the package), then the cross-file checks (checkSites), untyped;
//   typed    one ts.Program per package (allowJs, noResolve, skipLibCheck, lib files shared
//            between programs) handed to typescript-eslint as `parserOptions.programs`, the same
//            rules on every file of the package, and the analyzer again with that program's checker.
//
// A crash is a file where the analyzer or ESLint itself threw; a rule exception is a throw out
// of `linter.verify` that names a rule (keydrift's rules are written never to throw). A file
// whose parser gives up (ESLint's fatal "Parsing error") is `unparseable`, not a crash. Files
// over 2 MB are skipped and counted. The file list is sorted by its path relative to
// node_modules, so runs are comparable; `test/corpus-sample.test.ts` runs a hashed sample of it.
// Ends with the line `corpus files=N crashes=C exceptions=E`; exits 1 when C or E is not 0.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import ts from 'typescript';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const CORPUS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];
export const MAX_BYTES = 2 * 1024 * 1024;
const TS_FILE = /\.[mc]?tsx?$/;
const TS_PATTERNS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const JS_PATTERNS = ['**/*.js', '**/*.mjs', '**/*.cjs'];
/** A registry in settings, so the registry-aware parts of the rules run too. */
const REGISTRY = path.join(repoRoot, 'fixtures/registry-ioredis/keydrift.keys.json');

/**
 * Every corpus file under `nodeModules`, sorted by its path relative to it ("/" separators).
 * Symlinks are not followed (`.bin` holds links to files listed anyway) and tool folders
 * directly under a node_modules folder (`.bin`, `.cache`, `.vite`...) are not packages.
 * @returns {{ root: string, files: { abs: string, rel: string, bytes: number }[], skipped: { abs: string, rel: string, bytes: number }[] }}
 */
export function listCorpus(nodeModules, maxBytes = MAX_BYTES) {
  const root = path.resolve(nodeModules);
  const all = [];
  const walk = (dir, underNodeModules) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (underNodeModules && entry.name.startsWith('.')) continue;
        walk(abs, entry.name === 'node_modules');
      } else if (entry.isFile() && CORPUS_EXTENSIONS.includes(path.extname(entry.name))) {
        all.push({ abs, rel: path.relative(root, abs).split(path.sep).join('/'), bytes: fs.statSync(abs).size });
      }
    }
  };
  walk(root, true);
  all.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { root, files: all.filter((f) => f.bytes <= maxBytes), skipped: all.filter((f) => f.bytes > maxBytes) };
}

/** A stable hash of a corpus path in [0, 1): the sample does not depend on install order. */
export function pathHash(rel) {
  return createHash('sha1').update(rel).digest().readUInt32BE(0) / 2 ** 32;
}

/** The package a corpus file belongs to: `a/node_modules/@s/b/x.js` → `a/node_modules/@s/b`. */
export function packageOf(rel) {
  const parts = rel.split('/');
  let end = 1;
  for (let i = 0; i < parts.length - 1; i++) {
    if (i === 0 || parts[i - 1] === 'node_modules') end = parts[i].startsWith('@') ? i + 2 : i + 1;
  }
  return parts.slice(0, Math.min(end, parts.length - 1)).join('/');
}

/** Groups sorted files by package, packages sorted. */
export function groupByPackage(files) {
  const groups = new Map();
  for (const f of files) {
    const key = packageOf(f.rel);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, members]) => ({ name, files: members }));
}

const packageTypes = new Map();
/** "module" or "commonjs" for a .js file: the nearest package.json's "type", as Node reads it. */
function jsSourceType(abs) {
  if (abs.endsWith('.mjs')) return 'module';
  if (abs.endsWith('.cjs')) return 'commonjs';
  let dir = path.dirname(abs);
  const seen = [];
  let type;
  for (;;) {
    if (packageTypes.has(dir)) {
      type = packageTypes.get(dir);
      break;
    }
    seen.push(dir);
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        type = JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module' ? 'module' : 'commonjs';
      } catch {
        type = 'commonjs';
      }
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      type = 'commonjs';
      break;
    }
    dir = parent;
  }
  for (const d of seen) packageTypes.set(d, type);
  return type;
}

function scriptKindOf(fileName) {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (TS_FILE.test(fileName)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

/** First line of an error and where it was thrown: enough to find the bug. */
function describeError(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 4).map((l) => l.trim());
  return [e.message.split('\n')[0], ...frames].join('\n      ');
}

/**
 * The corpus runner. `deps` are the keydrift modules under test, so the script runs the built
 * package (dist/) and the test suite runs the sources:
 *   plugin: the ESLint plugin; discoverCallSites, createClientContext, toCheckSite, checkSites,
 *   loadRegistryFor: the analyzer.
 */
export function createCorpusRunner(deps, options = {}) {
  const cwd = options.cwd ?? repoRoot;
  const registryFile = options.registry === undefined ? (fs.existsSync(REGISTRY) ? REGISTRY : undefined) : options.registry || undefined;
  const registry = registryFile ? deps.loadRegistryFor({ cwd, registry: registryFile }) : undefined;
  const linter = new Linter({ cwd });
  const settings = { keydrift: registryFile ? { registry: registryFile } : {} };
  // node_modules is ignored by default: this corpus is exactly node_modules.
  // Explicit extensions: a file matched only by a universal pattern (`**/*`) counts as having
  // no configuration, and ESLint skips it with a warning (counted below as `notLinted`).
  // Inline `eslint-disable` / `/* eslint rule: off */` comments in the corpus are ignored: they
  // name rules this config does not have, and must not switch keydrift's rules off.
  const base = [
    { name: 'corpus/unignore', ignores: ['!**/node_modules/'] },
    deps.plugin.configs.strict,
    { name: 'corpus/settings', settings, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off', reportUnusedInlineConfigs: 'off' } },
  ];
  const untypedConfigs = {
    ts: [...base, { name: 'corpus/ts', files: TS_PATTERNS, languageOptions: { parser: tsParser } }],
    module: [...base, { name: 'corpus/esm', files: JS_PATTERNS, languageOptions: { sourceType: 'module' } }],
    commonjs: [...base, { name: 'corpus/cjs', files: JS_PATTERNS, languageOptions: { sourceType: 'commonjs' } }],
  };

  const stats = {
    files: 0,
    bytes: 0,
    crashes: [],
    exceptions: [],
    unparseable: 0,
    /** Files ESLint did not lint at all ("No matching configuration", "File ignored"): a harness bug. */
    notLinted: [],
    unparseableTyped: 0,
    typedParserFailures: [],
    sourceTypeFallbacks: 0,
    typedFiles: 0,
    typedPackages: 0,
    analyzerSkipped: 0,
    sites: 0,
    sitesTyped: 0,
    findings: { untyped: {}, typed: {}, analyzer: {} },
    ruleMs: {},
    ms: { untyped: 0, typed: 0, analyzer: 0, program: 0 },
    slowest: [],
  };
  const bump = (table, key, n = 1) => (table[key] = (table[key] ?? 0) + n);

  /** One linter run; returns 'ok' | 'fatal' | 'threw' and records findings, times, throws. */
  function lint(pass, file, text, config) {
    let messages;
    const t0 = performance.now();
    try {
      messages = linter.verifyAndFix(text, config, { filename: file.abs, fix: false, stats: true }).messages;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const rule = /\nRule: "([^"]+)"/.exec(message)?.[1] ?? err?.ruleId;
      (rule ? stats.exceptions : stats.crashes).push({ pass, file: file.rel, rule, error: describeError(err) });
      return { outcome: 'threw' };
    } finally {
      const ms = performance.now() - t0;
      stats.ms[pass] += ms;
      stats.slowest.push({ pass, file: file.rel, ms });
      if (stats.slowest.length > 40) stats.slowest = stats.slowest.sort((a, b) => b.ms - a.ms).slice(0, 10);
    }
    for (const p of linter.getTimes().passes) for (const [rule, t] of Object.entries(p.rules ?? {})) bump(stats.ruleMs, rule, t.total);
    const skippedByEslint = messages.find((m) => m.ruleId === null && !m.fatal && /^(No matching configuration|File ignored)/.test(m.message));
    if (skippedByEslint) {
      stats.notLinted.push({ pass, file: file.rel, message: skippedByEslint.message });
      return { outcome: 'ok' };
    }
    const fatal = messages.find((m) => m.fatal);
    if (fatal) return { outcome: 'fatal', message: fatal.message };
    for (const m of messages) if (m.ruleId?.startsWith('keydrift/')) bump(stats.findings[pass], m.ruleId);
    return { outcome: 'ok' };
  }

  function lintUntyped(file, text) {
    if (TS_FILE.test(file.abs)) return lint('untyped', file, text, untypedConfigs.ts).outcome;
    const first = jsSourceType(file.abs);
    const result = lint('untyped', file, text, untypedConfigs[first]);
    if (result.outcome !== 'fatal' || /\.[mc]js$/.test(file.abs)) return result.outcome;
    // A .js file whose package.json says nothing about ESM (bundler output, say): try the other.
    const other = lint('untyped', file, text, untypedConfigs[first === 'module' ? 'commonjs' : 'module']);
    if (other.outcome !== 'fatal') stats.sourceTypeFallbacks++;
    return other.outcome;
  }

  /** A module graph over one package's files: relative imports only, as the rules do. */
  function packageGraph(byName) {
    const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true };
    const cache = ts.createModuleResolutionCache(cwd, (f) => f, options);
    return {
      resolveModule(from, specifier) {
        if (!specifier.startsWith('.')) return undefined;
        const resolved = ts.resolveModuleName(specifier, from.fileName, options, ts.sys, cache).resolvedModule;
        return resolved ? byName.get(resolved.resolvedFileName) : undefined;
      },
    };
  }

  /** Discovery + checks over one package's parsed files; a throw is pinned on a file when it can be. */
  function analyzePackage(pass, pkg, sourceFiles, checker) {
    const t0 = performance.now();
    const relOf = new Map(pkg.files.map((f) => [f.abs, f.rel]));
    const usable = sourceFiles.filter((sf) => sf && !(sf.parseDiagnostics?.length > 0));
    stats.analyzerSkipped += sourceFiles.length - usable.length;
    const graph = packageGraph(new Map(usable.map((sf) => [sf.fileName, sf])));
    const ctx = () => deps.createClientContext(graph, checker);
    try {
      const drafts = deps.discoverCallSites(usable, ctx());
      const relative = (f) => relOf.get(f) ?? path.relative(cwd, f);
      const sites = drafts.map((d) => deps.toCheckSite(d, relative));
      const result = deps.checkSites({ sites, problems: [] }, registry, cwd);
      if (pass === 'analyzer') stats.sites += sites.length;
      else stats.sitesTyped += sites.length;
      for (const f of result.findings) bump(stats.findings.analyzer, `${f.rule}${pass === 'analyzer' ? '' : ' (typed)'}`);
    } catch (err) {
      // Which file? Each alone (wrappers in other files are then not seen, but a crash that
      // needs two files is rare); else the package as a whole.
      let pinned = false;
      for (const sf of usable) {
        try {
          const drafts = deps.discoverCallSites([sf], ctx());
          deps.checkSites({ sites: drafts.map((d) => deps.toCheckSite(d, (f) => relOf.get(f) ?? f)), problems: [] }, registry, cwd);
        } catch (fileErr) {
          stats.crashes.push({ pass, file: relOf.get(sf.fileName) ?? sf.fileName, error: describeError(fileErr) });
          pinned = true;
        }
      }
      if (!pinned) stats.crashes.push({ pass, file: `${pkg.name}/ (package)`, error: describeError(err) });
    } finally {
      stats.ms.analyzer += performance.now() - t0;
    }
  }

  // Lib files are parsed once and shared by every package's program.
  const compilerOptions = {
    allowJs: true,
    checkJs: false,
    noResolve: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    jsx: ts.JsxEmit.Preserve,
  };
  const defaultHost = ts.createCompilerHost(compilerOptions, true);
  const libFiles = new Map();

  function createPackageProgram(texts) {
    const host = {
      ...defaultHost,
      fileExists: (f) => texts.has(f) || defaultHost.fileExists(f),
      readFile: (f) => texts.get(f) ?? defaultHost.readFile(f),
      getSourceFile(fileName, languageVersionOrOptions, onError) {
        const text = texts.get(fileName);
        if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersionOrOptions, true, scriptKindOf(fileName));
        const key = `${fileName}\0${JSON.stringify(languageVersionOrOptions)}`;
        if (!libFiles.has(key)) libFiles.set(key, defaultHost.getSourceFile(fileName, languageVersionOrOptions, onError));
        return libFiles.get(key);
      },
    };
    return ts.createProgram({ rootNames: [...texts.keys()], options: compilerOptions, host });
  }

  /** Untyped lint + untyped analyzer (+ typed lint and analyzer when `typed`) over one package. */
  function runPackage(pkg, { typed = false } = {}) {
    const texts = new Map();
    const fatal = new Set();
    for (const file of pkg.files) {
      const text = fs.readFileSync(file.abs, 'utf8').replace(/^\uFEFF/, '');
      texts.set(file.abs, text);
      stats.files++;
      stats.bytes += file.bytes;
      const outcome = lintUntyped(file, text);
      if (outcome === 'fatal') {
        stats.unparseable++;
        fatal.add(file.abs);
      }
    }
    analyzePackage(
      'analyzer',
      pkg,
      pkg.files.map((f) => ts.createSourceFile(f.abs, texts.get(f.abs), ts.ScriptTarget.Latest, true, scriptKindOf(f.abs))),
      undefined,
    );
    if (!typed) return;

    const t0 = performance.now();
    let program;
    try {
      program = createPackageProgram(texts);
      program.getTypeChecker();
    } catch (err) {
      stats.crashes.push({ pass: 'typed', file: `${pkg.name}/ (program)`, error: describeError(err) });
      return;
    } finally {
      stats.ms.program += performance.now() - t0;
    }
    stats.typedPackages++;
    const config = [...base, { name: 'corpus/typed', files: [...TS_PATTERNS, ...JS_PATTERNS], languageOptions: { parser: tsParser, parserOptions: { programs: [program] } } }];
    for (const file of pkg.files) {
      stats.typedFiles++;
      const result = lint('typed', file, texts.get(file.abs), config);
      if (result.outcome !== 'fatal') continue;
      stats.unparseableTyped++;
      // typescript-eslint gives up on a file the untyped parsers read: worth a look, not a crash.
      if (!fatal.has(file.abs) && TS_FILE.test(file.abs)) stats.typedParserFailures.push({ file: file.rel, message: result.message });
    }
    analyzePackage('analyzer-typed', pkg, pkg.files.map((f) => program.getSourceFile(f.abs)), program.getTypeChecker());
  }

  return { stats, runPackage };
}

function table(obj, unit = '') {
  const rows = Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : 1));
  return rows.length ? rows.map(([k, v]) => `    ${k.padEnd(40)} ${typeof v === 'number' && unit ? v.toFixed(0) + unit : v}`).join('\n') : '    (none)';
}

async function main() {
  const started = performance.now();
  const nodeModules = path.resolve(process.argv[2] ?? path.join(repoRoot, 'node_modules'));
  const budgetS = Number(process.env.CORPUS_BUDGET_S ?? 1800);
  const typedMode = process.env.CORPUS_TYPED ?? 'all'; // all | off
  const dist = (p) => pathToFileURL(path.join(repoRoot, 'dist', p)).href;
  if (!fs.existsSync(path.join(repoRoot, 'dist/rules/index.js'))) {
    console.error('corpus: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const [{ default: plugin }, discover, clients, analyze] = await Promise.all([
    import(dist('rules/index.js')),
    import(dist('src/analyze/discover.js')),
    import(dist('src/redis/clients.js')),
    import(dist('src/analyze/analyze.js')),
  ]);
  const deps = {
    plugin,
    discoverCallSites: discover.discoverCallSites,
    createClientContext: clients.createClientContext,
    toCheckSite: analyze.toCheckSite,
    checkSites: analyze.checkSites,
    loadRegistryFor: analyze.loadRegistryFor,
  };

  const { files, skipped } = listCorpus(nodeModules);
  const packages = groupByPackage(files);
  console.log(`corpus: ${files.length} files in ${packages.length} packages under ${path.relative(process.cwd(), nodeModules) || '.'} (${skipped.length} over ${MAX_BYTES / 1024 / 1024} MB skipped); typed pass: ${typedMode}; budget ${budgetS} s`);
  const runner = createCorpusRunner(deps);
  const { stats } = runner;
  let lastReport = performance.now();
  let stoppedAt;
  for (const [index, pkg] of packages.entries()) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed > budgetS) {
      stoppedAt = pkg.name;
      break;
    }
    runner.runPackage(pkg, { typed: typedMode !== 'off' });
    const now = performance.now();
    if (now - lastReport > 10_000 || index === packages.length - 1) {
      lastReport = now;
      const mb = process.memoryUsage().rss / 1024 / 1024;
      console.error(
        `  [${((now - started) / 1000).toFixed(0)} s] ${stats.files}/${files.length} files, ${index + 1}/${packages.length} packages (${pkg.name}), crashes=${stats.crashes.length} exceptions=${stats.exceptions.length}, rss ${mb.toFixed(0)} MB`,
      );
    }
  }
  const totalS = (performance.now() - started) / 1000;

  console.log('');
  if (stoppedAt) console.log(`TIME BUDGET (${budgetS} s) EXHAUSTED before package ${stoppedAt}: ${files.length - stats.files} files not run`);
  console.log(`files:        ${stats.files} (${(stats.bytes / 1024 / 1024).toFixed(1)} MB), typed pass ${stats.typedFiles} files in ${stats.typedPackages} programs`);
  console.log(`skipped:      ${skipped.length} over ${MAX_BYTES / 1024 / 1024} MB${skipped.length ? ': ' + skipped.map((s) => `${s.rel} (${(s.bytes / 1024 / 1024).toFixed(1)} MB)`).join(', ') : ''}`);
  console.log(`unparseable:  ${stats.unparseable} (untyped: ESLint's parser gave up; ${stats.sourceTypeFallbacks} .js files parsed only with the other sourceType), typed pass ${stats.unparseableTyped}`);
  console.log(`analyzer:     ${stats.sites} call sites untyped, ${stats.sitesTyped} typed; ${stats.analyzerSkipped} file passes skipped (TypeScript parse errors, as keydrift analyze does)`);
  if (stats.typedParserFailures.length) {
    console.log(`typed parser failures on TypeScript files the untyped pass read (${stats.typedParserFailures.length}):`);
    for (const f of stats.typedParserFailures.slice(0, 20)) console.log(`    ${f.file}: ${f.message.split('\n')[0]}`);
  }
  console.log('findings, untyped lint:\n' + table(stats.findings.untyped));
  console.log('findings, typed lint:\n' + table(stats.findings.typed));
  console.log('findings, analyzer:\n' + table(stats.findings.analyzer));
  console.log('rule time (both lint passes):\n' + table(stats.ruleMs, ' ms'));
  console.log(
    `time:         total ${totalS.toFixed(1)} s; lint untyped ${(stats.ms.untyped / 1000).toFixed(1)} s, lint typed ${(stats.ms.typed / 1000).toFixed(1)} s, programs ${(stats.ms.program / 1000).toFixed(1)} s, analyzer ${(stats.ms.analyzer / 1000).toFixed(1)} s`,
  );
  console.log('slowest lint runs:\n' + stats.slowest.sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => `    ${s.file} (${s.pass}) ${s.ms.toFixed(0)} ms`).join('\n'));
  if (stats.notLinted.length) {
    console.log(`NOT LINTED by ESLint (${stats.notLinted.length}; a bug in this script's config):`);
    for (const n of stats.notLinted.slice(0, 20)) console.log(`    [${n.pass}] ${n.file}: ${n.message}`);
  }
  for (const [label, list] of [['CRASHES', stats.crashes], ['RULE EXCEPTIONS', stats.exceptions]]) {
    if (!list.length) continue;
    console.log(`${label} (${list.length}):`);
    for (const c of list.slice(0, 50)) console.log(`  [${c.pass}] ${c.file}${c.rule ? ` rule ${c.rule}` : ''}\n      ${c.error}`);
  }
  console.log(`corpus files=${stats.files} crashes=${stats.crashes.length} exceptions=${stats.exceptions.length}`);
  process.exitCode = stats.crashes.length || stats.exceptions.length || stats.notLinted.length || stoppedAt ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();

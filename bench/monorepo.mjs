// keydrift monorepo benchmark (issue 7, item 5): `node bench/monorepo.mjs`, also run at the end of
// `npm run bench` unless BENCH_MONOREPO=0.
//
// Generates a deterministic monorepo in bench/.out/monorepo-<files>/ (regenerated only when its
// marker's generator version, seed, size or package count differs):
//   tsconfig.json        `files: []` and `references` to every package (a solution-style root)
//   tsconfig.base.json   shared options and a `paths` alias per package (@bench/pkg-i/* -> src/*)
//   keydrift.keys.json   the registry (every package uses the same key families)
//   packages/pkg-i/      a bench/generate.mjs service tree (seed varies by package) with its own
//                        tsconfig.json: `composite: true`, output in .build/, `references` to pkg-0
//                        (and to pkg-(i-1) for even i), plus src/cross/shared.ts, which deletes
//                        keys built by pkg-0's key builders through the alias.
// and measures, each command in its own child process (median wall time of BENCH_RUNS rounds, each
// round running parse, tsc-build, untyped and typed once; peak RSS by GNU time when usable, else
// bench/peak.mjs):
//   parse       syntax-only parse of every .ts file (this script with --parse): the floor
//   tsc-build   tsc --build over the root, from clean (.build removed before every run)
//   untyped     keydrift analyze --no-types over the whole monorepo
//   typed       keydrift analyze --types
//   shard i/4   keydrift analyze --no-types --shard i/4, for each i; then `keydrift merge`,
//               which must give the unsharded run's findings
// Shard evenness: the largest shard's assigned file bytes (src/analyze/shard.js's own assignment)
// and its median time, each over the mean of the shards.
//
// Environment: BENCH_MONOREPO_FILES=10000 BENCH_MONOREPO_PACKAGES=8 BENCH_MONOREPO_SHARDS=4
// BENCH_RUNS=3 BENCH_SEED=42 BENCH_TIMEOUT=1800 BENCH_PEAK=time|node BENCH_KEYDRIFT=path.
//
// The last line printed is always
//   bench monorepo files=N untyped_vs_tsc_build=X typed_vs_tsc_build=Y peak_vs_tsc_build=Z shard_max_vs_mean=W
// ("n/a" where a command failed). Results are also written to bench/.out/monorepo-results.json.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTree } from './generate.mjs';
import { fmt, gnuTimeUsable, lastLines, lpad, measureCommand, measureRounds, measureWritingJson, median, pad, ratio, ratiosByRound, statusText } from './measure.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const outDir = path.join(benchDir, '.out');
const logDir = path.join(outDir, 'logs');

/** Bump when the monorepo layout changes, so a cached monorepo is regenerated. */
const MONOREPO_VERSION = 1;
const MARKER = '.keydrift-monorepo.json';

// ---------------------------------------------------------------------------------------------
// --parse <dir>: the syntax-only floor, every .ts file under packages/*/src.

if (process.argv[2] === '--parse') {
  // Loaded through require, as keydrift loads it (see bench/parse.mjs).
  const ts = createRequire(import.meta.url)('typescript');
  let files = 0;
  let statements = 0;
  for (const file of sourceFiles(path.resolve(process.argv[3]))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    statements += sf.statements.length;
    files++;
  }
  console.log(JSON.stringify({ typescript: ts.version, files, statements }));
  process.exit(0);
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(abs);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield abs;
  }
}

function sourceFiles(root) {
  const packagesDir = path.join(root, 'packages');
  return fs
    .readdirSync(packagesDir)
    .sort()
    .flatMap((pkg) => [...walk(path.join(packagesDir, pkg, 'src'))]);
}

// ---------------------------------------------------------------------------------------------
// Generation

const json = (value) => JSON.stringify(value, null, 2) + '\n';
const packageName = (i) => `pkg-${i}`;

function referencesOf(i) {
  if (i === 0) return [];
  const refs = [0];
  if (i % 2 === 0 && i - 1 > 0) refs.push(i - 1);
  return refs;
}

function crossPackageFile(i) {
  const lines = [`// Cross-package invalidation: keys built by ${packageName(0)}'s builders, through the alias.`];
  lines.push(`import { productKey, userKey } from '@bench/${packageName(0)}/keys/index';`);
  lines.push(`import { redis } from '../redis';`);
  lines.push('');
  lines.push(`export async function dropShared${i}(id: string): Promise<void> {`);
  lines.push(`  await redis.del(productKey(id), userKey(id));`);
  lines.push(`}`);
  lines.push('');
  return lines.join('\n');
}

/** Writes the monorepo (emptied first); returns its manifest. */
export function generateMonorepo(dir, { files, packages, seed }) {
  const root = path.resolve(dir);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'packages'), { recursive: true });
  const manifest = { version: MONOREPO_VERSION, seed, files, packages, totalFiles: 0, bytes: 0, redisCalls: 0, drift: 0, noTtl: 0 };
  const paths = {};
  // `files` counts every .ts file: each package's shared files (clients, key builders, models)
  // and cross-package file come off the module files generate.mjs is asked for.
  const shared = generateTree(path.join(root, 'packages', '.probe'), 0, seed).totalFiles;
  fs.rmSync(path.join(root, 'packages', '.probe'), { recursive: true, force: true });
  const modules = Math.max(0, files - shared * packages - (packages - 1));
  for (let i = 0; i < packages; i++) {
    const name = packageName(i);
    const pkgDir = path.join(root, 'packages', name);
    // Spread the module files evenly; the first packages take the remainder.
    const count = Math.floor(modules / packages) + (i < modules % packages ? 1 : 0);
    const m = generateTree(pkgDir, count, seed * 1000 + i);
    // The registry is the same for every package: keep one, at the root.
    if (i === 0) fs.copyFileSync(path.join(pkgDir, 'keydrift.keys.json'), path.join(root, 'keydrift.keys.json'));
    fs.rmSync(path.join(pkgDir, 'keydrift.keys.json'));
    if (i > 0) {
      fs.mkdirSync(path.join(pkgDir, 'src/cross'), { recursive: true });
      fs.writeFileSync(path.join(pkgDir, 'src/cross/shared.ts'), crossPackageFile(i));
    }
    fs.writeFileSync(
      path.join(pkgDir, 'tsconfig.json'),
      json({
        extends: '../../tsconfig.base.json',
        compilerOptions: { composite: true, rootDir: 'src', outDir: `../../.build/${name}`, tsBuildInfoFile: `../../.build/${name}.tsbuildinfo` },
        include: ['src'],
        references: referencesOf(i).map((r) => ({ path: `../${packageName(r)}` })),
      }),
    );
    fs.writeFileSync(path.join(pkgDir, 'package.json'), json({ name: `@bench/${name}`, private: true, type: 'module' }));
    paths[`@bench/${name}/*`] = [`./packages/${name}/src/*`];
    manifest.redisCalls += m.redisCalls + (i > 0 ? 1 : 0);
    manifest.drift += m.drift.length;
    manifest.noTtl += m.noTtl.length;
  }
  fs.writeFileSync(
    path.join(root, 'tsconfig.base.json'),
    json({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'ESNext',
        moduleResolution: 'bundler',
        strict: true,
        skipLibCheck: true,
        esModuleInterop: true,
        declaration: true,
        types: ['node'],
        paths,
      },
    }),
  );
  fs.writeFileSync(path.join(root, 'tsconfig.json'), json({ files: [], references: Array.from({ length: packages }, (_, i) => ({ path: `./packages/${packageName(i)}` })) }));
  fs.writeFileSync(path.join(root, 'package.json'), json({ name: 'keydrift-bench-monorepo', private: true, type: 'module', workspaces: ['packages/*'] }));
  for (const file of sourceFiles(root)) {
    manifest.totalFiles++;
    manifest.bytes += fs.statSync(file).size;
  }
  fs.writeFileSync(path.join(root, MARKER), json(manifest));
  return manifest;
}

function readMonorepoMarker(dir, { files, packages, seed }) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
    if (m.version === MONOREPO_VERSION && m.files === files && m.packages === packages && m.seed === seed) return m;
  } catch {
    // missing or unreadable: regenerate
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Measuring (as bench/run.mjs does)

const NODE = process.execPath;
const TSC = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

export async function runMonorepoBench(env = process.env) {
  const FILES = Number(env.BENCH_MONOREPO_FILES ?? 10000);
  const PACKAGES = Math.max(1, Number(env.BENCH_MONOREPO_PACKAGES ?? 8) || 8);
  const SHARDS = Math.max(1, Number(env.BENCH_MONOREPO_SHARDS ?? 4) || 4);
  const RUNS = Math.max(1, Number(env.BENCH_RUNS ?? 3) || 3);
  const SEED = Number(env.BENCH_SEED ?? 42);
  const TIMEOUT_MS = Number(env.BENCH_TIMEOUT ?? 1800) * 1000;
  const KEYDRIFT = path.resolve(env.BENCH_KEYDRIFT ?? path.join(repoRoot, 'bin', 'keydrift.js'));
  fs.mkdirSync(logDir, { recursive: true });
  const PEAK_METHOD = env.BENCH_PEAK ?? (gnuTimeUsable(outDir) ? 'time' : 'node');

  const measure = (tag, script, args, { cwd, accept, before } = {}) => {
    before?.();
    const log = path.join(logDir, `monorepo-${tag}.log`);
    return measureCommand({ script, args, cwd, log, outDir, peakMethod: PEAK_METHOD, timeoutMs: TIMEOUT_MS, accept });
  };

  // ---- the monorepo
  const dir = path.join(outDir, `monorepo-${FILES}`);
  const options = { files: FILES, packages: PACKAGES, seed: SEED };
  let manifest = readMonorepoMarker(dir, options);
  let genSeconds = null;
  if (!manifest) {
    const t0 = performance.now();
    manifest = generateMonorepo(dir, options);
    genSeconds = (performance.now() - t0) / 1000;
  }
  console.log(
    `== monorepo-${FILES}: ${PACKAGES} packages (composite, project references), ${manifest.totalFiles.toLocaleString('en')} .ts files, ` +
      `${(manifest.bytes / 1e6).toFixed(1)} MB, ~${manifest.redisCalls.toLocaleString('en')} Redis call sites, ${manifest.drift} drifted deletes ` +
      `${genSeconds === null ? '(cached)' : `(generated in ${genSeconds.toFixed(1)} s)`}; runs=${RUNS} peak=${PEAK_METHOD}`,
  );

  const tsconfig = path.join(dir, 'tsconfig.json');
  const buildDir = path.join(dir, '.build');
  const keydriftAccept = (s) => s === 0 || s === 1;
  const resultFile = (name) => path.join(outDir, `monorepo-${FILES}-${name}.json`);
  const rows = {};
  const show = (row) => {
    rows[row.name] = row;
    process.stdout.write(`   ${pad(row.name, 11)} ${row.ok ? `${fmt(row.seconds)} s  ${fmt(row.peakMB, 0)} MB` : `n/a (${statusText(row.status)}); log ${path.relative(repoRoot, row.log)}`}\n`);
    if (!row.ok) console.log(lastLines(row.log, 8));
  };

  const keydriftRun = (types) => {
    const name = types ? 'typed' : 'untyped';
    const out = resultFile(name);
    return { name, script: KEYDRIFT, args: ['analyze', '--project', tsconfig, types ? '--types' : '--no-types', '--format', 'json', '--output', out], json: out, options: { cwd: dir, accept: keydriftAccept } };
  };
  const commands = [
    { name: 'parse', script: fileURLToPath(import.meta.url), args: ['--parse', dir], options: { cwd: repoRoot } },
    { name: 'tsc-build', script: TSC, args: ['--build', tsconfig], options: { cwd: dir, before: () => fs.rmSync(buildDir, { recursive: true, force: true }) } },
    keydriftRun(false),
    keydriftRun(true),
  ];
  const measured = measureRounds(commands, RUNS, (c) => measure(c.name, c.script, c.args, c.options));
  fs.rmSync(buildDir, { recursive: true, force: true });
  for (const row of measured) show(row);

  // ---- shards, interleaved (run 1 of every shard, then run 2, …) so that a busy moment on the
  // machine does not land on one shard's runs only.
  const shardRows = Array.from({ length: SHARDS }, (_, k) => ({ name: `shard ${k + 1}/${SHARDS}`, ok: true, times: [], peaks: [], json: resultFile(`shard-${k + 1}-of-${SHARDS}`) }));
  for (let run = 0; run < RUNS; run++) {
    for (const [k, row] of shardRows.entries()) {
      if (!row.ok) continue;
      const args = ['analyze', '--project', tsconfig, '--no-types', '--shard', `${k + 1}/${SHARDS}`, '--format', 'json', '--output', row.json];
      const m = measureWritingJson(row.json, () => measure(`shard-${k + 1}-of-${SHARDS}`, KEYDRIFT, args, { cwd: dir, accept: keydriftAccept }));
      if (!m.ok) Object.assign(row, { ok: false, status: m.status, log: m.log });
      else {
        row.times.push(m.seconds);
        if (m.peakMB !== null) row.peaks.push(m.peakMB);
      }
    }
  }
  for (const row of shardRows) {
    if (row.ok) Object.assign(row, { seconds: median(row.times), peakMB: row.peaks.length ? Math.max(...row.peaks) : null });
    show(row);
  }

  // Work assigned to each shard, by keydrift's own assignment (the built one, dist/).
  let shardBytes = null;
  const shardModule = path.join(repoRoot, 'dist', 'src', 'analyze', 'shard.js');
  if (fs.existsSync(shardModule)) {
    const { assignShards } = await import(pathToFileURL(shardModule).href);
    const items = sourceFiles(dir).map((file) => ({ name: file, weight: fs.readFileSync(file, 'utf8').length }));
    const assigned = assignShards(items, SHARDS);
    shardBytes = new Array(SHARDS).fill(0);
    items.forEach((item, k) => (shardBytes[assigned[k]] += item.weight));
  }

  const summarize = (file) => {
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      const byRule = {};
      for (const f of data.findings ?? []) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
      return { callSites: (data.callSites ?? data.sites ?? []).length, sites: data.sites?.length, findings: (data.findings ?? []).length, byRule, fingerprints: (data.findings ?? []).map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`).sort() };
    } catch (err) {
      return { error: err.message };
    }
  };

  // Merge: the shards together must give the unsharded run's findings.
  let mergeNote = 'not run';
  if (shardRows.every((r) => r.ok) && rows.untyped?.ok) {
    const merged = resultFile('merged');
    fs.rmSync(merged, { force: true });
    const m = spawnSync(NODE, [KEYDRIFT, 'merge', ...shardRows.map((r) => r.json), '--format', 'json', '--output', merged], { cwd: dir, encoding: 'utf8', timeout: TIMEOUT_MS });
    const a = summarize(merged);
    const b = summarize(resultFile('untyped'));
    if (a.error || b.error) mergeNote = `failed (exit ${m.status}): ${a.error ?? b.error}`;
    else mergeNote = JSON.stringify(a.fingerprints) === JSON.stringify(b.fingerprints) && a.callSites === b.callSites ? `equals the unsharded run (${a.callSites} call sites, ${a.findings} findings)` : `DIFFERS from the unsharded run (${a.callSites} vs ${b.callSites} call sites, ${a.findings} vs ${b.findings} findings)`;
  }

  // ---- table and ratios
  const tscBuild = rows['tsc-build']?.ok ? rows['tsc-build'] : null;
  const parse = rows.parse?.ok ? rows.parse : null;
  console.log('');
  console.log(`   ${pad('command', 12)}${lpad('median s', 10)}${lpad('peak MB', 10)}${lpad('vs parse', 10)}${lpad('vs build', 10)}  runs (s)`);
  for (const r of [rows.parse, rows['tsc-build'], rows.untyped, rows.typed, ...shardRows]) {
    if (!r) continue;
    if (!r.ok) {
      console.log(`   ${pad(r.name, 12)}${lpad('n/a', 10)}${lpad('n/a', 10)}${lpad('n/a', 10)}${lpad('n/a', 10)}  ${statusText(r.status)}`);
      continue;
    }
    console.log(
      `   ${pad(r.name, 12)}${lpad(fmt(r.seconds), 10)}${lpad(fmt(r.peakMB, 0), 10)}${lpad(fmt(ratio(r.seconds, parse?.seconds)), 10)}${lpad(fmt(ratio(r.seconds, tscBuild?.seconds)), 10)}  ` +
        r.times.map((t) => t.toFixed(2)).join(' '),
    );
  }
  if (parse && rows.untyped?.ok) {
    // Round by round, each pair measured minutes apart at most: how far the load moved the ratio.
    console.log(`   untyped vs parse by round: ${ratiosByRound(rows.untyped.times, parse.times)}`);
  }
  for (const name of ['untyped', 'typed']) {
    if (!rows[name]?.ok) continue;
    const k = summarize(resultFile(name));
    if (k.error) console.log(`   keydrift ${name}: ${k.error}`);
    else {
      const rules = Object.entries(k.byRule).sort((x, y) => y[1] - x[1]).map(([rule, n]) => `${rule}=${n}`).join(' ');
      console.log(`   keydrift ${name}: ${k.callSites} call sites (generator emitted ~${manifest.redisCalls}), ${k.findings} findings [${rules}]`);
    }
  }

  const okShards = shardRows.filter((r) => r.ok);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const shardTime = okShards.length === SHARDS ? ratio(Math.max(...okShards.map((r) => r.seconds)), mean(okShards.map((r) => r.seconds))) : null;
  const shardWork = shardBytes ? ratio(Math.max(...shardBytes), mean(shardBytes)) : null;
  if (shardBytes) console.log(`   shard work (file chars): ${shardBytes.map((b) => (b / 1e6).toFixed(2) + ' M').join(', ')}; max/mean ${fmt(shardWork, 3)}`);
  if (okShards.length === SHARDS) console.log(`   shard time: ${okShards.map((r) => fmt(r.seconds) + ' s').join(', ')}; max/mean ${fmt(shardTime, 3)}`);
  console.log(`   merge of ${SHARDS} shards: ${mergeNote}`);

  const peakKd = [rows.untyped, rows.typed].filter((r) => r?.ok && r.peakMB !== null).map((r) => r.peakMB);
  const summary = {
    files: manifest.totalFiles,
    untyped_vs_parse: ratio(rows.untyped?.ok ? rows.untyped.seconds : null, parse?.seconds),
    untyped_vs_tsc_build: ratio(rows.untyped?.ok ? rows.untyped.seconds : null, tscBuild?.seconds),
    typed_vs_tsc_build: ratio(rows.typed?.ok ? rows.typed.seconds : null, tscBuild?.seconds),
    peak_vs_tsc_build: ratio(peakKd.length ? Math.max(...peakKd) : null, tscBuild?.peakMB),
    shard_work_max_vs_mean: shardWork,
    shard_time_max_vs_mean: shardTime,
    shard_max_vs_mean: shardWork === null && shardTime === null ? null : Math.max(shardWork ?? 0, shardTime ?? 0),
  };
  const verdict = (x, limit) => (x === null ? 'n/a' : x <= limit ? 'ok' : 'OVER');
  console.log(
    `   targets: untyped_vs_parse ${fmt(summary.untyped_vs_parse)} (≤ 2: ${verdict(summary.untyped_vs_parse, 2)}), ` +
      `typed_vs_tsc_build ${fmt(summary.typed_vs_tsc_build)} (≤ 0.5: ${verdict(summary.typed_vs_tsc_build, 0.5)}), ` +
      `peak_vs_tsc_build ${fmt(summary.peak_vs_tsc_build)} (≤ 1: ${verdict(summary.peak_vs_tsc_build, 1)}), ` +
      `shard_max_vs_mean ${fmt(summary.shard_max_vs_mean)} (≤ 1.3: ${verdict(summary.shard_max_vs_mean, 1.3)})`,
  );
  fs.writeFileSync(
    path.join(outDir, 'monorepo-results.json'),
    json({ date: new Date().toISOString(), runs: RUNS, seed: SEED, peakMethod: PEAK_METHOD, manifest, genSeconds, rows, shards: shardRows, shardBytes, merge: mergeNote, summary }),
  );
  console.log('');
  console.log(
    `bench monorepo files=${summary.files} untyped_vs_tsc_build=${fmt(summary.untyped_vs_tsc_build)} typed_vs_tsc_build=${fmt(summary.typed_vs_tsc_build)} ` +
      `peak_vs_tsc_build=${fmt(summary.peak_vs_tsc_build)} shard_max_vs_mean=${fmt(summary.shard_max_vs_mean)}`,
  );
  return summary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runMonorepoBench();
}

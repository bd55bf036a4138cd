// keydrift benchmark: `npm run bench`.
//
// Generates synthetic service trees (bench/generate.mjs) and, for each, measures median wall time
// and peak RSS of four commands, each in its own child process:
//   parse    syntax-only parse of every file (bench/parse.mjs): the floor for any analyzer
//   tsc      tsc --noEmit: what a full type check costs on this tree
//   untyped  keydrift analyze --no-types
//   typed    keydrift analyze --types
//
// Environment:
//   BENCH_SIZES=200,1000   tree sizes (default 1000,5000)
//   BENCH_RUNS=3           rounds: each round runs every command once (medians are reported)
//   BENCH_SEED=42          generator seed
//   BENCH_REDIS_SHARE=1    share of module files that use Redis (default 1: every one does; 0.25
//                          and 0 show what keydrift costs on code that uses Redis less, or not at all)
//   BENCH_TIMEOUT=1800     per-run timeout in seconds
//   BENCH_PEAK=time|node   peak-RSS method (default: GNU /usr/bin/time if usable, else bench/peak.mjs)
//   BENCH_ONLY=parse,tsc   measure only these commands
//   BENCH_KEYDRIFT=path    keydrift CLI to run (default bin/keydrift.js)
//
// The last line printed is always:
//   bench files=<largest size> untyped_vs_parse=X typed_vs_tsc=Y peak_vs_tsc=Z
// with "n/a" for ratios whose commands failed. Results are also written to bench/.out/results.json.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, readMarker } from './generate.mjs';
import { fmt, gnuTimeUsable, lastLines, lpad, measureCommand, measureRounds, median, pad, ratio, ratiosByRound, statusText } from './measure.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const outDir = path.join(benchDir, '.out');
const logDir = path.join(outDir, 'logs');
fs.mkdirSync(logDir, { recursive: true });

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const REDIS_SHARE = Number(process.env.BENCH_REDIS_SHARE ?? 1);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT ?? 1800) * 1000;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;

if (!(REDIS_SHARE >= 0 && REDIS_SHARE <= 1)) {
  console.error('BENCH_REDIS_SHARE must be a number from 0 to 1');
  process.exit(2);
}
if (SIZES.length === 0) {
  console.error('BENCH_SIZES must be a comma-separated list of positive integers');
  process.exit(2);
}

const NODE = process.execPath;
const TSC = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const KEYDRIFT = path.resolve(process.env.BENCH_KEYDRIFT ?? path.join(repoRoot, 'bin', 'keydrift.js'));

// ---------------------------------------------------------------------------------------------
// Peak RSS: GNU time if it works here, else the in-process wrapper.

const PEAK_METHOD = process.env.BENCH_PEAK ?? (gnuTimeUsable(outDir) ? 'time' : 'node');

/** One measured run of `node <script> ...args`, logged to bench/.out/logs/<tag>-<name>.log. */
function measure(name, tag, script, args, { cwd = repoRoot, accept } = {}) {
  const log = path.join(logDir, `${tag}-${name}.log`);
  return measureCommand({ script, args, cwd, log, outDir, peakMethod: PEAK_METHOD, timeoutMs: TIMEOUT_MS, accept });
}

// ---------------------------------------------------------------------------------------------

function commandsFor(tree, size) {
  const tsconfig = path.join(tree, 'tsconfig.json');
  const keydrift = (types) => {
    const json = path.join(outDir, `result-${size}-${types ? 'typed' : 'untyped'}.json`);
    return {
      name: types ? 'typed' : 'untyped',
      script: KEYDRIFT,
      args: ['analyze', '--project', tsconfig, types ? '--types' : '--no-types', '--format', 'json', '--output', json],
      cwd: tree,
      json,
      // 0 = no error-level finding, 1 = findings (the tree has deliberate drift); 2+ = failure.
      accept: (s) => s === 0 || s === 1,
    };
  };
  // An unchanged re-run with --cache (warmed once first): what a pre-commit hook pays.
  const cachedJson = path.join(outDir, `result-${size}-cached.json`);
  const cached = {
    name: 'cached',
    script: KEYDRIFT,
    args: ['analyze', '--project', tsconfig, '--no-types', '--cache', '--cache-location', path.join(outDir, `cache-${size}`), '--format', 'json', '--output', cachedJson],
    cwd: tree,
    json: cachedJson,
    warm: true,
    accept: (s) => s === 0 || s === 1,
  };
  return [
    { name: 'parse', script: path.join(benchDir, 'parse.mjs'), args: [tree] },
    { name: 'tsc', script: TSC, args: ['--noEmit', '-p', tsconfig] },
    keydrift(false),
    keydrift(true),
    cached,
  ].filter((c) => !ONLY || ONLY.has(c.name));
}

function readKeydriftJson(file) {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!data || !Array.isArray(data.callSites)) return { error: 'JSON has no callSites array' };
    const byRule = {};
    for (const f of data.findings ?? []) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    const unresolved = data.callSites.filter((c) => (c.keys ?? []).some((k) => k.template === null)).length;
    return {
      callSites: data.callSites.length,
      templates: Array.isArray(data.templates) ? data.templates.length : null,
      findings: Array.isArray(data.findings) ? data.findings.length : null,
      unresolved,
      byRule,
    };
  } catch (err) {
    return { error: `cannot read ${path.relative(repoRoot, file)}: ${err.message}` };
  }
}


function ensureTree(size) {
  const tree = path.join(outDir, REDIS_SHARE === 1 ? `tree-${size}` : `tree-${size}-redis${REDIS_SHARE}`);
  let manifest = readMarker(tree, size, SEED, REDIS_SHARE);
  let genSeconds = null;
  if (!manifest) {
    const t0 = performance.now();
    manifest = generateTree(tree, size, SEED, { redisShare: REDIS_SHARE });
    genSeconds = (performance.now() - t0) / 1000;
  }
  return { tree, manifest, genSeconds };
}

// ---------------------------------------------------------------------------------------------

console.log(
  `keydrift bench: sizes=${SIZES.join(',')} runs=${RUNS} seed=${SEED} redis_share=${REDIS_SHARE} peak=${PEAK_METHOD} ` +
    `node=${process.version} cpus=${os.cpus().length} (${os.cpus()[0]?.model ?? '?'})`,
);

const results = [];
for (const size of SIZES) {
  const { tree, manifest, genSeconds } = ensureTree(size);
  console.log('');
  console.log(
    `== ${path.basename(tree)}: ${manifest.totalFiles} .ts files, ${manifest.lines.toLocaleString('en')} lines, ` +
      `~${manifest.redisCalls.toLocaleString('en')} Redis call sites, ${manifest.drift.length} drifted deletes, ` +
      `${manifest.noTtl.length} SETs without TTL ` +
      (genSeconds === null ? '(cached)' : `(generated in ${genSeconds.toFixed(1)} s)`),
  );

  const commands = commandsFor(tree, size).map((c) => ({ ...c, failure: fs.existsSync(c.script) ? null : { status: `${path.relative(repoRoot, c.script)} not found`, log: null } }));
  for (const c of commands) if (!c.failure && c.warm) measure(c.name, `${path.basename(tree)}-warm`, c.script, c.args, { cwd: c.cwd, accept: c.accept });
  const measured = measureRounds(commands, RUNS, (c) => measure(c.name, path.basename(tree), c.script, c.args, { cwd: c.cwd, accept: c.accept }));
  const rows = {};
  commands.forEach((c, i) => {
    const row = measured[i];
    if (row.ok && c.json) row.keydrift = readKeydriftJson(c.json);
    rows[c.name] = row;
    process.stdout.write(
      `   ${pad(c.name, 8)} ${row.ok ? `${fmt(row.seconds)} s  ${fmt(row.peakMB, 0)} MB` : `n/a (${statusText(row.status)})`}\n`,
    );
  });

  const parse = rows.parse?.ok ? rows.parse : null;
  const tsc = rows.tsc?.ok ? rows.tsc : null;
  console.log('');
  console.log(`   ${pad('command', 9)}${lpad('median s', 10)}${lpad('peak MB', 10)}${lpad('vs parse', 10)}${lpad('vs tsc', 9)}  runs (s)`);
  for (const name of ['parse', 'tsc', 'untyped', 'typed', 'cached']) {
    const r = rows[name];
    if (!r) continue;
    if (!r.ok) {
      console.log(`   ${pad(name, 9)}${lpad('n/a', 10)}${lpad('n/a', 10)}${lpad('n/a', 10)}${lpad('n/a', 9)}  ${statusText(r.status)}`);
      continue;
    }
    console.log(
      `   ${pad(name, 9)}${lpad(fmt(r.seconds), 10)}${lpad(fmt(r.peakMB, 0), 10)}` +
        `${lpad(fmt(ratio(r.seconds, parse?.seconds)), 10)}${lpad(fmt(ratio(r.seconds, tsc?.seconds)), 9)}  ` +
        r.times.map((t) => t.toFixed(2)).join(' '),
    );
  }
  if (parse && rows.untyped?.ok) {
    // Round by round, each pair measured under about the same load: how far the load moved the ratio.
    console.log(`   untyped vs parse by round: ${ratiosByRound(rows.untyped.times, parse.times)}`);
  }
  for (const name of ['untyped', 'typed']) {
    const r = rows[name];
    if (!r) continue;
    if (!r.ok) {
      if (!r.log) {
        console.log(`   keydrift ${name}: not run (${r.status})`);
        continue;
      }
      console.log(`   keydrift ${name}: failed (${statusText(r.status)}); log ${path.relative(repoRoot, r.log)}`);
      console.log(lastLines(r.log));
    } else if (r.keydrift.error) {
      console.log(`   keydrift ${name}: ${r.keydrift.error}`);
    } else {
      const k = r.keydrift;
      const rules = Object.entries(k.byRule)
        .sort((a, b) => b[1] - a[1])
        .map(([rule, n]) => `${rule}=${n}`)
        .join(' ');
      console.log(
        `   keydrift ${name}: ${k.callSites} call sites (generator emitted ~${manifest.redisCalls}), ` +
          `${k.unresolved} with an unresolved key, ${k.templates ?? 'n/a'} templates, ${k.findings ?? 'n/a'} findings` +
          (rules ? ` [${rules}]` : ''),
      );
    }
  }
  for (const name of ['parse', 'tsc']) {
    const r = rows[name];
    if (r && !r.ok) {
      console.log(`   ${name} failed (${statusText(r.status)}); log ${path.relative(repoRoot, r.log)}`);
      console.log(lastLines(r.log));
    }
  }

  const peakKd = [rows.untyped, rows.typed].filter((r) => r?.ok && r.peakMB !== null).map((r) => r.peakMB);
  const summary = {
    files: size,
    untyped_vs_parse: ratio(rows.untyped?.ok ? rows.untyped.seconds : null, parse?.seconds),
    typed_vs_tsc: ratio(rows.typed?.ok ? rows.typed.seconds : null, tsc?.seconds),
    peak_vs_tsc: ratio(peakKd.length ? Math.max(...peakKd) : null, tsc?.peakMB),
    cold_vs_cached: ratio(rows.untyped?.ok ? rows.untyped.seconds : null, rows.cached?.ok ? rows.cached.seconds : null),
  };
  console.log(
    `   ratios: untyped_vs_parse=${fmt(summary.untyped_vs_parse)} typed_vs_tsc=${fmt(summary.typed_vs_tsc)} ` +
      `peak_vs_tsc=${fmt(summary.peak_vs_tsc)} cold_vs_cached=${fmt(summary.cold_vs_cached)}`,
  );
  results.push({ size, manifest: { ...manifest, drift: manifest.drift.length, noTtl: manifest.noTtl.length }, genSeconds, rows, summary });
}

fs.writeFileSync(
  path.join(outDir, 'results.json'),
  JSON.stringify({ date: new Date().toISOString(), runs: RUNS, seed: SEED, redisShare: REDIS_SHARE, peakMethod: PEAK_METHOD, results }, null, 2) + '\n',
);

const largest = results.reduce((a, b) => (b.size > a.size ? b : a));
const s = largest.summary;

// The ESLint rules' share of an ESLint run (on the 1,000-file tree, or the smallest measured).
if (process.env.BENCH_ESLINT !== '0' && !ONLY) {
  const eslintSize = SIZES.includes(1000) ? 1000 : Math.min(...SIZES);
  console.log('');
  const { tree } = ensureTree(eslintSize);
  console.log(`== eslint on ${path.basename(tree)}`);
  spawnSync(NODE, [path.join(benchDir, 'eslint.mjs'), tree, String(RUNS)], { stdio: 'inherit', cwd: repoRoot });
}

// The live audit against a local redis-server, when the machine has one.
if (process.env.BENCH_AUDIT !== '0' && !ONLY && spawnSync('redis-server', ['--version']).status === 0) {
  console.log('');
  console.log('== audit');
  spawnSync(NODE, [path.join(benchDir, 'audit.mjs')], { stdio: 'inherit', cwd: repoRoot });
}

// A 10,000-file monorepo with project references: tsc --build, whole-repo runs, shards (bench/monorepo.mjs).
if (process.env.BENCH_MONOREPO !== '0' && !ONLY) {
  console.log('');
  spawnSync(NODE, [path.join(benchDir, 'monorepo.mjs')], { stdio: 'inherit', cwd: repoRoot });
}
console.log('');
console.log(
  `bench files=${largest.size} untyped_vs_parse=${fmt(s.untyped_vs_parse)} typed_vs_tsc=${fmt(s.typed_vs_tsc)} peak_vs_tsc=${fmt(s.peak_vs_tsc)}`,
);

// keydrift audit benchmark: `node bench/audit.mjs` (needs redis-server and redis-cli).
//
// Starts a throwaway redis-server on 127.0.0.1 (random port, temp dir, no persistence), loads
// BENCH_AUDIT_KEYS keys of mixed families with `redis-cli --pipe` (TTLs on most), and times, in
// the same run and on the same server:
//   scan    redis-cli --scan | wc -l                 (the bare SCAN walk, redis-cli's default COUNT)
//   audit   keydrift audit --rate 0 --format json    (TYPE + PTTL of every key, MEMORY USAGE sample)
// each BENCH_AUDIT_RUNS times (median reported), in fresh child processes. Peak RSS of the audit is
// measured at BENCH_AUDIT_SMALL keys and again at the full size: streaming means it should not grow.
//
// Environment:
//   BENCH_AUDIT_KEYS=1000000    keys loaded for the timed runs
//   BENCH_AUDIT_SMALL=100000    key count for the first peak-RSS measurement
//   BENCH_AUDIT_RUNS=3          runs per command
//   BENCH_AUDIT_MATCHER=1       also time the compiled matcher alone (trie vs one RegExp)
//
// The last line printed is always:
//   bench audit keys=N audit_vs_scan=X peak_mb=Y
// (audit median / scan median; peak RSS of the audit at N keys), with n/a when something failed.
//
// `node bench/audit.mjs --child <audit args>` is the child the benchmark runs: it calls the audit
// command from dist/ and writes {"code", "maxRssKb"} to stdout.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const distCommand = path.join(repoRoot, 'dist', 'src', 'audit', 'command.js');

// ---------------------------------------------------------------------------------------------
// Child: one audit run, measured from inside for peak RSS.

async function child(args) {
  const { Command, CommanderError } = await import('commander');
  const { createAuditCommand } = await import(pathToFileURL(distCommand).href);
  let code = 0;
  // Peak V8 heap in use, sampled: RSS also includes heap the GC has grown into but not returned.
  // With LIVE_HEAP=1 each sample follows a full GC, so it is live data only (slower; not timed).
  let peakHeap = 0;
  const live = process.env.LIVE_HEAP === '1' && typeof globalThis.gc === 'function';
  const sampler = setInterval(
    () => {
      if (live) globalThis.gc();
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    },
    live ? 100 : 20,
  );
  const io = { cwd: process.cwd(), isTTY: false, stdout: (s) => process.stderr.write(s), stderr: (s) => process.stderr.write(s) };
  const program = new Command().exitOverride();
  program.addCommand(createAuditCommand(io, (c) => (code = c)));
  try {
    await program.parseAsync(['audit', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = 2;
  }
  clearInterval(sampler);
  process.stdout.write(`${JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, peakHeapKb: Math.round(peakHeap / 1024) })}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const N = positive(process.env.BENCH_AUDIT_KEYS, 1_000_000);
  const SMALL = Math.min(positive(process.env.BENCH_AUDIT_SMALL, 100_000), N);
  const RUNS = positive(process.env.BENCH_AUDIT_RUNS, 3);
  const finalLine = (ratio, peak) => console.log(`bench audit keys=${N} audit_vs_scan=${ratio} peak_mb=${peak}`);

  for (const tool of ['redis-server', 'redis-cli']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) {
      console.error(`${tool} not found (apt-get install redis-server)`);
      finalLine('n/a', 'n/a');
      return;
    }
  }
  ensureBuilt();
  if (process.env.BENCH_AUDIT_MATCHER) await matcherBench();

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'keydrift-audit-bench-'));
  const registryFile = path.join(work, 'keydrift.keys.json');
  fs.writeFileSync(registryFile, JSON.stringify(REGISTRY, null, 2));
  const server = await startServer(work);
  try {
    console.log(`== keydrift audit benchmark: redis-server ${serverVersion()} on 127.0.0.1:${server.port}, ${os.cpus().length} CPUs`);

    let t = performance.now();
    await load(server.port, 0, SMALL);
    console.log(`   loaded ${fmt(SMALL)} keys in ${secs(performance.now() - t)} s`);
    const auditArgs = ['--url', `redis://127.0.0.1:${server.port}`, '--registry', registryFile, '--rate', '0', '--format', 'json', '--output', path.join(work, 'report.json')];
    const small = runChild(auditArgs, work);
    const smallLive = runChild(auditArgs, work, true);
    const smallReport = readReport(work);
    console.log(
      `   audit at ${fmt(SMALL)} keys: ${secs(small.ms)} s, peak RSS ${mb(small.maxRssKb)} MB, peak heap ${mb(small.peakHeapKb)} MB, ` +
        `peak live heap ${mb(smallLive.peakHeapKb)} MB, ${fmt(smallReport?.totals.keys ?? 0)} keys reported`,
    );

    if (N > SMALL) {
      t = performance.now();
      await load(server.port, SMALL, N);
      console.log(`   loaded ${fmt(N - SMALL)} more keys in ${secs(performance.now() - t)} s`);
    }

    const rows = { scan: [], audit: [] };
    let auditPeak = 0;
    let auditHeap = 0;
    let auditOk = true;
    let scanOk = true;
    for (let run = 0; run < RUNS; run++) {
      const s = timeShell(`redis-cli -p ${server.port} --scan | wc -l`);
      scanOk &&= s.out === N;
      rows.scan.push(s.ms);
      const a = runChild(auditArgs, work);
      auditOk &&= a.code === 1 || a.code === 0;
      rows.audit.push(a.ms);
      auditPeak = Math.max(auditPeak, a.maxRssKb);
      auditHeap = Math.max(auditHeap, a.peakHeapKb);
    }
    const bigLive = runChild(auditArgs, work, true);
    const report = readReport(work);
    auditOk &&= report?.totals.keys === N;

    console.log(`\n   ${fmt(N)} keys        median s   runs (s)`);
    for (const [name, times] of Object.entries(rows)) {
      console.log(`   ${name.padEnd(16)} ${secs(median(times)).padStart(8)}   ${times.map(secs).join(' ')}`);
    }
    if (report) {
      const t = report.totals;
      console.log(`   audit report: ${fmt(t.keys)} keys: ${fmt(t.families)} in families, ${fmt(t.deprecated)} deprecated, ${fmt(t.orphans)} orphans; ${report.problems.length} problems; ${report.orphans.groups.length} orphan groups`);
    }
    console.log(`   audit throughput: ${fmt(Math.round(N / (median(rows.audit) / 1000)))} keys/s`);
    console.log(`   peak RSS: ${mb(small.maxRssKb)} MB at ${fmt(SMALL)} keys, ${mb(auditPeak)} MB at ${fmt(N)} keys`);
    console.log(`   peak heap used: ${mb(small.peakHeapKb)} MB at ${fmt(SMALL)} keys, ${mb(auditHeap)} MB at ${fmt(N)} keys (garbage not yet collected included)`);
    console.log(`   peak live heap (sampled after a full GC every 100 ms): ${mb(smallLive.peakHeapKb)} MB at ${fmt(SMALL)} keys, ${mb(bigLive.peakHeapKb)} MB at ${fmt(N)} keys`);
    if (!scanOk) console.log('   WARNING: redis-cli --scan | wc -l did not count every key');
    if (!auditOk) console.log('   WARNING: the audit failed or did not report every key');
    const ratio = scanOk && auditOk ? (median(rows.audit) / median(rows.scan)).toFixed(2) : 'n/a';
    console.log(`   ratio: audit_vs_scan=${ratio}\n`);
    finalLine(ratio, auditOk ? mb(auditPeak) : 'n/a');
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Data: mixed families, TTLs on most keys (none shorter than 10 minutes: nothing may expire
// during the run, or the key counts would not match)

const REGISTRY = {
  keys: {
    product: { template: 'product:v2:{id}', ttl: { max: 3600 } },
    profile: { template: 'user:{id}:profile', ttl: { max: 86400 } },
    session: { template: 'session:{token}', ttl: { min: 60, max: 7200 } },
    cart: { template: 'cart:{userId}' },
    rate: { template: 'rate:{ip}:{window}', ttl: { max: 7200 } },
    config: { template: 'config:{name}', ttl: { none: true } },
  },
  deprecated: { 'product:{id}': 'product:v2:{id}' },
};

/** RESP for keys [from, to): deterministic, so a bigger run extends a smaller one. */
function* commands(from, to) {
  for (let i = from; i < to; i++) {
    const r = i % 20;
    if (r < 8) yield ['SET', `product:v2:${i}`, 'p'.repeat(40), 'EX', String(600 + (i % 3000))];
    else if (r < 11) {
      yield ['HSET', `user:${i}:profile`, 'name', `user${i}`, 'plan', 'pro'];
      yield ['EXPIRE', `user:${i}:profile`, '3600'];
    }
    else if (r < 13) yield ['SET', `session:${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${i.toString(16)}`, 's', 'EX', '1800'];
    else if (r < 15) yield ['SET', `rate:10.0.${(i >> 8) & 255}.${i & 255}:${i}`, '1', 'EX', '3600'];
    else if (r < 16) yield ['SADD', `cart:${i}`, 'sku1', 'sku2'];
    else if (r < 18) yield ['SET', `product:${i}`, 'old', ...(i % 2 ? ['EX', '300'] : [])];
    else if (r < 19) yield ['SET', `tmp:job:${i}`, 't', 'EX', '3600'];
    else yield ['SET', `config:flag${i}`, '1'];
  }
}

function resp(args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

async function load(port, from, to) {
  const proc = spawn('redis-cli', ['-p', String(port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => proc.on('close', resolve));
  let chunk = '';
  for (const cmd of commands(from, to)) {
    chunk += resp(cmd);
    if (chunk.length > 1 << 20) {
      if (!proc.stdin.write(chunk)) await new Promise((r) => proc.stdin.once('drain', r));
      chunk = '';
    }
  }
  proc.stdin.end(chunk);
  const code = await done;
  if (code !== 0 || !/errors: 0,/.test(out)) throw new Error(`redis-cli --pipe failed (${code}): ${out}`);
}

// ---------------------------------------------------------------------------------------------
// Processes

function ensureBuilt() {
  const srcDir = path.join(repoRoot, 'src', 'audit');
  const newest = Math.max(...fs.readdirSync(srcDir).map((f) => fs.statSync(path.join(srcDir, f)).mtimeMs));
  if (fs.existsSync(distCommand) && fs.statSync(distCommand).mtimeMs >= newest) return;
  console.log('   building dist/ (tsc -p tsconfig.build.json)…');
  spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(repoRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (!fs.existsSync(distCommand)) throw new Error('build did not produce dist/src/audit/command.js');
}

function runChild(args, cwd, liveHeap = false) {
  const t = performance.now();
  const env = { ...process.env, LIVE_HEAP: liveHeap ? '1' : '0' };
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  try {
    const { code, maxRssKb, peakHeapKb } = JSON.parse(r.stdout.trim().split('\n').pop());
    if (code === 2) console.log(`   audit failed: ${r.stderr.trim()}`);
    return { ms, code, maxRssKb, peakHeapKb };
  } catch {
    console.log(`   audit child crashed (${r.status}): ${r.stderr.trim().slice(-500)}`);
    return { ms, code: -1, maxRssKb: 0, peakHeapKb: 0 };
  }
}

function readReport(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
  } catch {
    return null;
  }
}

function timeShell(command) {
  const t = performance.now();
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  return { ms: performance.now() - t, out: Number(r.stdout.trim()) };
}

async function startServer(dir) {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--logfile', ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let log = '';
    const onData = (d) => {
      log += d;
      if (log.includes('Ready to accept connections')) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function serverVersion() {
  return /v=([\d.]+)/.exec(spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? '?';
}

// ---------------------------------------------------------------------------------------------
// Matcher alone: the segment trie against one RegExp alternation, on the same keys

async function matcherBench() {
  const { compileMatcher } = await import(pathToFileURL(path.join(repoRoot, 'dist', 'src', 'audit', 'matcher.js')).href);
  const { parseTemplate } = await import(pathToFileURL(path.join(repoRoot, 'dist', 'src', 'keys', 'template.js')).href);
  const keys = [];
  for (const cmd of commands(0, 200_000)) if (cmd[0] !== 'EXPIRE') keys.push(cmd[1]);
  const small = [...Object.values(REGISTRY.keys).map((f) => f.template), ...Object.keys(REGISTRY.deprecated)];
  const large = [...small];
  for (let i = 0; i < 200; i++) large.push(`svc${i}:v${i % 3}:{id}`, `svc${i}:{tenant}:item:{id}`);
  for (const [label, templates] of [
    [`${small.length} templates`, small],
    [`${large.length} templates`, large],
  ]) {
    const entries = templates.map((t, i) => ({ template: parseTemplate(t), value: i }));
    const line = [];
    for (const strategy of ['trie', 'regex']) {
      const m = compileMatcher(entries, strategy);
      for (const k of keys) m.match(k); // warm up
      const t = performance.now();
      for (let r = 0; r < 5; r++) for (const k of keys) m.match(k);
      line.push(`${strategy} ${fmt(Math.round((keys.length * 5) / ((performance.now() - t) / 1000)))} keys/s`);
    }
    console.log(`   matcher, ${label}: ${line.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------

function positive(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const secs = (ms) => (ms / 1000).toFixed(2);
const mb = (kb) => Math.round(kb / 1024);
const fmt = (n) => n.toLocaleString('en-US');

// Last, so that every const above is initialised.
if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();

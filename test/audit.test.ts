/**
 * `keydrift audit` against a real redis-server (test/support/redis-server.ts): exact counts in the
 * JSON report, exit codes, the read-only guarantee (MONITOR and an ACL user limited to the
 * allow-list), and every connection failure ending in one line and exit 2 within the timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditCommand } from '../src/audit/command.js';
import type { AuditReport } from '../src/audit/report.js';
import { READ_ONLY_COMMANDS, ReadOnlyConnection, parseRedisUrl } from '../src/audit/scan.js';
import type { CliIo } from '../src/cli.js';
import { hasOpenssl, hasRedisServer, startRedis, startSilentServer, type RedisServer } from './support/redis-server.js';

const REDIS = hasRedisServer();
if (!REDIS) console.warn('redis-server not installed: skipping the keydrift audit tests (apt-get install redis-server)');

const REGISTRY = `{
  // families
  "keys": {
    "product": { "template": "product:v2:{id}", "ttl": { "max": 3600 } },
    "profile": { "template": "user:{id}:profile", "ttl": { "min": 60 } },
    "config":  { "template": "config:{name}", "ttl": { "none": true } },
    "cart":    { "template": "cart:{userId}" },
    "unused":  { "template": "never:{id}", "ttl": { "max": 10 } }
  },
  "deprecated": { "product:{id}": "product:v2:{id}" }
}
`;

/** What seed() writes, by group. */
const SEEDED = {
  productOk: 50, // product:v2:1..50, EX 600
  productOverMax: 5, // product:v2:51..55, EX 7200 (> ttl.max 3600)
  productNoTtl: 3, // product:v2:56..58, no TTL
  profileOk: 20, // user:1..20:profile (hash), EX 300
  profileNoTtl: 2, // user:21..22:profile, no TTL
  config: 5, // config:a..e, no TTL (ttl.none)
  cart: 10, // cart:1..10 (set), no TTL, no policy
  deprecated: 30, // product:1..30, 10 of them with EX 100
  tmp: 40, // tmp:1..40, no TTL
  session: 7, // session:<16 hex>, EX 1800
  hashTag: 1, // {user:42}:cart
};
const TOTAL = Object.values(SEEDED).reduce((a, b) => a + b, 0);

async function seed(client: Redis): Promise<void> {
  const p = client.pipeline();
  for (let i = 1; i <= 50; i++) p.set(`product:v2:${i}`, 'x'.repeat(20), 'EX', 600);
  for (let i = 51; i <= 55; i++) p.set(`product:v2:${i}`, 'x', 'EX', 7200);
  for (let i = 56; i <= 58; i++) p.set(`product:v2:${i}`, 'x');
  for (let i = 1; i <= 20; i++) p.hset(`user:${i}:profile`, 'name', `n${i}`).expire(`user:${i}:profile`, 300);
  for (let i = 21; i <= 22; i++) p.hset(`user:${i}:profile`, 'name', `n${i}`);
  for (const name of 'abcde') p.set(`config:${name}`, '1');
  for (let i = 1; i <= 10; i++) p.sadd(`cart:${i}`, 'sku1', 'sku2');
  for (let i = 1; i <= 30; i++) {
    if (i <= 10) p.set(`product:${i}`, 'old', 'EX', 100);
    else p.set(`product:${i}`, 'old');
  }
  for (let i = 1; i <= 40; i++) p.set(`tmp:${i}`, 't');
  for (let i = 0; i < 7; i++) p.set(`session:9f8e7d6c5b4a3f2${i}`, 's', 'EX', 1800);
  p.set('{user:42}:cart', 'c');
  const results = await p.exec();
  for (const [error] of results ?? []) if (error) throw error;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

let workDir = '';

async function run(args: string[], cwd = workDir): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: CliIo = { cwd, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
  const program = new Command().exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(createAuditCommand(io, (c) => (code = c)));
  const started = performance.now();
  try {
    await program.parseAsync(['audit', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  }
  return { code, stdout, stderr, ms: performance.now() - started };
}

async function runJson(args: string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const r = await run([...args, '--format', 'json', '--rate', '0']);
  if (r.code === 2) throw new Error(`audit failed: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as AuditReport, stderr: r.stderr };
}

describe.skipIf(!REDIS)('keydrift audit against redis-server', () => {
  let server: RedisServer;
  let admin: Redis;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'keydrift-audit-'));
    writeFileSync(path.join(workDir, 'keydrift.keys.json'), REGISTRY);
    server = await startRedis();
    admin = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await admin.connect();
    await seed(admin);
    await admin.select(1);
    await admin.set('db1:only', 'x');
    await admin.select(0);
  });

  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('reports exact per-family, deprecated and orphan counts, and exits 1', async () => {
    const { code, report } = await runJson(['--url', server.url]);
    expect(code).toBe(1);
    expect(report.version).toBe(1);
    expect(report.mode).toBe('standalone');
    expect(report.registry).toBe('keydrift.keys.json');
    expect(report.totals).toMatchObject({
      keys: TOTAL,
      vanished: 0,
      families: SEEDED.productOk + SEEDED.productOverMax + SEEDED.productNoTtl + SEEDED.profileOk + SEEDED.profileNoTtl + SEEDED.config + SEEDED.cart,
      deprecated: SEEDED.deprecated,
      orphans: SEEDED.tmp + SEEDED.session + SEEDED.hashTag,
    });
    expect(report.nodes).toEqual([{ address: `127.0.0.1:${server.port}`, scanned: TOTAL, reportedKeys: TOTAL }]);

    const family = (name: string) => report.families.find((f) => f.name === name)!;
    expect(family('product')).toMatchObject({
      template: 'product:v2:{id}',
      count: 58,
      requiresTtl: true,
      overMax: 5,
      types: { string: 58 },
      ttl: { withTtl: 55, noTtl: 3 },
    });
    expect(family('product').ttl.maxSeconds).toBeGreaterThan(3600);
    expect(family('product').ttl.maxSeconds).toBeLessThanOrEqual(7200);
    expect(family('product').ttl.minSeconds).toBeLessThanOrEqual(600);
    expect(family('product').ttl.buckets.find((b) => b.upTo === 3600)!.count).toBe(50);
    expect(family('product').ttl.buckets.find((b) => b.upTo === 21_600)!.count).toBe(5);
    expect(family('product').noTtlExamples.sort()).toEqual(['product:v2:56', 'product:v2:57', 'product:v2:58']);
    expect(family('product').overMaxExamples).toHaveLength(5);
    expect(family('product').memory.sampled).toBe(58);
    expect(family('product').memory.estimatedBytes).toBeGreaterThan(0);
    expect(family('profile')).toMatchObject({ count: 22, requiresTtl: true, overMax: 0, types: { hash: 22 }, ttl: { noTtl: 2, withTtl: 20 } });
    expect(family('config')).toMatchObject({ count: 5, requiresTtl: false, ttl: { noTtl: 5 } });
    expect(family('cart')).toMatchObject({ count: 10, requiresTtl: false, types: { set: 10 }, ttl: { noTtl: 10 } });
    expect(family('unused')).toMatchObject({ count: 0, examples: [], memory: { estimatedBytes: null } });

    expect(report.deprecated).toEqual([
      expect.objectContaining({ template: 'product:{id}', replacement: 'product:v2:{id}', count: 30, ttl: expect.objectContaining({ noTtl: 20, withTtl: 10 }) }),
    ]);

    const groups = Object.fromEntries(report.orphans.groups.map((g) => [g.template, g.count]));
    expect(groups).toEqual({ 'tmp:{n}': 40, 'session:{hash}': 7, '{{user:{n}}}:cart': 1 });
    expect(report.orphans.other).toBeNull();
    expect(report.orphans.groups[0].examples).toHaveLength(5);

    expect(report.problems.map((p) => [p.kind, p.subject, p.count])).toEqual([
      ['deprecated-keys', 'product:{id}', 30],
      ['missing-ttl', 'product', 3],
      ['ttl-above-max', 'product', 5],
      ['missing-ttl', 'profile', 2],
    ]);
    expect(report.ok).toBe(false);
  });

  it('renders text and Markdown', async () => {
    const text = await run(['--url', server.url, '--rate', '0']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`keydrift audit redis://127.0.0.1:${server.port} (standalone, 1 node, db 0): ${TOTAL} keys`);
    expect(text.stdout).toMatch(/product\s+product:v2:\{id\}\s+58\s+3 ✖/);
    expect(text.stdout).toContain('✖ 30 keys of deprecated template product:{id} (replaced by product:v2:{id})');
    expect(text.stdout).toMatch(/tmp:\{n\}\s+40\s+40/);
    const markdown = await run(['--url', server.url, '--rate', '0', '--format', 'markdown']);
    expect(markdown.stdout).toContain('## keydrift audit: ❌ 4 problems');
    expect(markdown.stdout).toContain('| `product:{id}` | `product:v2:{id}` | 30 |');
  });

  it('exits 0 when the keys it sees break no rule (--match)', async () => {
    const { code, report } = await runJson(['--url', server.url, '--match', 'config:*']);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.totals.keys).toBe(5);
    expect(report.options.match).toBe('config:*');
  });

  it('without a registry, every key is an orphan and nothing fails unless --fail-on-orphans', async () => {
    const { code, report } = await runJson(['--url', server.url, '--no-registry']);
    expect(code).toBe(0);
    expect(report.registry).toBeNull();
    expect(report.totals.orphans).toBe(TOTAL);
    const groups = Object.fromEntries(report.orphans.groups.map((g) => [g.template, g.count]));
    expect(groups['product:v2:{n}']).toBe(58);
    expect(groups['user:{n}:profile']).toBe(22);
    const strict = await runJson(['--url', server.url, '--no-registry', '--fail-on-orphans']);
    expect(strict.code).toBe(1);
    expect(strict.report.problems).toEqual([expect.objectContaining({ kind: 'orphan-keys', count: TOTAL })]);
  });

  it('audits the database in the URL, and --sample 0 skips MEMORY USAGE', async () => {
    const { code, report } = await runJson(['--url', `${server.url}/1`, '--sample', '0']);
    expect(code).toBe(0);
    expect(report.db).toBe(1);
    expect(report.totals.keys).toBe(1);
    expect(report.orphans.groups[0]).toMatchObject({ template: 'db1:only', memory: { sampled: 0, estimatedBytes: null } });
  });

  it('--sample limits MEMORY USAGE per group', async () => {
    const { report } = await runJson(['--url', server.url, '--sample', '2']);
    for (const group of [...report.families, ...report.deprecated, ...report.orphans.groups]) {
      expect(group.memory.sampled).toBe(Math.min(2, group.count));
    }
  });

  it('throttles itself to --rate keys per second', async () => {
    const r = await run(['--url', server.url, '--rate', '400', '--format', 'json']);
    expect(r.code).toBe(1);
    // 173 keys at 400/s: about 0.43 s; unthrottled it takes a few milliseconds.
    expect(r.ms).toBeGreaterThan(300);
    expect(r.ms).toBeLessThan(5000);
  });

  it('sends only allow-listed read commands, never KEYS (MONITOR)', async () => {
    const monitor = await admin.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.map(String).join(' ')));
    try {
      await runJson(['--url', server.url, '--count', '50']);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      monitor.disconnect();
    }
    const names = new Set(seen.map((line) => line.split(' ')[0].toLowerCase()));
    expect(names.size).toBeGreaterThan(0);
    for (const name of names) expect(READ_ONLY_COMMANDS.has(name), `unexpected command ${name}`).toBe(true);
    expect(names).toContain('scan');
    expect(names).toContain('type');
    expect(names).toContain('pttl');
    expect(names).toContain('memory');
    expect(names).not.toContain('keys');
    for (const line of seen.filter((l) => /^memory /i.test(l))) expect(line.toLowerCase()).toMatch(/^memory usage /);
    expect(seen.filter((l) => /^scan /i.test(l)).every((l) => / COUNT 50$/i.test(l))).toBe(true);
  });

  it('works as an ACL user allowed nothing but the read-only commands', async () => {
    await admin.call(
      'ACL',
      'SETUSER',
      'auditor',
      'reset',
      'on',
      '>audit-pw',
      '~*',
      '-@all',
      '+scan',
      '+type',
      '+pttl',
      '+memory|usage',
      '+info',
      '+ping',
      '+select',
      '+client|setname',
      '+cluster|nodes',
    );
    const { code, report } = await runJson(['--url', `redis://auditor:audit-pw@127.0.0.1:${server.port}`]);
    expect(code).toBe(1);
    expect(report.totals.keys).toBe(TOTAL);
    expect(report.target).toBe(`redis://auditor:***@127.0.0.1:${server.port}`);
  });

  it('refuses, in the client, to send a command outside the allow-list', async () => {
    const connection = await ReadOnlyConnection.open(parseRedisUrl(server.url), { timeoutMs: 2000 });
    try {
      await expect(connection.call('set', 'audit:written', '1')).rejects.toThrow(/read-only: refusing to send SET/);
      await expect(connection.call('keys', '*')).rejects.toThrow(/refusing to send KEYS/);
      await expect(connection.call('memory', 'purge')).rejects.toThrow(/refusing to send memory purge/i);
      await expect(connection.call('client', 'kill', 'id', '1')).rejects.toThrow(/refusing to send client kill/i);
      expect(await connection.call('ping')).toBe('PONG');
    } finally {
      connection.close();
    }
    expect(await admin.exists('audit:written')).toBe(0);
  });

  // -------------------------------------------------------------------------------------------
  // Failures: one line on stderr, exit 2, within the timeout.

  function expectOneLineFailure(r: RunResult, pattern: RegExp, withinMs: number): void {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.ms).toBeLessThan(withinMs);
  }

  it('connection refused', async () => {
    const closed = await startRedis();
    const url = closed.url;
    await closed.stop();
    const r = await run(['--url', url, '--timeout', '2000']);
    expectOneLineFailure(r, /^keydrift audit: cannot connect to redis:\/\/127\.0\.0\.1:\d+: connection refused\n$/, 2500);
  });

  it('wrong password', async () => {
    await admin.call('ACL', 'SETUSER', 'someone', 'reset', 'on', '>right', '~*', '+@read');
    const r = await run(['--url', `redis://someone:wrong@127.0.0.1:${server.port}`, '--timeout', '2000']);
    expectOneLineFailure(r, /^keydrift audit: authentication failed for redis:\/\/someone:\*\*\*@127\.0\.0\.1:\d+: WRONGPASS/, 2500);
    expect(r.stderr).not.toContain('wrong');
  });

  it('password required but none given', async () => {
    const locked = await startRedis(['--requirepass', 'pw']);
    try {
      const r = await run(['--url', locked.url, '--timeout', '2000']);
      expectOneLineFailure(r, /^keydrift audit: authentication failed for redis:\/\/127\.0\.0\.1:\d+: NOAUTH/, 2500);
      const ok = await run(['--url', `redis://:pw@127.0.0.1:${locked.port}`, '--format', 'json']);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
    } finally {
      await locked.stop();
    }
  });

  it('TLS failure: rediss:// to a server that does not speak TLS', async () => {
    const r = await run(['--url', `rediss://127.0.0.1:${server.port}`, '--timeout', '700']);
    expectOneLineFailure(r, /^keydrift audit: TLS handshake with rediss:\/\/127\.0\.0\.1:\d+ failed: no TLS answer within 700 ms \(is this a TLS port\?\)\n$/, 1500);
  });

  describe.skipIf(!hasOpenssl())('over TLS', () => {
    let tlsServer: RedisServer;
    beforeAll(async () => {
      tlsServer = await startRedis([], { tls: true });
    });
    afterAll(async () => {
      await tlsServer?.stop();
    });

    it('TLS failure: a certificate the client does not trust', async () => {
      const r = await run(['--url', tlsServer.url, '--timeout', '2000']);
      expectOneLineFailure(r, /^keydrift audit: TLS handshake with rediss:\/\/127\.0\.0\.1:\d+ failed: self[- ]signed certificate\n$/, 2500);
    });

    it('audits over rediss:// with --tls-ca', async () => {
      const r = await run(['--url', tlsServer.url, '--tls-ca', tlsServer.caFile!, '--format', 'json', '--rate', '0']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as AuditReport).totals.keys).toBe(0);
    });
  });

  it('unresponsive server (accepts, never answers): gives up after --timeout', async () => {
    const silent = await startSilentServer();
    try {
      const r = await run(['--url', silent.url, '--timeout', '500']);
      expectOneLineFailure(r, /^keydrift audit: no answer from redis:\/\/127\.0\.0\.1:\d+ within 500 ms\n$/, 1500);
      expect(r.ms).toBeGreaterThanOrEqual(450);
    } finally {
      await silent.stop();
    }
  });

  it('server without MEMORY (rename-command MEMORY ""): exit 2, and --sample 0 still works', async () => {
    const noMemory = await startRedis(['--rename-command', 'MEMORY', '']);
    try {
      const client = new Redis({ port: noMemory.port, host: '127.0.0.1' });
      await client.set('product:v2:1', 'x', 'EX', 60);
      client.disconnect();
      const r = await run(['--url', noMemory.url, '--timeout', '2000']);
      expectOneLineFailure(r, /^keydrift audit: 127\.0\.0\.1:\d+ refused MEMORY USAGE \(ERR unknown command 'memory'\); run with --sample 0/i, 2500);
      const ok = await run(['--url', noMemory.url, '--sample', '0', '--format', 'json']);
      expect(ok.code).toBe(0);
      expect((JSON.parse(ok.stdout) as AuditReport).totals.keys).toBe(1);
    } finally {
      await noMemory.stop();
    }
  });

  it('an ACL user without MEMORY gets the same one-line error', async () => {
    await admin.call('ACL', 'SETUSER', 'nomem', 'reset', 'on', '>pw', '~*', '-@all', '+scan', '+type', '+pttl', '+info', '+client|setname');
    const r = await run(['--url', `redis://nomem:pw@127.0.0.1:${server.port}`, '--timeout', '2000']);
    expectOneLineFailure(r, /refused MEMORY USAGE \(NOPERM.*\); run with --sample 0/, 2500);
  });

  it('usage and registry errors exit 2', async () => {
    expectOneLineFailure(await run(['--url', 'http://127.0.0.1:1']), /unsupported scheme 'http:'/, 1000);
    expectOneLineFailure(await run(['--url', `${server.url}/x`]), /database 'x' is not a number/, 1000);
    expectOneLineFailure(await run(['--url', `${server.url}/99`]), /DB index is out of range/, 2000);
    const badDir = mkdtempSync(path.join(tmpdir(), 'keydrift-audit-bad-'));
    try {
      writeFileSync(path.join(badDir, 'keydrift.keys.json'), '{\n  "keys": { "p": { "template": "product:{id" } }\n}\n');
      const r = await run(['--url', server.url], badDir);
      expectOneLineFailure(r, /keydrift\.keys\.json:2:\d+: keys\.p\.template: invalid template 'product:\{id'/, 1000);
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
    const bad = await run(['--url', server.url, '--rate', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--rate must be an integer >= 0');
  });
});

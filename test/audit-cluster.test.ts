/** `keydrift audit` against a real three-master Redis Cluster: every master is scanned once. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditCliOptions } from '../src/audit/command.js';
import type { AuditReport } from '../src/audit/report.js';
import type { CliIo } from '../src/cli.js';
import { hasRedisCli, hasRedisServer, startCluster, type RedisCluster } from './support/redis-server.js';

const AVAILABLE = hasRedisServer() && hasRedisCli();

const REGISTRY = JSON.stringify({
  keys: { product: { template: 'product:v2:{id}', ttl: { max: 3600 } }, cart: { template: '{{user:{id}}}:cart' } },
  deprecated: { 'product:{id}': 'product:v2:{id}' },
});

describe.skipIf(!AVAILABLE)('keydrift audit against a Redis Cluster', () => {
  let cluster: RedisCluster;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'keydrift-audit-cluster-'));
    writeFileSync(path.join(dir, 'keydrift.keys.json'), REGISTRY);
    cluster = await startCluster(3);
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] }], { lazyConnect: true });
    await client.connect();
    try {
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 300; i++) writes.push(client.set(`product:v2:${i}`, 'x', 'EX', 600));
      for (let i = 0; i < 40; i++) writes.push(client.set(`product:${i}`, 'old'));
      for (let i = 0; i < 20; i++) writes.push(client.sadd(`{user:${i}}:cart`, 'a'));
      for (let i = 0; i < 25; i++) writes.push(client.set(`tmp:${i}`, 't'));
      await Promise.all(writes);
    } finally {
      client.disconnect();
    }
  });

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(options: Partial<AuditCliOptions>) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { cwd: dir, isTTY: false, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) };
    const code = await runAudit({ url: cluster.url, match: '*', count: 100, sample: 10, rate: 0, timeout: 3000, format: 'json', ...options }, io);
    return { code, stdout, stderr };
  }

  it('scans every master and adds up the counts', async () => {
    const { code, stdout, stderr } = await run({});
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.mode).toBe('cluster');
    expect(report.nodes).toHaveLength(3);
    expect(new Set(report.nodes.map((n) => n.address))).toEqual(new Set(cluster.ports.map((p) => `127.0.0.1:${p}`)));
    for (const node of report.nodes) {
      expect(node.scanned).toBeGreaterThan(0);
      expect(node.scanned).toBe(node.reportedKeys);
    }
    expect(report.nodes.reduce((n, node) => n + node.scanned, 0)).toBe(385);
    expect(report.totals).toMatchObject({ keys: 385, families: 320, deprecated: 40, orphans: 25, vanished: 0 });
    expect(report.families.map((f) => [f.name, f.count])).toEqual([
      ['product', 300],
      ['cart', 20],
    ]);
    expect(report.orphans.groups).toEqual([expect.objectContaining({ template: 'tmp:{n}', count: 25 })]);
    expect(report.problems.map((p) => p.kind)).toEqual(['deprecated-keys']);
  });

  it('also works from a seed that is not the first node', async () => {
    const { code, stdout } = await run({ url: `redis://127.0.0.1:${cluster.ports[2]}`, match: 'product:v2:*' });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.nodes).toHaveLength(3);
    expect(report.totals.keys).toBe(300);
  });

  it('rejects a database number other than 0', async () => {
    const { code, stderr } = await run({ url: `${cluster.url}/1` });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^keydrift audit: redis:\/\/127\.0\.0\.1:\d+\/1: Redis Cluster has only database 0\n$/);
  });
});

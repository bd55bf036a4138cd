/**
 * `keydrift audit` without the CLI: connect (read-only), find the nodes to scan, walk every
 * key once and aggregate. Resolves to the report, or rejects with an AuditError (one line).
 */
import type { Registry } from '../registry/types.js';
import { AuditAggregate } from './aggregate.js';
import type { MatcherStrategy } from './matcher.js';
import type { AuditNode, AuditReport } from './report.js';
import {
  AuditError,
  keyspaceSize,
  parseClusterMasters,
  parseInfo,
  parseRedisUrl,
  ReadOnlyConnection,
  scanNode,
  Throttle,
  type ConnectOptions,
} from './scan.js';

export const AUDIT_DEFAULTS = {
  match: '*',
  count: 1000,
  sample: 100,
  rate: 10_000,
  timeoutMs: 5000,
} as const;

export interface AuditOptions {
  /** redis:// or rediss:// URL, with optional user, password and db. */
  url: string;
  /** The registry to check against; null: every key is an orphan. */
  registry: Registry | null;
  /** SCAN MATCH glob. */
  match?: string;
  /** SCAN COUNT hint: keys per round trip. */
  count?: number;
  /** MEMORY USAGE on up to this many keys per family / group; 0 = no memory estimates. */
  sample?: number;
  /** Keys per second; 0 = unthrottled. */
  rate?: number;
  /** Connect / per-round-trip deadline in ms. */
  timeoutMs?: number;
  /** PEM CA bundle for rediss://. */
  tlsCa?: string;
  failOnOrphans?: boolean;
  orphanGroupLimit?: number;
  matcher?: MatcherStrategy;
}

export async function audit(options: AuditOptions): Promise<AuditReport> {
  const started = performance.now();
  const target = parseRedisUrl(options.url);
  const match = options.match ?? AUDIT_DEFAULTS.match;
  const sample = options.sample ?? AUDIT_DEFAULTS.sample;
  const rate = options.rate ?? AUDIT_DEFAULTS.rate;
  // With a low rate, smaller batches keep the pace smooth: at least ~10 round trips per second.
  const count = Math.max(1, rate > 0 ? Math.min(options.count ?? AUDIT_DEFAULTS.count, Math.ceil(rate / 10)) : (options.count ?? AUDIT_DEFAULTS.count));
  const connectOptions: ConnectOptions = { timeoutMs: options.timeoutMs ?? AUDIT_DEFAULTS.timeoutMs, tlsCa: options.tlsCa };

  const open: ReadOnlyConnection[] = [];
  try {
    const seed = await ReadOnlyConnection.open(target, connectOptions);
    open.push(seed);
    const info = parseInfo(String(await seed.call('info')));
    const cluster = info.get('cluster_enabled') === '1';

    let nodes: { connection: ReadOnlyConnection; reportedKeys: number | null }[];
    if (!cluster) {
      nodes = [{ connection: seed, reportedKeys: keyspaceSize(info, target.db) }];
    } else {
      if (target.db !== 0) throw new AuditError(`${target.display}: Redis Cluster has only database 0`);
      const masters = parseClusterMasters(String(await seed.call('cluster', 'nodes')));
      if (masters.length === 0) throw new AuditError(`${target.display}: CLUSTER NODES lists no reachable master`);
      const connections = await Promise.all(
        masters.map(async (master) => {
          if (master.myself) return seed;
          const connection = await ReadOnlyConnection.open(target, connectOptions, master);
          open.push(connection);
          return connection;
        }),
      );
      nodes = [];
      for (const connection of connections) {
        const nodeInfo = connection === seed ? info : parseInfo(String(await connection.call('info', 'keyspace')));
        nodes.push({ connection, reportedKeys: keyspaceSize(nodeInfo, 0) });
      }
    }

    const aggregate = new AuditAggregate(options.registry, {
      sample,
      failOnOrphans: options.failOnOrphans,
      orphanGroupLimit: options.orphanGroupLimit,
      matcher: options.matcher,
    });
    const throttle = new Throttle(rate);
    const reportNodes: AuditNode[] = [];
    for (const node of nodes) {
      const scanned = await scanNode(node.connection, { match, count, memory: sample > 0 }, aggregate, throttle);
      reportNodes.push({ address: node.connection.address, scanned, reportedKeys: node.reportedKeys });
    }
    return aggregate.report({
      target: target.display,
      mode: cluster ? 'cluster' : 'standalone',
      db: target.db,
      nodes: reportNodes,
      options: { match, count, sample, rate },
      elapsedMs: Math.round(performance.now() - started),
    });
  } catch (error) {
    if (error instanceof AuditError) throw error;
    throw open[0]?.failure(error) ?? error;
  } finally {
    for (const connection of open) connection.close();
  }
}

/**
 * The result of `keydrift audit`: what `--format json` prints, and what the text and Markdown
 * formats render. Versioned like the analyzer's output: fields keep their meaning, more may be added.
 */

export const AUDIT_REPORT_VERSION = 1;

/** Upper bounds (seconds, inclusive) of the remaining-TTL histogram; the last bucket is open. */
export const TTL_BUCKETS: readonly number[] = [60, 300, 3600, 21_600, 86_400, 604_800, 2_592_000];

export interface TtlStats {
  /** Keys with an expiry. */
  withTtl: number;
  /** Keys without one (PTTL -1): they live until deleted or evicted. */
  noTtl: number;
  /** Remaining time to live over the keys with an expiry, in seconds (null when none has one). */
  minSeconds: number | null;
  maxSeconds: number | null;
  meanSeconds: number | null;
  /** Remaining TTL histogram: `upTo` seconds inclusive, `null` for the open last bucket. */
  buckets: { upTo: number | null; count: number }[];
}

export interface MemoryStats {
  /** Keys measured with MEMORY USAGE (the first `--sample` keys of the group that SCAN returned). */
  sampled: number;
  sampledBytes: number;
  /** sampledBytes / sampled × count, rounded; null when nothing was sampled. */
  estimatedBytes: number | null;
}

export interface GroupReport {
  /** Keys seen (keys that vanished between SCAN and TYPE are not counted). */
  count: number;
  /** Keys by Redis type (`string`, `hash`, …). */
  types: Record<string, number>;
  ttl: TtlStats;
  memory: MemoryStats;
  /** Up to 5 keys of the group, in SCAN order. */
  examples: string[];
}

export interface TtlPolicy {
  min?: number;
  max?: number;
  none?: boolean;
}

export interface FamilyReport extends GroupReport {
  name: string;
  template: string;
  /** The family's `ttl` from the registry, or null. */
  ttlPolicy: TtlPolicy | null;
  /** True when the registry gives the family `ttl.min` or `ttl.max` (and not `ttl.none`). */
  requiresTtl: boolean;
  /** Keys whose remaining TTL is above `ttl.max`. */
  overMax: number;
  /** Up to 5 keys without a TTL, and up to 5 above `ttl.max`. */
  noTtlExamples: string[];
  overMaxExamples: string[];
}

export interface DeprecatedReport extends GroupReport {
  template: string;
  replacement: string;
}

export interface OrphanGroupReport extends GroupReport {
  /** The inferred template, e.g. `tmp:{n}`; null for the overflow group. */
  template: string | null;
}

export type ProblemKind = 'deprecated-keys' | 'missing-ttl' | 'ttl-above-max' | 'orphan-keys';

/** Something the registry forbids; any problem makes the audit exit 1. */
export interface AuditProblem {
  kind: ProblemKind;
  /** The family name (missing-ttl, ttl-above-max), or the deprecated template; null for orphans. */
  subject: string | null;
  count: number;
  message: string;
  examples: string[];
}

export interface AuditNode {
  /** host:port */
  address: string;
  /** Keys scanned on this node. */
  scanned: number;
  /** Keys in the scanned db according to INFO keyspace before the scan (null if not reported). */
  reportedKeys: number | null;
}

export interface AuditReport {
  version: typeof AUDIT_REPORT_VERSION;
  /** The URL with any password replaced by `***`. */
  target: string;
  mode: 'standalone' | 'cluster';
  db: number;
  nodes: AuditNode[];
  /** The registry file (relative to the working directory from the CLI), or null when run without
   * one: every key is then an orphan. */
  registry: string | null;
  options: { match: string; count: number; sample: number; rate: number };
  totals: {
    /** Keys scanned and classified. */
    keys: number;
    /** Keys that expired or were deleted between SCAN and TYPE. */
    vanished: number;
    families: number;
    deprecated: number;
    orphans: number;
    noTtl: number;
    /** Sum of the per-group estimates, where a group was sampled. */
    estimatedBytes: number | null;
  };
  families: FamilyReport[];
  deprecated: DeprecatedReport[];
  orphans: {
    /** Orphan groups by count, largest first. */
    groups: OrphanGroupReport[];
    /** Orphans beyond `groupLimit` distinct groups, lumped together (null if none). */
    other: OrphanGroupReport | null;
    groupLimit: number;
  };
  problems: AuditProblem[];
  /** problems.length === 0 */
  ok: boolean;
  elapsedMs: number;
}

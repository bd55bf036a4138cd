/**
 * Constant-memory aggregates for the audit: per family, per deprecated template and per orphan
 * group, counts, a remaining-TTL histogram, a memory sample and at most a few example keys.
 * Nothing here keeps a key beyond its examples, so memory depends on the registry and the orphan
 * group limit, never on the size of the keyspace.
 */
import type { Registry, RegistryFamily } from '../registry/types.js';
import { compileMatcher, type KeyMatcher, type MatcherStrategy } from './matcher.js';
import { inferTemplate } from './orphans.js';
import {
  AUDIT_REPORT_VERSION,
  TTL_BUCKETS,
  type AuditNode,
  type AuditProblem,
  type AuditReport,
  type DeprecatedReport,
  type FamilyReport,
  type GroupReport,
  type OrphanGroupReport,
} from './report.js';
import type { KeySink } from './scan.js';

export const MAX_EXAMPLES = 5;
export const DEFAULT_ORPHAN_GROUP_LIMIT = 1000;

export class GroupStats {
  count = 0;
  noTtl = 0;
  withTtl = 0;
  private ttlMinMs = Infinity;
  private ttlMaxMs = -Infinity;
  private ttlSumMs = 0;
  private readonly buckets = new Array<number>(TTL_BUCKETS.length + 1).fill(0);
  private readonly types: Record<string, number> = {};
  memoryRequested = 0;
  private memorySampled = 0;
  private memoryBytes = 0;
  readonly examples: string[] = [];

  add(key: string, type: string, pttlMs: number): void {
    this.count++;
    this.types[type] = (this.types[type] ?? 0) + 1;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(key);
    if (pttlMs < 0) {
      this.noTtl++;
      return;
    }
    this.withTtl++;
    if (pttlMs < this.ttlMinMs) this.ttlMinMs = pttlMs;
    if (pttlMs > this.ttlMaxMs) this.ttlMaxMs = pttlMs;
    this.ttlSumMs += pttlMs;
    const seconds = pttlMs / 1000;
    let b = 0;
    while (b < TTL_BUCKETS.length && seconds > TTL_BUCKETS[b]) b++;
    this.buckets[b]++;
  }

  addMemory(bytes: number): void {
    this.memorySampled++;
    this.memoryBytes += bytes;
  }

  report(): GroupReport {
    const has = this.withTtl > 0;
    return {
      count: this.count,
      types: Object.fromEntries(Object.entries(this.types).sort(([a], [b]) => (a < b ? -1 : 1))),
      ttl: {
        withTtl: this.withTtl,
        noTtl: this.noTtl,
        minSeconds: has ? round3(this.ttlMinMs / 1000) : null,
        maxSeconds: has ? round3(this.ttlMaxMs / 1000) : null,
        meanSeconds: has ? round3(this.ttlSumMs / this.withTtl / 1000) : null,
        buckets: this.buckets.map((count, i) => ({ upTo: i < TTL_BUCKETS.length ? TTL_BUCKETS[i] : null, count })),
      },
      memory: {
        sampled: this.memorySampled,
        sampledBytes: this.memoryBytes,
        estimatedBytes: this.memorySampled > 0 ? Math.round((this.memoryBytes / this.memorySampled) * this.count) : null,
      },
      examples: [...this.examples],
    };
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------

interface FamilyState {
  family: RegistryFamily;
  stats: GroupStats;
  requiresTtl: boolean;
  maxMs: number | null;
  overMax: number;
  noTtlExamples: string[];
  overMaxExamples: string[];
}

interface DeprecatedState {
  template: string;
  replacement: string;
  stats: GroupStats;
}

type Owner = { kind: 'family'; state: FamilyState } | { kind: 'deprecated'; state: DeprecatedState };

/** One scanned key on its way through the pipeline. */
export interface KeySlot {
  name: string;
  stats: GroupStats;
  family: FamilyState | null;
}

export interface AggregateOptions {
  /** MEMORY USAGE on up to this many keys per family / group. */
  sample: number;
  orphanGroupLimit?: number;
  /** Count orphans as a problem (exit 1). */
  failOnOrphans?: boolean;
  matcher?: MatcherStrategy;
}

/** Whether a family's keys must expire: it has `ttl.min` or `ttl.max`, and not `ttl.none`. */
export function familyRequiresTtl(family: RegistryFamily): boolean {
  const ttl = family.ttl;
  return Boolean(ttl && !ttl.none && (ttl.min !== undefined || ttl.max !== undefined));
}

export class AuditAggregate implements KeySink<KeySlot> {
  private readonly families: FamilyState[];
  private readonly deprecated: DeprecatedState[];
  private readonly matcher: KeyMatcher<Owner>;
  private readonly orphanGroups = new Map<string, GroupStats>();
  private orphanOther: GroupStats | null = null;
  private readonly orphanGroupLimit: number;
  vanished = 0;

  constructor(
    readonly registry: Registry | null,
    private readonly options: AggregateOptions,
  ) {
    this.orphanGroupLimit = options.orphanGroupLimit ?? DEFAULT_ORPHAN_GROUP_LIMIT;
    this.families = (registry?.families ?? []).map((family) => ({
      family,
      stats: new GroupStats(),
      requiresTtl: familyRequiresTtl(family),
      maxMs: family.ttl?.max !== undefined ? family.ttl.max * 1000 : null,
      overMax: 0,
      noTtlExamples: [],
      overMaxExamples: [],
    }));
    this.deprecated = (registry?.deprecated ?? []).map((entry) => ({
      template: entry.templateText,
      replacement: entry.replacementText,
      stats: new GroupStats(),
    }));
    this.matcher = compileMatcher<Owner>(
      [
        ...this.families.map((state) => ({ template: state.family.template, value: { kind: 'family' as const, state } })),
        ...(registry?.deprecated ?? []).map((entry, i) => ({ template: entry.template, value: { kind: 'deprecated' as const, state: this.deprecated[i] } })),
      ],
      options.matcher,
    );
  }

  classify(key: Buffer): KeySlot {
    const name = key.toString();
    const owner = this.matcher.match(name);
    if (owner?.kind === 'family') return { name, stats: owner.state.stats, family: owner.state };
    if (owner) return { name, stats: owner.state.stats, family: null };
    return { name, stats: this.orphanGroup(name), family: null };
  }

  wantsMemory(slot: KeySlot): boolean {
    if (slot.stats.memoryRequested >= this.options.sample) return false;
    slot.stats.memoryRequested++;
    return true;
  }

  record(slot: KeySlot, type: string, pttlMs: number): void {
    if (type === 'none' || pttlMs === -2) {
      this.vanished++;
      return;
    }
    slot.stats.add(slot.name, type, pttlMs);
    const family = slot.family;
    if (!family) return;
    if (pttlMs < 0) {
      if (family.requiresTtl && family.noTtlExamples.length < MAX_EXAMPLES) family.noTtlExamples.push(slot.name);
    } else if (family.maxMs !== null && pttlMs > family.maxMs) {
      family.overMax++;
      if (family.overMaxExamples.length < MAX_EXAMPLES) family.overMaxExamples.push(slot.name);
    }
  }

  recordMemory(slot: KeySlot, bytes: number): void {
    slot.stats.addMemory(bytes);
  }

  private orphanGroup(name: string): GroupStats {
    const template = inferTemplate(name);
    let stats = this.orphanGroups.get(template);
    if (stats) return stats;
    if (this.orphanGroups.size >= this.orphanGroupLimit) return (this.orphanOther ??= new GroupStats());
    stats = new GroupStats();
    this.orphanGroups.set(template, stats);
    return stats;
  }

  /** The final report. */
  report(meta: {
    target: string;
    mode: 'standalone' | 'cluster';
    db: number;
    nodes: AuditNode[];
    options: AuditReport['options'];
    elapsedMs: number;
  }): AuditReport {
    const families: FamilyReport[] = this.families.map((state) => ({
      name: state.family.name,
      template: state.family.templateText,
      ttlPolicy: state.family.ttl ? { ...state.family.ttl } : null,
      requiresTtl: state.requiresTtl,
      ...state.stats.report(),
      overMax: state.overMax,
      noTtlExamples: [...state.noTtlExamples],
      overMaxExamples: [...state.overMaxExamples],
    }));
    const deprecated: DeprecatedReport[] = this.deprecated.map((state) => ({
      template: state.template,
      replacement: state.replacement,
      ...state.stats.report(),
    }));
    const groups: OrphanGroupReport[] = [...this.orphanGroups]
      .filter(([, stats]) => stats.count > 0)
      .map(([template, stats]) => ({ template, ...stats.report() }))
      .sort((a, b) => b.count - a.count || (a.template! < b.template! ? -1 : 1));
    const other = this.orphanOther && this.orphanOther.count > 0 ? { template: null, ...this.orphanOther.report() } : null;

    const problems: AuditProblem[] = [];
    for (const entry of deprecated) {
      if (entry.count === 0) continue;
      problems.push({
        kind: 'deprecated-keys',
        subject: entry.template,
        count: entry.count,
        message: `${plural(entry.count, 'key')} of deprecated template ${entry.template} (replaced by ${entry.replacement})`,
        examples: entry.examples,
      });
    }
    for (const family of families) {
      if (family.requiresTtl && family.ttl.noTtl > 0) {
        problems.push({
          kind: 'missing-ttl',
          subject: family.name,
          count: family.ttl.noTtl,
          message: `${plural(family.ttl.noTtl, 'key')} of family ${family.name} (${family.template}) ${family.ttl.noTtl === 1 ? 'has' : 'have'} no TTL; the registry requires one (${describePolicy(family.ttlPolicy!)})`,
          examples: family.noTtlExamples,
        });
      }
      if (family.overMax > 0) {
        problems.push({
          kind: 'ttl-above-max',
          subject: family.name,
          count: family.overMax,
          message: `${plural(family.overMax, 'key')} of family ${family.name} (${family.template}) expire${family.overMax === 1 ? 's' : ''} later than ttl.max ${family.ttlPolicy!.max} s (up to ${family.ttl.maxSeconds} s left)`,
          examples: family.overMaxExamples,
        });
      }
    }
    const orphanCount = groups.reduce((n, g) => n + g.count, 0) + (other?.count ?? 0);
    if (this.options.failOnOrphans && orphanCount > 0) {
      problems.push({
        kind: 'orphan-keys',
        subject: null,
        count: orphanCount,
        message: `${plural(orphanCount, 'key')} match${orphanCount === 1 ? 'es' : ''} no registry template`,
        examples: groups.flatMap((g) => g.examples.slice(0, 1)).slice(0, MAX_EXAMPLES),
      });
    }

    const all: GroupReport[] = [...families, ...deprecated, ...groups, ...(other ? [other] : [])];
    const estimates = all.map((g) => g.memory.estimatedBytes).filter((b): b is number => b !== null);
    const familyCount = families.reduce((n, f) => n + f.count, 0);
    const deprecatedCount = deprecated.reduce((n, d) => n + d.count, 0);
    return {
      version: AUDIT_REPORT_VERSION,
      target: meta.target,
      mode: meta.mode,
      db: meta.db,
      nodes: meta.nodes,
      registry: this.registry?.file ?? null,
      options: meta.options,
      totals: {
        keys: familyCount + deprecatedCount + orphanCount,
        vanished: this.vanished,
        families: familyCount,
        deprecated: deprecatedCount,
        orphans: orphanCount,
        noTtl: all.reduce((n, g) => n + g.ttl.noTtl, 0),
        estimatedBytes: estimates.length > 0 ? estimates.reduce((a, b) => a + b, 0) : null,
      },
      families,
      deprecated,
      orphans: { groups, other, groupLimit: this.orphanGroupLimit },
      problems,
      ok: problems.length === 0,
      elapsedMs: meta.elapsedMs,
    };
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function describePolicy(policy: { min?: number; max?: number }): string {
  const parts: string[] = [];
  if (policy.min !== undefined) parts.push(`ttl.min ${policy.min} s`);
  if (policy.max !== undefined) parts.push(`ttl.max ${policy.max} s`);
  return parts.join(', ');
}

/**
 * Cross-file checks over all call sites: drift, dead invalidations, never-invalidated families,
 * TTLs, dangerous commands and the registry. Input: call sites with templates; output: findings.
 */
import { driftBetween, DRIFT_DESCRIPTIONS, type DriftKind } from '../keys/drift.js';
import { templateShape, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import { matchDeprecated, matchFamily } from '../registry/load.js';
import type { Registry, RegistryFamily } from '../registry/types.js';
import type { Finding, FindingRule, RelatedLocation, Severity } from '../types.js';
import { compareLocated, type CheckSite, type Located } from './site.js';

/** One template of one key of one call site: the unit every check works on. */
export interface KeyUse {
  site: CheckSite;
  where: Located;
  template: Template;
  text: string;
}

export interface CheckInput {
  sites: CheckSite[];
  uses: KeyUse[];
  registry?: Registry;
  /** Where each registry family is written, for findings about the registry itself. */
  registryLocation?: (family: RegistryFamily) => Located;
}

export function runChecks(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const add: Add = (rule, severity, where, message, template, related) => {
    findings.push({ rule, severity, ...where, message, ...(template !== undefined && { template }), ...(related && related.length > 0 && { related }) });
  };
  const reads = input.uses.filter((u) => u.site.info.access === 'read');

  checkDangerousCommands(input, add);
  checkInvalidations(input, reads, add);
  checkNeverInvalidated(input, reads, add);
  checkTtl(input, add);
  if (input.registry) checkRegistry(input, input.registry, add);
  checkUnresolved(input, add);
  return findings;
}

type Add = (rule: FindingRule, severity: Severity, where: Located, message: string, template?: string, related?: RelatedLocation[]) => void;

function checkDangerousCommands(input: CheckInput, add: Add): void {
  for (const site of input.sites) {
    if (site.info.danger === 'keys') {
      add('no-keys-command', 'error', site.where, 'KEYS walks the whole keyspace and blocks Redis while it runs; iterate with SCAN (ioredis scanStream, node-redis scanIterator) instead');
    } else if (site.info.danger === 'flush') {
      add('no-flush', 'error', site.where, `${site.info.name.toUpperCase()} empties the whole cache and sends every request to the database at once; delete the specific keys that changed`);
    }
  }
}

/**
 * Deletes, expires and overwrites of a family nothing reads: `dead-invalidation`, and
 * `key-drift` when a read or registered family nearly matches (the key it probably meant).
 */
function checkInvalidations(input: CheckInput, reads: KeyUse[], add: Add): void {
  const registryTemplates = input.registry?.families.map((f) => ({ template: f.template, text: f.templateText, where: undefined as Located | undefined })) ?? [];
  const readTargets = [...dedupeByShape(reads).map((u) => ({ template: u.template, text: u.text, where: u.where as Located | undefined })), ...registryTemplates];
  const reported = new Set<string>();
  for (const use of input.uses) {
    const { access } = use.site.info;
    const isInvalidation = access === 'delete' || access === 'expire';
    const isOverwrite = access === 'write' && !readsInSameFunction(use, reads);
    if (!isInvalidation && !isOverwrite) continue;
    if (reads.some((r) => invalidates(use, r.template))) continue;
    const dedupeKey = `${use.where.file}:${use.where.line}:${use.where.column}:${use.text}`;
    if (reported.has(dedupeKey)) continue;
    reported.add(dedupeKey);

    const drift = nearestDrift(use.template, readTargets);
    if (drift) {
      const place = drift.target.where ? ` (read at ${drift.target.where.file}:${drift.target.where.line})` : ' (registered)';
      const verb = access === 'write' ? 'written' : access === 'expire' ? 'expired' : 'deleted';
      add(
        'key-drift',
        'error',
        use.where,
        `\`${use.text}\` is ${verb} here but nothing reads it; did you mean \`${drift.target.text}\`${place}? They differ by ${DRIFT_DESCRIPTIONS[drift.kind]}`,
        use.text,
        drift.target.where ? [{ ...drift.target.where, message: `\`${drift.target.text}\` is read here` }] : undefined,
      );
    }
    if (isInvalidation && !writtenInSameFunction(use, input.uses)) {
      const wildcard = isLiteralGlob(use.template) ? ' (DEL takes key names, not patterns: `*` is a literal character here)' : '';
      add('dead-invalidation', 'warning', use.where, `\`${use.text}\` is invalidated here but no code reads it, so this invalidation does nothing${wildcard}`, use.text);
    }
  }
}

/**
 * Whether an invalidation (or overwrite) reaches a read family. DEL takes key names, not
 * patterns: a literal `product:*` deletes the one key named so, not the `product:{id}` family.
 */
function invalidates(use: KeyUse, target: Template): boolean {
  if (isLiteralGlob(use.template)) return isLiteralGlob(target) && templateShape(target) === templateShape(use.template);
  return unify(use.template, target);
}

function isLiteralGlob(t: Template): boolean {
  return t.segments.every((s) => s.kind === 'literal') && /[*?[]/.test(t.segments.map((s) => (s.kind === 'literal' ? s.text : '')).join(''));
}

function readsInSameFunction(use: KeyUse, reads: KeyUse[]): boolean {
  return use.site.fnId !== null && reads.some((r) => r.site.fnId === use.site.fnId && unify(r.template, use.template));
}

/** A key set and deleted in one function is a lock or a scratch key, not a cache entry. */
function writtenInSameFunction(use: KeyUse, uses: KeyUse[]): boolean {
  return use.site.fnId !== null && uses.some((u) => u.site.fnId === use.site.fnId && u.site.info.access === 'write' && unify(u.template, use.template));
}

const DRIFT_ORDER: DriftKind[] = ['version', 'case', 'separator', 'prefix', 'segment'];

function nearestDrift<T extends { template: Template }>(template: Template, candidates: T[]): { target: T; kind: DriftKind } | undefined {
  let best: { target: T; kind: DriftKind } | undefined;
  for (const target of candidates) {
    const kind = driftBetween(template, target.template);
    if (!kind) continue;
    if (!best || DRIFT_ORDER.indexOf(kind) < DRIFT_ORDER.indexOf(best.kind)) best = { target, kind };
  }
  return best;
}

/** A family read and populated that nothing deletes, expires or overwrites, with no TTL. */
function checkNeverInvalidated(input: CheckInput, reads: KeyUse[], add: Add): void {
  const seen = new Set<string>();
  for (const read of reads) {
    const shape = templateShape(read.template);
    if (seen.has(shape)) continue;
    seen.add(shape);
    const related = input.uses.filter((u) => u !== read && invalidates(u, read.template));
    const writes = related.filter((u) => u.site.info.access === 'write');
    if (writes.length === 0) continue;
    const hasTtl = writes.some((w) => w.site.ttl !== null);
    const invalidated = related.some((u) => {
      const access = u.site.info.access;
      if (access === 'delete' || access === 'expire') return true;
      return access === 'write' && !readsInSameFunction(u, reads);
    });
    if (hasTtl || invalidated) continue;
    const first = reads.filter((r) => templateShape(r.template) === shape).sort(byLocation)[0];
    add(
      'never-invalidated',
      'warning',
      first.where,
      `\`${first.text}\` is read and populated but no code path deletes, expires or overwrites it, and it has no TTL: after a write it stays stale until evicted`,
      first.text,
    );
  }
}

function checkTtl(input: CheckInput, add: Add): void {
  const reported = new Set<CheckSite>();
  for (const use of input.uses) {
    const { site } = use;
    if (!site.info.createsValue || reported.has(site)) continue;
    const family = input.registry ? matchFamily(input.registry, use.template) : undefined;
    if (family?.ttl?.none) continue;
    if (site.ttl === null) {
      reported.add(site);
      add('require-ttl', 'warning', use.where, `${site.info.name.toUpperCase()} of \`${use.text}\` sets no expiry: if an invalidation is ever missed, the stale value lives forever. Pass EX / setex, or expire it in the same function`, use.text);
    } else if (family?.ttl?.max !== undefined && 'seconds' in site.ttl && site.ttl.seconds > family.ttl.max) {
      reported.add(site);
      add('require-ttl', 'error', use.where, `TTL ${site.ttl.seconds} s for \`${use.text}\` exceeds the registry's maximum of ${family.ttl.max} s for family '${family.name}'`, use.text);
    }
  }
}

function checkRegistry(input: CheckInput, registry: Registry, add: Add): void {
  const used = new Set<RegistryFamily>();
  const registered = registry.families.map((f) => ({ template: f.template, text: f.templateText }));
  for (const use of input.uses) {
    if (use.site.info.access === 'scan' || use.site.info.channels) continue;
    const deprecated = matchDeprecated(registry, use.template);
    if (deprecated) {
      add('deprecated-key', 'error', use.where, `\`${use.text}\` uses the deprecated key format \`${deprecated.templateText}\`; use \`${deprecated.replacementText}\``, use.text);
      continue;
    }
    const family = matchFamily(registry, use.template);
    if (family) {
      used.add(family);
      continue;
    }
    const drift = use.site.info.access === 'read' ? nearestDrift(use.template, registered) : undefined;
    if (drift) {
      add('key-drift', 'error', use.where, `\`${use.text}\` is not a registered key; did you mean \`${drift.target.text}\`? They differ by ${DRIFT_DESCRIPTIONS[drift.kind]}`, use.text);
    } else {
      add('no-unknown-keys', 'warning', use.where, `\`${use.text}\` matches no family in ${basename(registry.file)}; register it or build it with a registered key builder`, use.text);
    }
  }
  for (const family of registry.families) {
    if (used.has(family)) continue;
    const where = input.registryLocation?.(family) ?? { file: registry.file, line: 1, column: 1 };
    add('unused-registry-key', 'info', where, `registry family '${family.name}' (\`${family.templateText}\`) is not used by any call site`, family.templateText);
  }
}

function checkUnresolved(input: CheckInput, add: Add): void {
  for (const site of input.sites) {
    for (const key of site.keys) {
      if (key.templates.length > 0) continue;
      add('unresolved-key', 'info', site.where, `cannot resolve the key \`${key.source}\` to a template; build it from a registered key builder or a constant`);
    }
  }
}

function dedupeByShape(uses: KeyUse[]): KeyUse[] {
  const seen = new Map<string, KeyUse>();
  for (const u of [...uses].sort(byLocation)) {
    const shape = templateShape(u.template);
    if (!seen.has(shape)) seen.set(shape, u);
  }
  return [...seen.values()];
}

export function byLocation(a: { where: Located }, b: { where: Located }): number {
  return compareLocated(a.where, b.where);
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

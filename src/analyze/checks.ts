/**
 * Cross-file checks over all call sites: drift, dead invalidations, never-invalidated families,
 * TTLs, dangerous commands and the registry. Input: call sites with templates; output: findings.
 * Comparisons between keys go through a FamilyIndex (per shape, memoized), so the cost grows with
 * the number of key families rather than with uses × uses.
 */
import { DRIFT_DESCRIPTIONS, type DriftKind } from '../keys/drift.js';
import type { Template } from '../keys/template.js';
import { memo } from '../memo.js';
import { classifyKey, matchFamily, type KeyClass } from '../registry/load.js';
import type { Registry, RegistryFamily } from '../registry/types.js';
import type { Finding, FindingRule, RelatedLocation, Severity } from '../types.js';
import { FamilyIndex, shapeOf, type KeyUse } from './family-index.js';
import { compareLocated, type CheckSite, type Located } from './site.js';

export type { KeyUse } from './family-index.js';

export interface CheckInput {
  sites: CheckSite[];
  uses: KeyUse[];
  registry?: Registry;
  /** Where each registry family is written, for findings about the registry itself. */
  registryLocation?: (family: RegistryFamily) => Located;
}

type Add = (rule: FindingRule, severity: Severity, where: Located, message: string, template?: string, related?: RelatedLocation[]) => void;

/** What the checks share: the index, reads by shape and by function, registry lookups. */
interface Context {
  input: CheckInput;
  index: FamilyIndex;
  /** Shapes that some read uses, each with its first read (for messages). */
  readShapes: Map<string, KeyUse>;
  /** Per function: the shapes it reads and the shapes it writes. */
  readsByFunction: Map<string, Set<string>>;
  writesByFunction: Map<string, Set<string>>;
  family: (shape: string) => RegistryFamily | undefined;
  classify: (shape: string) => KeyClass;
  add: Add;
}

export function runChecks(input: CheckInput): Finding[] {
  const findings: Finding[] = [];
  const add: Add = (rule, severity, where, message, template, related) => {
    findings.push({ rule, severity, ...where, message, ...(template !== undefined && { template }), ...(related && related.length > 0 && { related }) });
  };
  const index = new FamilyIndex(input.uses);
  const readShapes = new Map<string, KeyUse>();
  const readsByFunction = new Map<string, Set<string>>();
  const writesByFunction = new Map<string, Set<string>>();
  for (const use of [...input.uses].sort(byLocation)) {
    const access = use.site.info.access;
    if (access === 'read' && !readShapes.has(use.shape)) readShapes.set(use.shape, use);
    const byFunction = access === 'read' ? readsByFunction : access === 'write' ? writesByFunction : undefined;
    if (byFunction && use.site.fnId !== null) {
      const set = byFunction.get(use.site.fnId) ?? new Set<string>();
      set.add(use.shape);
      byFunction.set(use.site.fnId, set);
    }
  }
  const registry = input.registry;
  const ctx: Context = {
    input,
    index,
    readShapes,
    readsByFunction,
    writesByFunction,
    family: memo((shape) => (registry ? matchFamily(registry, index.group(shape).template) : undefined)),
    classify: memo((shape) => (registry ? classifyKey(registry, index.group(shape).template) : { kind: 'unknown' as const })),
    add,
  };

  checkDangerousCommands(ctx);
  checkInvalidations(ctx);
  checkNeverInvalidated(ctx);
  checkTtl(ctx);
  if (registry) checkRegistry(ctx, registry);
  checkUnresolved(ctx);
  return findings;
}

function checkDangerousCommands({ input, add }: Context): void {
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
function checkInvalidations(ctx: Context): void {
  const { input, index, add } = ctx;
  const targets: DriftTarget[] = [
    ...[...ctx.readShapes.values()].map((u) => ({ shape: u.shape, template: u.template, text: u.text, where: u.where as Located | undefined })),
    ...(input.registry?.families ?? []).map((f) => ({ shape: shapeOf(f.template), template: f.template, text: f.templateText, where: undefined })),
  ];
  // A shape that is read itself needs no comparison (every shape reaches its own family).
  const readShapes = [...ctx.readShapes.keys()];
  const isRead = memo((shape: string) => ctx.readShapes.has(shape) || readShapes.some((read) => index.invalidates(shape, read)));
  const nearest = memo((shape: string) => nearestDrift(index, shape, targets));
  const reported = new Set<string>();
  for (const use of input.uses) {
    const { access } = use.site.info;
    const isInvalidation = access === 'delete' || access === 'expire';
    const isOverwrite = access === 'write' && !inSameFunction(ctx.readsByFunction, use, index);
    if (!isInvalidation && !isOverwrite) continue;
    if (isRead(use.shape)) continue;
    const dedupeKey = `${use.where.file}:${use.where.line}:${use.where.column}:${use.text}`;
    if (reported.has(dedupeKey)) continue;
    reported.add(dedupeKey);

    const drift = nearest(use.shape);
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
    // A key set and deleted in one function is a lock or a scratch key, not a cache entry.
    if (isInvalidation && !inSameFunction(ctx.writesByFunction, use, index)) {
      const wildcard = index.group(use.shape).literalGlob ? ' (DEL takes key names, not patterns: `*` is a literal character here)' : '';
      add('dead-invalidation', 'warning', use.where, `\`${use.text}\` is invalidated here but no code reads it, so this invalidation does nothing${wildcard}`, use.text);
    }
  }
}

/** Whether the use's function also reads (or writes) a family the use's key unifies with. */
function inSameFunction(byFunction: Map<string, Set<string>>, use: KeyUse, index: FamilyIndex): boolean {
  if (use.site.fnId === null) return false;
  const shapes = byFunction.get(use.site.fnId);
  if (!shapes) return false;
  for (const shape of shapes) if (index.unifies(shape, use.shape)) return true;
  return false;
}

interface DriftTarget {
  shape: string;
  template: Template;
  text: string;
  where: Located | undefined;
}

const DRIFT_ORDER: DriftKind[] = ['version', 'case', 'separator', 'prefix', 'segment'];

function nearestDrift(index: FamilyIndex, shape: string, candidates: DriftTarget[]): { target: DriftTarget; kind: DriftKind } | undefined {
  let best: { target: DriftTarget; kind: DriftKind } | undefined;
  for (const target of candidates) {
    const kind = index.drift(shape, target);
    if (!kind) continue;
    if (!best || DRIFT_ORDER.indexOf(kind) < DRIFT_ORDER.indexOf(best.kind)) best = { target, kind };
  }
  return best;
}

/** A family read and populated that nothing deletes, expires or overwrites, with no TTL. */
function checkNeverInvalidated(ctx: Context): void {
  const { index, add } = ctx;
  for (const [shape, first] of ctx.readShapes) {
    let populated = false;
    let covered = false;
    for (const other of index.groups.values()) {
      if (!index.invalidates(other.shape, shape)) continue;
      for (const u of other.uses) {
        if (u === first) continue;
        const access = u.site.info.access;
        if (access === 'write') {
          populated = true;
          if (u.site.ttl !== null || !inSameFunction(ctx.readsByFunction, u, index)) covered = true;
        } else if (access === 'delete' || access === 'expire') covered = true;
        if (covered) break;
      }
      if (covered) break;
    }
    if (!populated || covered) continue;
    add(
      'never-invalidated',
      'warning',
      first.where,
      `\`${first.text}\` is read and populated but no code path deletes, expires or overwrites it, and it has no TTL: after a write it stays stale until evicted`,
      first.text,
    );
  }
}

function checkTtl({ input, add, family: familyOf }: Context): void {
  const reported = new Set<CheckSite>();
  for (const use of input.uses) {
    const { site } = use;
    if (!site.info.createsValue || reported.has(site)) continue;
    const family = familyOf(use.shape);
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

function checkRegistry(ctx: Context, registry: Registry): void {
  const { input, index, add } = ctx;
  const used = new Set<RegistryFamily>();
  const registered: DriftTarget[] = registry.families.map((f) => ({ shape: shapeOf(f.template), template: f.template, text: f.templateText, where: undefined }));
  const nearestRegistered = memo((shape: string) => nearestDrift(index, shape, registered));
  for (const use of input.uses) {
    if (use.site.info.access === 'scan' || use.site.info.channels) continue;
    const known = ctx.classify(use.shape);
    if (known.kind === 'deprecated') {
      const { entry } = known;
      add('deprecated-key', 'error', use.where, `\`${use.text}\` uses the deprecated key format \`${entry.templateText}\`; use \`${entry.replacementText}\``, use.text);
      continue;
    }
    if (known.kind === 'family') {
      used.add(known.family);
      continue;
    }
    const drift = use.site.info.access === 'read' ? nearestRegistered(use.shape) : undefined;
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

function checkUnresolved({ input, add }: Context): void {
  for (const site of input.sites) {
    for (const key of site.keys) {
      if (key.templates.length > 0) continue;
      add('unresolved-key', 'info', site.where, `cannot resolve the key \`${key.source}\` to a template; build it from a registered key builder or a constant`);
    }
  }
}

export function byLocation(a: { where: Located }, b: { where: Located }): number {
  return compareLocated(a.where, b.where);
}

function basename(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/**
 * Cross-file write-path checks over the WriteModel:
 *   require-invalidation   a write path that writes an entity and invalidates none of its families
 *   invalidate-after-write an invalidation before the write it is for, or before the commit
 *   dead-channel           a publish nobody subscribes to, a subscription nobody publishes to
 *   stale-local-cache      an in-process cache in front of Redis never cleared on invalidation
 *   unresolved-write       a write whose table cannot be read from the code (info)
 */
import { driftBetween } from '../keys/drift.js';
import { formatTemplate, hole, literal, makeTemplate, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import { normalizeEntity } from '../writes/entities.js';
import type { FindingRule, RelatedLocation, Severity } from '../types.js';
import { compareLocated, type CheckSite, type Located } from './site.js';
import type { FunctionFacts, WriteFact } from './write-facts.js';
import type { WriteModel } from './write-model.js';

export type AddFinding = (rule: FindingRule, severity: Severity, where: Located, message: string, template?: string, related?: RelatedLocation[]) => void;

export interface WritePath {
  fnId: string;
  facts: FunctionFacts;
  /** The entity as first written on this path. */
  entity: string;
  inferred: boolean;
  write: WriteFact;
  /** The call in this function that leads to the write, when the write is in a called function. */
  via: { where: Located; callee: string } | undefined;
  families: number[];
  invalidated: number[];
  stale: number[];
  /** The path may invalidate through a client keydrift cannot recognize: not reported. */
  opaque: boolean;
}

export interface WritePathOptions {
  /** A rule, which cannot see callers in other files: every function that writes itself is a write path. */
  everyWriter?: boolean;
  /**
   * With `everyWriter`: ids of functions that run inline during a call of the function that
   * passes them (`$transaction(async (tx) => …)`, `ids.map(async (id) => …)`). Their writes are
   * that function's: it is the write path, and they are not write paths of their own.
   */
  callbacks?: ReadonlySet<string>;
}

/**
 * Every write path: a root function × an entity it writes that has cached families. With
 * `everyWriter` (a rule, which cannot see callers in other files), every function that writes
 * itself (or through the callbacks it runs) is a write path.
 */
export function writePaths(model: WriteModel, options: WritePathOptions = {}): WritePath[] {
  const out: WritePath[] = [];
  const callbacks = options.callbacks ?? new Set<string>();
  const writesItself = (facts: FunctionFacts, seen: Set<string>): boolean =>
    facts.writes.length > 0 ||
    facts.calls.some((call) => {
      if (!callbacks.has(call.callee) || seen.has(call.callee)) return false;
      seen.add(call.callee);
      const inner = model.functions.get(call.callee)?.facts;
      return inner !== undefined && writesItself(inner, seen);
    });
  for (const facts of model.facts.functions) {
    if (options.everyWriter ? callbacks.has(facts.id) || !writesItself(facts, new Set([facts.id])) : !model.isRoot(facts.id)) continue;
    const summary = model.summary(facts.id);
    for (const [entityKey, { fact, inFunction }] of summary.writes) {
      const { families, inferred } = model.familiesOf(fact.entity!);
      if (families.length === 0) continue;
      const invalidated = families.filter((f) => summary.invalidates.has(f));
      out.push({
        fnId: facts.id,
        facts,
        entity: fact.entity!,
        inferred,
        write: fact,
        via: inFunction === facts.id ? undefined : model.firstCallWriting(facts, entityKey),
        families,
        invalidated,
        stale: families.filter((f) => !summary.invalidates.has(f)),
        opaque: summary.opaque,
      });
    }
  }
  return out.sort((a, b) => compareLocated(a.facts.where, b.facts.where) || a.entity.localeCompare(b.entity));
}

export function runWriteChecks(model: WriteModel, add: AddFinding): void {
  checkRequireInvalidation(model, add);
  checkInvalidateAfterWrite(model, add);
  checkDeadChannels(model.sites, add);
  checkLocalCaches(model, add);
  checkUnresolvedWrites(model, add);
}

export function checkRequireInvalidation(model: WriteModel, add: AddFinding, options: WritePathOptions = {}): void {
  for (const path of writePaths(model, options)) {
    if (path.invalidated.length > 0 || path.opaque) continue;
    const stale = path.stale.map((f) => model.families[f].text).sort();
    const name = model.displayName(path.fnId);
    const through = path.via ? ` (through ${model.displayName(path.via.callee)}, ${path.write.where.file}:${path.write.where.line})` : '';
    const how = path.inferred ? ' (matched by name; pin it with `invalidatedBy` in the registry)' : '';
    const related: RelatedLocation[] = [];
    if (path.via) related.push({ ...path.write.where, message: `the write to \`${path.entity}\`` });
    for (const f of path.stale) {
      const reader = model.families[f].readers[0];
      if (reader) related.push({ ...reader.where, message: `\`${model.families[f].text}\` is read here` });
    }
    add(
      'require-invalidation',
      'error',
      path.via?.where ?? path.write.where,
      `${name} writes \`${path.entity}\`${through} but invalidates no cached family of it: ${listTemplates(stale)} ${stale.length === 1 ? 'stays' : 'stay'} stale${how}`,
      stale[0],
      related,
    );
  }
}

export /** Up to three templates in backticks, then how many more. */
function listTemplates(templates: string[]): string {
  const shown = templates.slice(0, 3).map((t) => `\`${t}\``).join(', ');
  return templates.length > 3 ? `${shown} and ${templates.length - 3} more` : shown;
}

interface Event {
  where: Located;
  /** Families invalidated at this point. */
  invalidates: ReadonlySet<number>;
  /** Normalized entities written at this point (awaited, so later code runs after it). */
  writes: Map<string, string>;
  /** A direct Redis command or a call in this function: where a finding can point. */
  own: boolean;
}

/** A function's events in source order: its own commands and writes, and what each call does. */
export function eventsOf(model: WriteModel, fnId: string): Event[] {
  const fn = model.functions.get(fnId);
  if (!fn) return [];
  const events: Event[] = [];
  for (const inv of fn.invalidations) events.push({ where: inv.site.where, invalidates: inv.families, writes: new Map(), own: true });
  for (const write of fn.facts?.writes ?? []) {
    if (write.entity === null || !write.awaited) continue;
    events.push({ where: write.where, invalidates: new Set(), writes: new Map([[normalizeEntity(write.entity), write.entity]]), own: true });
  }
  for (const call of fn.facts?.calls ?? []) {
    const summary = model.summary(call.callee);
    if (summary.invalidates.size === 0 && summary.writes.size === 0) continue;
    const writes = new Map<string, string>();
    if (call.awaited) for (const [key, w] of summary.writes) writes.set(key, w.fact.entity!);
    events.push({ where: call.where, invalidates: summary.invalidates, writes, own: true });
  }
  return events.sort((a, b) => compareLocated(a.where, b.where));
}

export function checkInvalidateAfterWrite(model: WriteModel, add: AddFinding): void {
  const reported = new Set<string>();
  // One finding per invalidation: a publish reaching two families is one mistake.
  const report = (where: Located, family: number, message: string) => {
    const key = `${where.file}:${where.line}:${where.column}`;
    if (reported.has(key)) return;
    reported.add(key);
    add('invalidate-after-write', 'warning', where, message, model.families[family].text);
  };
  const entityFamilies = (entity: string) => new Set(model.familiesOf(entity).families);

  for (const [fnId, fn] of model.functions) {
    const events = eventsOf(model, fnId);
    if (events.length < 2) continue;
    // 1. Invalidated, then written, and not invalidated again after the write.
    events.forEach((event, i) => {
      for (const family of event.invalidates) {
        for (const later of events.slice(i + 1)) {
          const entity = [...later.writes].find(([, name]) => entityFamilies(name).has(family));
          if (!entity) continue;
          const again = events.slice(events.indexOf(later)).some((e) => e.invalidates.has(family));
          if (!again) {
            report(
              event.where,
              family,
              `\`${model.families[family].text}\` is invalidated before the write to \`${entity[1]}\` (line ${later.where.line}): a request in between reads the old row and caches it again. Invalidate after the write (or again after it)`,
            );
          }
          break;
        }
      }
    });
    // 2. Inside a transaction callback, or between BEGIN and COMMIT: before the commit.
    const controls = [...(fn.facts?.controls ?? [])].sort((a, b) => compareLocated(a.where, b.where));
    events.forEach((event, i) => {
      for (const family of event.invalidates) {
        const earlier = events.slice(0, i).find((e) => [...e.writes].some(([, name]) => entityFamilies(name).has(family)));
        if (!earlier) continue;
        if (fn.facts?.transaction && !invalidatedAfterTransaction(model, fnId, family)) {
          report(event.where, family, transactionMessage(model.families[family].text));
        } else if (controls.length > 0) {
          const before = controls.filter((c) => compareLocated(c.where, event.where) < 0).pop();
          const commit = controls.find((c) => compareLocated(c.where, event.where) > 0 && c.control === 'commit');
          if (before?.control !== 'begin' || !commit || compareLocated(earlier.where, before.where) < 0) continue;
          const again = events.some((e) => compareLocated(e.where, commit.where) > 0 && e.invalidates.has(family));
          if (!again) report(event.where, family, transactionMessage(model.families[family].text));
        }
      }
    });
  }
}

function transactionMessage(template: string): string {
  return `\`${template}\` is invalidated inside the transaction, before it commits: a concurrent read can still load the old row and put it back in the cache. Invalidate after the transaction commits`;
}

/** The double-delete pattern: the function running the transaction invalidates again after it. */
function invalidatedAfterTransaction(model: WriteModel, callbackId: string, family: number): boolean {
  for (const { caller, where } of model.functions.get(callbackId)?.callers ?? []) {
    const events = eventsOf(model, caller);
    if (events.some((e) => compareLocated(e.where, where) > 0 && e.invalidates.has(family))) return true;
  }
  return false;
}

const PUBLISH = new Set(['publish', 'spublish']);
const SUBSCRIBE = new Set(['subscribe', 'ssubscribe', 'psubscribe']);

function checkDeadChannels(sites: readonly CheckSite[], add: AddFinding): void {
  const publishes = sites.filter((s) => PUBLISH.has(s.info.name)).map((site) => ({ site, templates: site.keys[0]?.templates ?? [] }));
  const subscriptions = sites
    .filter((s) => SUBSCRIBE.has(s.info.name))
    .flatMap((site) => site.keys.map((key) => ({ site, templates: site.info.name === 'psubscribe' ? key.templates.map(patternTemplate) : key.templates })));
  // A channel that cannot be resolved might be any channel: then nothing on the other side is dead.
  const unknownPublisher = publishes.some((p) => p.templates.length === 0);
  const unknownSubscriber = subscriptions.some((s) => s.templates.length === 0);
  const text = formatTemplate;
  const nearest = (t: Template, others: Template[]) => others.find((o) => driftBetween(t, o) !== undefined);

  if (!unknownSubscriber) {
    for (const { site, templates } of publishes) {
      if (templates.length === 0 || templates.some(isKeyspaceChannel)) continue;
      if (subscriptions.some((s) => s.templates.some((sub) => templates.some((t) => unify(t, sub))))) continue;
      const near = nearest(templates[0], subscriptions.flatMap((s) => s.templates));
      add('dead-channel', 'warning', site.where, `nothing subscribes to \`${text(templates[0])}\`: this invalidation message reaches no listener${near ? `; did you mean \`${text(near)}\`?` : ''}`, text(templates[0]));
    }
  }
  if (!unknownPublisher) {
    for (const { site, templates } of subscriptions) {
      if (templates.length === 0 || templates.some(isKeyspaceChannel)) continue;
      if (publishes.some((p) => p.templates.some((pub) => templates.some((t) => unify(t, pub))))) continue;
      const near = nearest(templates[0], publishes.flatMap((p) => p.templates));
      add('dead-channel', 'warning', site.where, `nothing publishes to \`${text(templates[0])}\`: this listener never hears an invalidation${near ? `; did you mean \`${text(near)}\`?` : ''}`, text(templates[0]));
    }
  }
}

/** Redis publishes keyspace notifications itself: `__keyspace@0__:…`, `__keyevent@0__:expired`. */
function isKeyspaceChannel(template: Template): boolean {
  const first = template.segments[0];
  return first?.kind === 'literal' && first.text.startsWith('__key');
}

/** A PSUBSCRIBE glob as a template: `*` and `?` become holes. */
function patternTemplate(template: Template): Template {
  return makeTemplate(
    template.segments.flatMap((s) => {
      if (s.kind === 'hole') return [s];
      return s.text.split(/([*?])/).map((part) => (part === '*' || part === '?' ? hole('pattern') : literal(part)));
    }),
  );
}

function checkLocalCaches(model: WriteModel, add: AddFinding): void {
  if (model.facts.localCaches.length === 0) return;
  // Family → the functions that delete or expire it (not those that merely populate it).
  const invalidatorsOf = new Map<number, { fnId: string; site: CheckSite }[]>();
  for (const fn of model.functions.values()) {
    for (const inv of fn.invalidations) {
      if (inv.site.info.access === 'write') continue;
      for (const family of inv.families) {
        const list = invalidatorsOf.get(family) ?? [];
        list.push({ fnId: fn.id, site: inv.site });
        invalidatorsOf.set(family, list);
      }
    }
  }
  const readersByFunction = new Map<string, Set<number>>();
  for (const family of model.families) {
    for (const reader of family.readers) {
      if (reader.fnId === null) continue;
      const set = readersByFunction.get(reader.fnId) ?? new Set<number>();
      set.add(family.index);
      readersByFunction.set(reader.fnId, set);
    }
  }
  const handlers = model.facts.functions.filter((f) => f.messageHandler);
  // Cache id → the families read by functions that both read and fill it.
  const frontedBy = new Map<string, Set<number>>();
  for (const facts of model.facts.functions) {
    if (facts.cacheOps.length === 0) continue;
    const reads = new Set(facts.cacheOps.filter((op) => op.op === 'read').map((op) => op.cache));
    for (const op of facts.cacheOps) {
      if (op.op !== 'fill' || !reads.has(op.cache)) continue;
      const set = frontedBy.get(op.cache) ?? new Set<number>();
      for (const family of readersByFunction.get(facts.id) ?? []) set.add(family);
      frontedBy.set(op.cache, set);
    }
  }
  // The first invalidation of a family in source order, for the message: a family is named by
  // many caches, and deleted in hundreds of places on a large tree (sorting them for each cache
  // was most of this check).
  const firstOf = new Map<number, CheckSite>();
  const firstInvalidator = (family: number, invalidators: readonly { site: CheckSite }[]): CheckSite => {
    let first = firstOf.get(family);
    if (!first) {
      first = invalidators[0].site;
      for (const { site } of invalidators) if (compareLocated(site.where, first.where) < 0) first = site;
      firstOf.set(family, first);
    }
    return first;
  };
  for (const cache of model.facts.localCaches) {
    const fronted = frontedBy.get(cache.id) ?? new Set<number>();
    if (fronted.size === 0 || handlers.some((f) => model.summary(f.id).clears.has(cache.id))) continue;
    for (const index of [...fronted].sort((a, b) => a - b)) {
      const invalidators = invalidatorsOf.get(index) ?? [];
      if (invalidators.length === 0 || invalidators.some(({ fnId }) => model.summary(fnId).clears.has(cache.id))) continue;
      const family = model.families[index];
      const first = firstInvalidator(index, invalidators);
      add(
        'stale-local-cache',
        'warning',
        cache.where,
        `\`${cache.name}\` (${cache.kind}) keeps \`${family.text}\` values in front of Redis, but nothing clears it when the key is invalidated (${first.where.file}:${first.where.line}): each instance serves the old value from memory. Clear it where the key is invalidated, or from a pub/sub listener on every instance`,
        family.text,
        [{ ...first.where, message: `\`${family.text}\` is invalidated here` }],
      );
    }
  }
}

function checkUnresolvedWrites(model: WriteModel, add: AddFinding): void {
  for (const facts of model.facts.functions) {
    for (const write of facts.writes) {
      if (write.entity !== null) continue;
      const what = write.statement ? ` (\`${write.statement}\`)` : '';
      add('unresolved-write', 'info', write.where, `cannot tell which table this ${write.operation.toUpperCase()} writes${what}: its cache invalidation is not checked`);
    }
  }
}

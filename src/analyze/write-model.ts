/**
 * The write-path model the write checks and `keydrift coverage` share: cached key families with
 * the entities whose writes make them stale, and the call graph of functions with what each one
 * writes and invalidates, directly and through the functions it calls.
 */
import { formatTemplate, templateShape, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import { matchFamily } from '../registry/load.js';
import type { Registry, RegistryFamily } from '../registry/types.js';
import { entityNamesTemplate, normalizeEntity, sameEntity } from '../writes/entities.js';
import { compareLocated, type CheckSite, type Located } from './site.js';
import type { FunctionFacts, WriteFact, WriteFacts } from './write-facts.js';

export interface CachedFamily {
  index: number;
  template: Template;
  text: string;
  registered: RegistryFamily | undefined;
  /** Entities pinned by the registry's invalidatedBy; empty means they are inferred by name. */
  pinned: string[];
  readers: readonly CheckSite[];
  populators: readonly CheckSite[];
  invalidators: readonly CheckSite[];
}

// A rule builds a model per linted file, each with every registry family: most are used by no
// site of the file, and share this empty list until one is.
const NO_SITES: readonly CheckSite[] = Object.freeze([]);

function withSite(list: readonly CheckSite[], site: CheckSite): readonly CheckSite[] {
  if (list === NO_SITES) return [site];
  (list as CheckSite[]).push(site);
  return list;
}

/** A Redis command that invalidates families, placed in its function. */
export interface Invalidation {
  site: CheckSite;
  families: Set<number>;
}

export interface GraphFunction {
  facts: FunctionFacts | undefined;
  id: string;
  name: string | null;
  invalidations: Invalidation[];
  callers: { caller: string; where: Located }[];
}

/** Summaries are shared (between callers, and empty ones by all): never changed once made. */
export interface Summary {
  /** Normalized entity → the first write reaching it (for messages) and its display name. */
  readonly writes: ReadonlyMap<string, { fact: WriteFact; inFunction: string }>;
  readonly invalidates: ReadonlySet<number>;
  readonly clears: ReadonlySet<string>;
  /** Somewhere along the way an invalidation keydrift cannot attribute may happen. */
  readonly opaque: boolean;
}

const EMPTY_SUMMARY: Summary = { writes: new Map(), invalidates: new Set(), clears: new Set(), opaque: false };

function isEmptySummary(s: Summary): boolean {
  return s.writes.size === 0 && s.invalidates.size === 0 && s.clears.size === 0 && !s.opaque;
}

export class WriteModel {
  readonly families: CachedFamily[];
  readonly functions = new Map<string, GraphFunction>();
  private readonly summaries = new Map<string, Summary>();
  private readonly familiesByEntity = new Map<string, { families: number[]; inferred: boolean }>();
  /** Template shape → the families a key of that shape reaches (keys repeat: memoized). */
  private readonly familiesByShape = new Map<string, number[]>();
  /** The registry's part, shared with every model over the same registry. */
  private readonly base: RegistryBase | undefined;
  /** Where the families of keys the code uses (not registered) start in `families`. */
  private readonly firstUnregistered: number;

  /**
   * `familiesFrom: 'reads'` (the analyzer): a family is a registered one or one some code reads.
   * `'all'` (a rule, which sees one file): any key the file uses may be a cached family.
   */
  constructor(
    readonly sites: readonly CheckSite[],
    readonly facts: WriteFacts,
    readonly registry: Registry | undefined,
    private readonly familiesFrom: 'reads' | 'all' = 'reads',
  ) {
    this.base = registry && registryBase(registry);
    this.firstUnregistered = this.base?.families.length ?? 0;
    // The registry's families come first, one per shape, at the indexes the base gives them:
    // shared, unchanged, until a site of this model is added to one (see ownFamily).
    this.families = this.base ? this.base.unused.slice() : [];
    this.collectFunctions(this.collectFamilies());
  }

  /** Collects the families; returns the families each non-read site in a function touches (channels included), for collectFunctions to place. */
  private collectFamilies(): Map<CheckSite, Set<number>> {
    const base = this.base;
    const byShape = new Map<string, CachedFamily>();
    const add = (template: Template, registered: RegistryFamily | undefined): number => {
      const shape = templateShape(template);
      const registryIndex = base?.byShape.get(shape);
      if (registryIndex !== undefined) return registryIndex;
      let family = byShape.get(shape);
      if (!family) {
        family = { index: this.families.length, template, text: formatTemplate(template), registered, pinned: registered?.invalidatedBy ?? [], readers: NO_SITES, populators: NO_SITES, invalidators: NO_SITES };
        byShape.set(shape, family);
        this.families.push(family);
      }
      return family.index;
    };
    const registered = new Map<string, RegistryFamily | undefined>();
    const registeredFamily = (template: Template): RegistryFamily | undefined => {
      const shape = templateShape(template);
      if (!registered.has(shape)) registered.set(shape, this.registry ? matchFamily(this.registry, template) : undefined);
      return registered.get(shape);
    };
    for (const site of this.sites) {
      const cachedHere = site.info.access === 'read' || (this.familiesFrom === 'all' && (site.info.access === 'write' || site.info.access === 'delete' || site.info.access === 'expire'));
      if (!cachedHere || site.info.channels) continue;
      for (const key of site.keys) {
        for (const template of key.templates) {
          const registeredAs = registeredFamily(template);
          const index = add(registeredAs?.template ?? template, registeredAs);
          if (site.info.access !== 'read') continue;
          const family = this.ownFamily(index);
          family.readers = withSite(family.readers, site);
        }
      }
    }
    const touchedBy = new Map<CheckSite, Set<number>>();
    for (const site of this.sites) {
      const { access, createsValue } = site.info;
      if (access === 'read') continue;
      const touched = this.familiesOfSite(site);
      // Every family exists by now: collectFunctions reads the same answer from here.
      if (touched.size > 0 && site.fnId !== null) touchedBy.set(site, touched);
      // A channel's families are invalidated by whoever handles its messages, not by this site.
      if (site.info.channels) continue;
      for (const index of touched) {
        const family = this.ownFamily(index);
        if (access === 'write' && createsValue) family.populators = withSite(family.populators, site);
        if (access === 'delete' || access === 'expire') family.invalidators = withSite(family.invalidators, site);
      }
    }
    return touchedBy;
  }

  /** The family at `index`, made this model's own (not the registry base's shared one) to add sites to. */
  private ownFamily(index: number): CachedFamily {
    const family = this.families[index];
    if (family !== this.base?.unused[index]) return family;
    return (this.families[index] = { ...family });
  }

  /** Families a non-read command touches: by its keys, or by a registered invalidation channel. */
  familiesOfSite(site: CheckSite): Set<number> {
    const out = new Set<number>();
    const { access, createsValue, channels } = site.info;
    if (channels) {
      if (site.info.name !== 'publish' && site.info.name !== 'spublish') return out;
      for (const channel of this.registry?.channels ?? []) {
        if (!site.keys[0]?.templates.some((t) => unify(t, channel.template))) continue;
        for (const family of this.families) if (family.registered && channel.invalidates.includes(family.registered.name)) out.add(family.index);
      }
      return out;
    }
    if (!(access === 'delete' || access === 'expire' || (access === 'write' && createsValue))) return out;
    for (const key of site.keys) {
      for (const template of key.templates) for (const index of this.familiesOfTemplate(template)) out.add(index);
    }
    return out;
  }

  private familiesOfTemplate(template: Template): number[] {
    const shape = templateShape(template);
    let found = this.familiesByShape.get(shape);
    if (!found) {
      found = this.base ? [...this.base.reachedBy(template)] : [];
      for (const family of this.families.slice(this.firstUnregistered)) if (mayUnify(template, family.template)) found.push(family.index);
      this.familiesByShape.set(shape, found);
    }
    return found;
  }

  private collectFunctions(touchedBy: ReadonlyMap<CheckSite, Set<number>>): void {
    const node = (id: string): GraphFunction => {
      let fn = this.functions.get(id);
      if (!fn) this.functions.set(id, (fn = { facts: undefined, id, name: null, invalidations: [], callers: [] }));
      return fn;
    };
    for (const facts of this.facts.functions) {
      const fn = node(facts.id);
      fn.facts = facts;
      fn.name = facts.name;
    }
    for (const facts of this.facts.functions) for (const call of facts.calls) node(call.callee).callers.push({ caller: facts.id, where: call.where });
    for (const site of this.sites) {
      if (site.fnId === null) continue;
      const families = touchedBy.get(site);
      if (families === undefined) continue;
      const fn = node(site.fnId);
      fn.name ??= site.functionName;
      fn.invalidations.push({ site, families });
    }
  }

  /**
   * What a function writes and invalidates, itself and through every function it calls. Most
   * functions reach nothing: they share one empty summary, and a function that only passes one
   * callee's summary on shares that one, so a large call graph allocates few.
   */
  summary(id: string, active?: Set<string>): Summary {
    const done = this.summaries.get(id);
    if (done) return done;
    const fn = this.functions.get(id);
    if (!fn) return EMPTY_SUMMARY;
    // Made only here, not as a default: most calls are answered from `summaries` above.
    active ??= new Set();
    active.add(id);
    let writes: Map<string, { fact: WriteFact; inFunction: string }> | undefined;
    let invalidates: Set<number> | undefined;
    let clears: Set<string> | undefined;
    let opaque = false;
    for (const write of fn.facts?.writes ?? []) {
      if (write.entity === null) continue;
      const key = normalizeEntity(write.entity);
      writes ??= new Map();
      if (!writes.has(key)) writes.set(key, { fact: write, inFunction: id });
    }
    for (const inv of fn.invalidations) for (const f of inv.families) (invalidates ??= new Set()).add(f);
    for (const op of fn.facts?.cacheOps ?? []) if (op.op === 'clear') (clears ??= new Set()).add(op.cache);
    if (fn.facts?.opaqueInvalidation) opaque = true;
    let complete = true;
    const merge = (inner: Summary): void => {
      for (const [entity, w] of inner.writes) {
        writes ??= new Map();
        if (!writes.has(entity)) writes.set(entity, w);
      }
      for (const f of inner.invalidates) (invalidates ??= new Set()).add(f);
      for (const c of inner.clears) (clears ??= new Set()).add(c);
      if (inner.opaque) opaque = true;
    };
    // While the function has nothing of its own and met one non-empty callee summary, that
    // summary is held rather than copied: if nothing else comes, it is this function's too.
    let held: Summary | undefined;
    for (const call of fn.facts?.calls ?? []) {
      if (active.has(call.callee)) {
        complete = false; // a cycle: this summary is partial until the outer one finishes
        continue;
      }
      const inner = this.summary(call.callee, active);
      if (inner === held || isEmptySummary(inner)) continue;
      if (!held && !writes && !invalidates && !clears && !opaque) {
        held = inner;
        continue;
      }
      if (held) {
        merge(held);
        held = undefined;
      }
      merge(inner);
    }
    active.delete(id);
    const result: Summary =
      held ??
      (writes || invalidates || clears || opaque
        ? { writes: writes ?? EMPTY_SUMMARY.writes, invalidates: invalidates ?? EMPTY_SUMMARY.invalidates, clears: clears ?? EMPTY_SUMMARY.clears, opaque }
        : EMPTY_SUMMARY);
    if (complete || active.size === 0) this.summaries.set(id, result);
    return result;
  }

  /** The cached families a write to `entity` makes stale, and whether that link is inferred. */
  familiesOf(entity: string): { families: number[]; inferred: boolean } {
    const key = normalizeEntity(entity);
    let found = this.familiesByEntity.get(key);
    if (!found) {
      // The registry pins an entity's families: once it names any, names no longer infer more.
      // Only the registry's families are pinned; a key the code uses is at most inferred.
      const ofRegistry = this.base?.entityFamilies(entity, key) ?? { pinned: [], inferred: [] };
      const chosen =
        ofRegistry.pinned.length > 0 ? ofRegistry.pinned : [...ofRegistry.inferred, ...this.families.slice(this.firstUnregistered).filter((f) => f.pinned.length === 0 && entityNamesTemplate(entity, f.template)).map((f) => f.index)];
      found = { families: chosen, inferred: ofRegistry.pinned.length === 0 };
      this.familiesByEntity.set(key, found);
    }
    return found;
  }

  /** Functions nothing in the project calls: route handlers, jobs, exported API, listeners. */
  isRoot(id: string): boolean {
    const fn = this.functions.get(id);
    return !fn || fn.callers.every((c) => c.caller === id);
  }

  /** The first call in `fn` through which `entity` gets written (for messages and locations). */
  firstCallWriting(fn: FunctionFacts, entityKey: string): { where: Located; callee: string } | undefined {
    const calls = [...fn.calls].sort((a, b) => compareLocated(a.where, b.where));
    for (const call of calls) if (this.summary(call.callee).writes.has(entityKey)) return { where: call.where, callee: call.callee };
    return undefined;
  }

  displayName(id: string): string {
    return this.functions.get(id)?.name ?? 'an anonymous function';
  }
}

/**
 * What every model built over one registry shares (the rules build one per linted file): the
 * registry's families, one per shape, and which of them a key shape or an entity reaches.
 */
interface RegistryBase {
  families: { template: Template; text: string; registered: RegistryFamily }[];
  /** The same families as a model's, with no sites yet (frozen: a model copies one to add a site). */
  unused: readonly CachedFamily[];
  /** Shape → index in `families`. */
  byShape: Map<string, number>;
  reachedBy(template: Template): readonly number[];
  entityFamilies(entity: string, normalized: string): { pinned: number[]; inferred: number[] };
}

const registryBases = new WeakMap<Registry, RegistryBase>();

function registryBase(registry: Registry): RegistryBase {
  let base = registryBases.get(registry);
  if (base) return base;
  const families: RegistryBase['families'] = [];
  const byShape = new Map<string, number>();
  for (const f of registry.families) {
    const shape = templateShape(f.template);
    if (byShape.has(shape)) continue;
    byShape.set(shape, families.length);
    families.push({ template: f.template, text: formatTemplate(f.template), registered: f });
  }
  const reached = new Map<string, number[]>();
  const byEntity = new Map<string, { pinned: number[]; inferred: number[] }>();
  const unused = families.map((f, index): CachedFamily => Object.freeze({ index, template: f.template, text: f.text, registered: f.registered, pinned: f.registered.invalidatedBy, readers: NO_SITES, populators: NO_SITES, invalidators: NO_SITES }));
  base = {
    families,
    unused,
    byShape,
    reachedBy(template) {
      // By text, not shape: `{a}{b}` needs two characters where `{a}` needs one, and an answer
      // kept for the whole lint run must not depend on which file asked first.
      const text = formatTemplate(template);
      let found = reached.get(text);
      if (!found) {
        found = [];
        for (const [index, family] of families.entries()) if (mayUnify(template, family.template)) found.push(index);
        reached.set(text, found);
      }
      return found;
    },
    entityFamilies(entity, normalized) {
      let found = byEntity.get(normalized);
      if (!found) {
        const pinned: number[] = [];
        const inferred: number[] = [];
        for (const [index, family] of families.entries()) {
          const pins = family.registered.invalidatedBy;
          if (pins.some((e) => sameEntity(e, entity))) pinned.push(index);
          else if (pins.length === 0 && entityNamesTemplate(entity, family.template)) inferred.push(index);
        }
        byEntity.set(normalized, (found = { pinned, inferred }));
      }
      return found;
    },
  };
  registryBases.set(registry, base);
  return base;
}

/** Whether two templates may share a key: those that both start with literal text must start alike. */
function mayUnify(a: Template, b: Template): boolean {
  const first = leadingChar(a);
  const other = leadingChar(b);
  return (first === undefined || other === undefined || first === other) && unify(a, b);
}

/** The first character of a template's literal start, or undefined when it starts with a hole. */
function leadingChar(template: Template): string | undefined {
  const first = template.segments[0];
  return first?.kind === 'literal' ? first.text[0] : undefined;
}

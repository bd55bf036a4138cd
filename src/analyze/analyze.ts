/**
 * The analyzer pipeline, in two stages with a plain-data hand-off between them:
 *   collectSites: load → discover call sites → CheckSite[] (per shard, cacheable)
 *   checkSites:   fold TTLs → cross-file checks → AnalysisResult (also what `merge` runs)
 * Prints nothing; the CLI decides what to do with the result.
 */
import path from 'node:path';
import ts from '#typescript';
import { detached, detachedOrNull, templateInterner } from '../keys/detached.js';
import { formatTemplate, templateShape } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import { createClientContext, type ExtraClientPackages } from '../redis/clients.js';
import { findRegistry, loadRegistry, matchFamily } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import type { AnalysisResult, Finding, TemplateSummary } from '../types.js';
import { runChecks, type KeyUse } from './checks.js';
import { lineAndCharacter } from './positions.js';
import { discoverCallSites, type SiteDraft } from './discover.js';
import { loadProject, planProject, type LoadOptions, type LoadProblem, type ProjectPart, type ProjectPlan, type SharedFiles } from './project.js';
import { releaseMemory } from '../run/release-memory.js';
import { shardFileNames, type ShardSpec } from './shard.js';
import { collectStreamed } from './stream.js';
import { compareLocated, copySite, toCallSite, type CheckSite, type Located } from './site.js';
import { runWriteChecks } from './write-checks.js';
import { toRelative } from './paths.js';
import { collectWriteFacts, NO_WRITE_FACTS, WriteScan, type WriteFacts } from './write-facts.js';
import { WriteModel } from './write-model.js';

export interface AnalyzeOptions extends LoadOptions {
  /** Registry file; found as keydrift.keys.json in cwd when not given. `false` disables it. */
  registry?: string | false;
  /** Analyse only this shard's files (with the files they import, for resolution). */
  shard?: ShardSpec;
  /** In-house packages that export client instances, with the client they wrap. */
  clientPackages?: ExtraClientPackages;
}

export interface Analysis {
  result: AnalysisResult;
  registry?: Registry;
}

/** What discovery hands to the checks: sites, write-path facts and the files that could not be used. */
export interface CollectedSites {
  sites: CheckSite[];
  problems: Finding[];
  /** Database writes, calls and local caches per function (absent in results of older shards). */
  writes?: WriteFacts;
}

/** Runs the whole analysis. Throws RegistryError for a broken registry (a configuration error). */
export function analyze(options: AnalyzeOptions): Analysis {
  const registry = loadRegistryFor(options);
  const collected = collectSites(options);
  return { result: checkSites(collected, registry, options.cwd), registry };
}

export function loadRegistryFor(options: { cwd: string; registry?: string | false }): Registry | undefined {
  const registryPath = options.registry === false ? undefined : options.registry ? path.resolve(options.cwd, options.registry) : findRegistry(options.cwd);
  return registryPath ? loadRegistry(registryPath) : undefined;
}

export interface Progress {
  (stage: 'load' | 'analyze', done: number, total: number): void;
}

/** `onLoaded` receives every file the run read (for a content-hash cache to validate against). */
export function collectSites(options: AnalyzeOptions, progress?: Progress, onLoaded?: (files: string[]) => void): CollectedSites {
  const plan = planProject(options);
  const parts = partsToLoad(plan, options.shard);
  const byPart = parts.length !== 1 || parts[0] !== undefined;
  const relativeNames = new Map<string, string>();
  const relative = (file: string) => {
    let rel = relativeNames.get(file);
    if (rel === undefined) relativeNames.set(file, (rel = toRelative(options.cwd, file)));
    return rel;
  };
  const sites: CheckSite[] = [];
  const writes: WriteFacts = { functions: [], localCaches: [] };
  // A broken tsconfig concerns the whole run: the first shard reports it (a file that does not
  // parse is reported by the shard it belongs to).
  const loadProblems: LoadProblem[] = byPart && (!options.shard || options.shard.index === 1) ? [...plan.problems] : [];
  const loaded = new Set<string>();
  const shared: SharedFiles | undefined = byPart ? new Map() : undefined;
  const total = byPart ? parts.reduce((sum, part) => sum + (part?.fileNames.length ?? 0), 0) : plan.fileNames.length;
  let before = 0;
  for (const part of parts) {
    const size = part?.fileNames.length ?? total;
    // One count over the whole run: a part's loading fills the first half of its files' share, its analysis the second.
    const scaled = (stage: 'load' | 'analyze') => {
      const offset = before + (byPart && stage === 'analyze' ? size / 2 : 0);
      const share = byPart ? size / 2 : size;
      return progress && ((done: number, of: number) => progress(stage, Math.round(offset + (done / Math.max(of, 1)) * share), total));
    };
    // Without types, the files are streamed: each tree is dropped once analysed (stream.ts).
    const collected = options.types
      ? collectPart(options, plan, part, shared, relative, { load: scaled('load'), analyze: scaled('analyze') }, onLoaded !== undefined)
      : collectStreamed(plan, part, shared, relative, options.clientPackages, scaled('analyze'));
    for (const site of collected.sites) sites.push(site);
    for (const fn of collected.writes.functions) writes.functions.push(fn);
    for (const cache of collected.writes.localCaches) writes.localCaches.push(cache);
    for (const problem of collected.problems) loadProblems.push(problem);
    for (const file of collected.loadedFileNames) loaded.add(file);
    before += size;
    // The part's trees are unreachable now; collected at once, the next part is not allocated on top of them.
    if (byPart && part !== parts[parts.length - 1]) releaseMemory();
  }
  sites.sort((a, b) => compareLocated(a.where, b.where));
  // In the project's file order, as one program gives them: each part keeps its files' order,
  // but parts, and a streamed run's groups, come in another (the sort is stable).
  const rank = new Map(plan.fileNames.map((f, i) => [relative(f), i]));
  const byFile = (a: { where: Located }, b: { where: Located }) => (rank.get(a.where.file) ?? Infinity) - (rank.get(b.where.file) ?? Infinity);
  writes.functions.sort(byFile);
  writes.localCaches.sort(byFile);
  loadProblems.sort((a, b) => (rank.get(relative(a.file)) ?? -1) - (rank.get(relative(b.file)) ?? -1));
  const problems: Finding[] = loadProblems.map((p) => ({ rule: 'parse-error', severity: 'warning', file: relative(p.file), line: p.line, column: p.column, message: p.message }));
  onLoaded?.([...loaded].sort());
  return { sites, problems, writes };
}

/**
 * What a run loads, part by part; [undefined] for the whole project at once. A monorepo's
 * referenced projects are collected one after another, each with the files it imports, and only
 * plain data is kept between them: one package in memory at a time. A shard, or a run limited to
 * some paths (or by include / exclude), is loaded the same way, with only the files it reports
 * on (and what they import). A part with nothing to report on is left out: what its files export
 * is still read where they are imported.
 */
function partsToLoad(plan: ProjectPlan, shard: ShardSpec | undefined): (ProjectPart | undefined)[] {
  const inScope = plan.fileNames.filter(plan.inScope);
  if (!shard && plan.parts.length === 1 && inScope.length === plan.fileNames.length) return [undefined];
  const reported = shard ? shardFileNames(inScope, shard, (fileName) => ts.sys.readFile(fileName)?.length ?? 0) : new Set(inScope);
  const parts = plan.parts.length > 1 ? plan.parts : [{ compilerOptions: plan.compilerOptions, fileNames: plan.fileNames }];
  return parts.map((part) => ({ ...part, fileNames: part.fileNames.filter((f) => reported.has(f)) })).filter((part) => part.fileNames.length > 0);
}

/** One part's (or the whole project's) sites, write facts and load problems, as plain data. */
function collectPart(
  options: AnalyzeOptions,
  plan: ProjectPlan,
  part: ProjectPart | undefined,
  shared: SharedFiles | undefined,
  relative: (file: string) => string,
  progress: { load?: (done: number, total: number) => void; analyze?: (done: number, total: number) => void },
  listLoaded: boolean,
): { sites: CheckSite[]; writes: WriteFacts; problems: LoadProblem[]; loadedFileNames: string[] } {
  const project = loadProject(options, progress.load, plan, part, shared);
  const ctx = createClientContext(project.graph, project.checker, options.clientPackages);
  // partsToLoad gave the part only files the run reports on (or the whole project when all are).
  const own = new Set(project.own);
  const redisCalls = new Set<ts.Node>();
  const scan = new WriteScan(own);
  const drafts = discoverCallSites(project.files, ctx, own, progress.analyze, redisCalls, scan);
  const ids = nodeIds(relative);
  const intern = templateInterner();
  const sites = drafts.map((draft) => toCheckSite(draft, relative, ids, intern));
  const siteFunctions = new Set(drafts.flatMap((draft) => draft.fn ?? []));
  const writes = collectWriteFacts(project.files, own, ctx, locator(relative), { scan, isRedisCall: (call) => redisCalls.has(call), siteFunctions });
  // Names, not the function: it holds the part's trees.
  return { sites, writes, problems: project.problems, loadedFileNames: listLoaded ? project.loadedFileNames() : [] };
}

/** A node's position as plain data: relative file, 1-based line and column of its start. */
export function locator(relative: (file: string) => string): (node: ts.Node) => Located {
  return (node) => {
    const sf = node.getSourceFile();
    const { line, character } = lineAndCharacter(sf, node.getStart(sf));
    return { file: relative(sf.fileName), line: line + 1, column: character + 1 };
  };
}

/**
 * The `file:line:column` id of a node for the sites of one run: a function's or a pipeline's id is
 * asked by every command in it, so each is worked out once.
 */
export function nodeIds(relative: (file: string) => string): (node: ts.Node | undefined) => string | null {
  const locate = locator(relative);
  const ids = new WeakMap<ts.Node, string>();
  return (node) => {
    if (!node) return null;
    let id = ids.get(node);
    if (id === undefined) {
      const at = locate(node);
      ids.set(node, (id = `${at.file}:${at.line}:${at.column}`));
    }
    return id;
  };
}

/**
 * A discovered site as plain data: positions instead of nodes, ids for its function and pipeline.
 * `id` and `intern` are the run's, so that sites share their ids and templates.
 */
export function toCheckSite(draft: SiteDraft, relative: (file: string) => string, id = nodeIds(relative), intern = templateInterner()): CheckSite {
  const locate = locator(relative);
  return {
    where: locate(draft.node),
    client: draft.client,
    info: draft.info,
    // Kept to the end of the run, long after the tree: no string may hold its file's text (detached.ts).
    keys: draft.keys.map((key) => ({ source: detached(key.source), templates: key.templates.map(intern) })),
    ttl: draft.ttl,
    functionName: detachedOrNull(draft.functionName),
    fnId: id(draft.fn),
    pipelineId: id(draft.pipeline),
  };
}

export function checkSites(collected: CollectedSites, registry: Registry | undefined, cwd: string): AnalysisResult {
  const sites = collected.sites.map(copySite).sort((a, b) => compareLocated(a.where, b.where));
  foldFollowingExpiry(sites);
  const uses: KeyUse[] = sites.flatMap((site) =>
    site.keys.flatMap((key) => key.templates.map((template) => ({ site, where: site.where, template, text: formatTemplate(template), shape: templateShape(template) }))),
  );
  const relative = (file: string) => toRelative(cwd, file);
  const findings: Finding[] = runChecks({
    sites,
    uses,
    registry,
    registryLocation: registry ? (family) => ({ file: relative(registry.file), ...family.position }) : undefined,
  });
  runWriteChecks(writeModel(sites, collected, registry), (rule, severity, where, message, template, related) => {
    findings.push({ rule, severity, ...where, message, ...(template !== undefined && { template }), ...(related && related.length > 0 && { related }) });
  });
  findings.push(...collected.problems);
  findings.sort((a, b) => compareLocated(a, b) || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  return { version: 1, callSites: sites.map(toCallSite), templates: summarizeTemplates(uses, registry), findings };
}

/** The write-path model over checked sites (TTLs folded), shared with `keydrift coverage`. */
export function writeModel(sites: CheckSite[], collected: CollectedSites, registry: Registry | undefined): WriteModel {
  return new WriteModel(sites, collected.writes ?? NO_WRITE_FACTS, registry);
}

/**
 * A write followed by `expire` / `pexpire` / `expireat` of the same key in the same function or
 * pipeline gets that expiry: `hset` + `expire` is as good as `set … EX`.
 */
export function foldFollowingExpiry(sites: CheckSite[]): void {
  // Expiries by function and by pipeline: only those can follow a write.
  const byScope = new Map<string, CheckSite[]>();
  for (const e of sites) {
    if (!e.info.setsExpiry) continue;
    for (const scope of [e.fnId !== null ? `f${e.fnId}` : null, e.pipelineId !== null ? `p${e.pipelineId}` : null]) {
      if (scope === null) continue;
      const list = byScope.get(scope);
      if (list) list.push(e);
      else byScope.set(scope, [e]);
    }
  }
  if (byScope.size === 0) return;
  for (const site of sites) {
    if (!site.info.createsValue || site.ttl !== null) continue;
    const candidates = [...(site.fnId !== null ? (byScope.get(`f${site.fnId}`) ?? []) : []), ...(site.pipelineId !== null ? (byScope.get(`p${site.pipelineId}`) ?? []) : [])];
    // In source order, as a scan of all sites would meet them.
    candidates.sort((a, b) => compareLocated(a.where, b.where));
    const follower = candidates.find(
      (e) => compareLocated(e.where, site.where) >= 0 && site.keys.some((k) => k.templates.some((t) => e.keys.some((ek) => ek.templates.some((et) => unify(t, et))))),
    );
    if (follower) site.ttl = follower.ttl ?? { dynamic: true };
  }
}

function summarizeTemplates(uses: KeyUse[], registry: Registry | undefined): TemplateSummary[] {
  const byShape = new Map<string, { texts: Map<string, number>; reads: Set<CheckSite>; writes: Set<CheckSite>; deletes: Set<CheckSite>; registered: boolean }>();
  for (const use of uses) {
    const shape = use.shape;
    let entry = byShape.get(shape);
    if (!entry) {
      entry = { texts: new Map(), reads: new Set(), writes: new Set(), deletes: new Set(), registered: registry ? matchFamily(registry, use.template) !== undefined : false };
      byShape.set(shape, entry);
    }
    entry.texts.set(use.text, (entry.texts.get(use.text) ?? 0) + 1);
    const access = use.site.info.access;
    if (access === 'read') entry.reads.add(use.site);
    else if (access === 'write') entry.writes.add(use.site);
    else if (access === 'delete' || access === 'expire') entry.deletes.add(use.site);
  }
  return [...byShape.values()]
    .map((e) => ({
      template: [...e.texts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0],
      reads: e.reads.size,
      writes: e.writes.size,
      deletes: e.deletes.size,
      registered: e.registered,
    }))
    .sort((a, b) => (a.template < b.template ? -1 : a.template > b.template ? 1 : 0));
}

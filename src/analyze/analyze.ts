/**
 * The analyzer pipeline: load → discover call sites → fold TTLs → checks → AnalysisResult.
 * Prints nothing; the CLI decides what to do with the result.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { formatTemplate, templateShape } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import { createClientContext } from '../redis/clients.js';
import { findRegistry, loadRegistry, matchFamily } from '../registry/load.js';
import type { Registry, RegistryFamily } from '../registry/types.js';
import type { AnalysisResult, CallSite, Finding, KeyRef, TemplateSummary } from '../types.js';
import { byLocation, runChecks, type KeyUse, type Located } from './checks.js';
import { discoverCallSites, type SiteDraft } from './discover.js';
import { loadProject, type LoadOptions } from './project.js';

export interface AnalyzeOptions extends LoadOptions {
  /** Registry file; found as keydrift.keys.json in cwd when not given. `false` disables it. */
  registry?: string | false;
}

export interface Analysis {
  result: AnalysisResult;
  registry?: Registry;
}

/** Runs the whole analysis. Throws RegistryError for a broken registry (a configuration error). */
export function analyze(options: AnalyzeOptions): Analysis {
  const registryPath = options.registry === false ? undefined : options.registry ? path.resolve(options.cwd, options.registry) : findRegistry(options.cwd);
  const registry = registryPath ? loadRegistry(registryPath) : undefined;

  const project = loadProject(options);
  const ctx = createClientContext(project.graph, project.checker);
  const drafts = discoverCallSites(project.files, ctx);
  foldFollowingExpiry(drafts);

  const relative = (file: string) => toRelative(options.cwd, file);
  const locate = (site: SiteDraft): Located => {
    const { line, character } = site.file.getLineAndCharacterOfPosition(site.node.getStart(site.file));
    return { file: relative(site.file.fileName), line: line + 1, column: character + 1 };
  };
  const sites = drafts.map((site) => ({ site, where: locate(site) })).sort(byLocation);
  const uses: KeyUse[] = sites.flatMap(({ site, where }) =>
    site.keys.flatMap((key) => key.templates.map((template) => ({ site, where, template, text: formatTemplate(template) }))),
  );

  const findings: Finding[] = runChecks({
    sites: sites.map((s) => s.site),
    uses,
    locate,
    registry,
    registryLocation: registry ? registryFamilyLocator(registry, relative) : undefined,
  });
  for (const problem of project.problems) {
    findings.push({ rule: 'parse-error', severity: 'warning', file: relative(problem.file), line: problem.line, column: problem.column, message: problem.message });
  }
  findings.sort((a, b) => byLocation({ where: a }, { where: b }) || a.rule.localeCompare(b.rule));

  const callSites: CallSite[] = sites.map(({ site, where }) => ({
    ...where,
    client: site.client,
    command: site.info.name,
    access: site.info.access,
    keys: site.keys.flatMap((key): KeyRef[] =>
      key.templates.length === 0 ? [{ template: null, source: key.source }] : key.templates.map((t) => ({ template: formatTemplate(t), source: key.source })),
    ),
    ttl: site.info.access === 'write' ? site.ttl : null,
    function: site.functionName,
  }));

  return { result: { version: 1, callSites, templates: summarizeTemplates(uses, registry), findings }, registry };
}

/**
 * A write followed by `expire` / `pexpire` / `expireat` of the same key in the same function or
 * pipeline gets that expiry: `hset` + `expire` is as good as `set … EX`.
 */
function foldFollowingExpiry(sites: SiteDraft[]): void {
  const expiries = sites.filter((s) => s.info.setsExpiry);
  if (expiries.length === 0) return;
  for (const site of sites) {
    if (!site.info.createsValue || site.ttl !== null) continue;
    const follower = expiries.find(
      (e) =>
        ((site.fn !== undefined && e.fn === site.fn) || (site.pipeline !== undefined && e.pipeline === site.pipeline)) &&
        e.node.pos >= site.node.pos &&
        site.keys.some((k) => k.templates.some((t) => e.keys.some((ek) => ek.templates.some((et) => unify(t, et))))),
    );
    if (follower) site.ttl = follower.ttl ?? { dynamic: true };
  }
}

function summarizeTemplates(uses: KeyUse[], registry: Registry | undefined): TemplateSummary[] {
  const byShape = new Map<string, { texts: Map<string, number>; reads: Set<SiteDraft>; writes: Set<SiteDraft>; deletes: Set<SiteDraft>; registered: boolean }>();
  for (const use of uses) {
    const shape = templateShape(use.template);
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

function registryFamilyLocator(registry: Registry, relative: (f: string) => string): (family: RegistryFamily) => Located {
  let text = '';
  try {
    text = readFileSync(registry.file, 'utf8');
  } catch {
    text = '';
  }
  const tree = parseTree(text.replace(/^\uFEFF/, ''), [], { allowTrailingComma: true });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return (family) => {
    const node = tree && findNodeAtLocation(tree, ['keys', family.name]);
    const offset = node?.parent?.offset ?? 0;
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    return { file: relative(registry.file), line: line + 1, column: offset - lineStarts[line] + 1 };
  };
}

/** Paths in output: relative to the working directory, with `/` separators. */
export function toRelative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

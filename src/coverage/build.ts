/**
 * Builds the coverage report from the write-path model: per cached family its readers,
 * populators, invalidators and TTL; per write path the families it invalidates and leaves stale.
 */
import type { CheckSite } from '../analyze/site.js';
import { writePaths } from '../analyze/write-checks.js';
import type { WriteModel } from '../analyze/write-model.js';
import { normalizeEntity } from '../writes/entities.js';
import type { CodeRef, CoverageReport, EntityLink, FamilyCoverage, WritePathCoverage } from './types.js';

export function buildCoverage(model: WriteModel): CoverageReport {
  const paths = writePaths(model);
  const linkedEntities = new Map<number, Map<string, EntityLink>>();
  for (const path of paths) {
    for (const f of path.families) {
      const links = linkedEntities.get(f) ?? new Map<string, EntityLink>();
      if (!links.has(normalizeEntity(path.entity))) links.set(normalizeEntity(path.entity), { entity: path.entity, inferred: path.inferred });
      linkedEntities.set(f, links);
    }
  }
  const families: FamilyCoverage[] = model.families
    .map((family) => {
      const pinned: EntityLink[] = family.pinned.map((entity) => ({ entity, inferred: false }));
      const seen = new Set(family.pinned.map(normalizeEntity));
      const inferred = [...(linkedEntities.get(family.index)?.values() ?? [])].filter((link) => !seen.has(normalizeEntity(link.entity)));
      return {
        template: family.text,
        name: family.registered?.name ?? null,
        entities: [...pinned, ...inferred].sort((a, b) => a.entity.localeCompare(b.entity)),
        readers: refs(family.readers),
        populators: refs(family.populators),
        invalidators: refs(family.invalidators),
        ttl: ttlOf(family.populators),
      };
    })
    .sort((a, b) => (a.template < b.template ? -1 : a.template > b.template ? 1 : 0));

  const writePathRows: WritePathCoverage[] = paths.map((path) => ({
    at: { ...path.facts.where, function: path.facts.name },
    entity: path.entity,
    inferred: path.inferred,
    orm: path.write.orm,
    operation: path.write.operation,
    via: path.via ? { ...path.write.where, function: model.functions.get(path.via.callee)?.name ?? null } : null,
    invalidates: path.invalidated.map((f) => model.families[f].text).sort(),
    stale: path.stale.map((f) => model.families[f].text).sort(),
  }));
  const fullyCovered = writePathRows.filter((p) => p.stale.length === 0).length;
  return {
    version: 1,
    families,
    writePaths: writePathRows,
    totals: {
      families: families.length,
      writePaths: writePathRows.length,
      fullyCovered,
      percent: writePathRows.length === 0 ? 100 : Math.round((fullyCovered / writePathRows.length) * 1000) / 10,
    },
  };
}

function refs(sites: readonly CheckSite[]): CodeRef[] {
  const seen = new Set<string>();
  const out: CodeRef[] = [];
  for (const site of sites) {
    const key = `${site.where.file}:${site.where.line}:${site.where.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...site.where, function: site.functionName });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** The smallest fixed expiry where the family is populated; `dynamic` if only computed ones. */
function ttlOf(populators: readonly CheckSite[]): FamilyCoverage['ttl'] {
  let seconds: number | undefined;
  let dynamic = false;
  for (const site of populators) {
    if (site.ttl === null) return null;
    if ('seconds' in site.ttl) seconds = seconds === undefined ? site.ttl.seconds : Math.min(seconds, site.ttl.seconds);
    else dynamic = true;
  }
  if (seconds !== undefined) return { seconds };
  return dynamic ? { dynamic: true } : null;
}

/**
 * The write-to-key coverage report (`keydrift coverage`): plain data, the same for every format.
 * JSON output is this object as is; it is deterministic (sorted, no timestamps).
 */

export interface CodeRef {
  file: string;
  line: number;
  column: number;
  /** The enclosing function's name, or null at module level / in an anonymous callback. */
  function: string | null;
}

export interface EntityLink {
  /** Entity as written in the code or the registry (`products`, `Product`). */
  entity: string;
  /** True when matched by name (not pinned by the registry's `invalidatedBy`). */
  inferred: boolean;
}

export interface FamilyCoverage {
  template: string;
  /** Registry family name, when the family is registered. */
  name: string | null;
  entities: EntityLink[];
  readers: CodeRef[];
  /** Writes that create or overwrite the cached value (cache-aside populate, write-through). */
  populators: CodeRef[];
  /** Deletes, expiries, overwrites and invalidation publishes that reach the family. */
  invalidators: CodeRef[];
  /** The expiry set where it is populated: the smallest fixed one, `dynamic`, or none. */
  ttl: { seconds: number } | { dynamic: true } | null;
}

export interface WritePathCoverage {
  /** The function that writes (directly or through the functions it calls). */
  at: CodeRef;
  entity: string;
  /** How the entity is linked to its families (from the registry or inferred from names). */
  inferred: boolean;
  orm: string;
  operation: string;
  /** The write itself when it happens in a called function (a repository method). */
  via: CodeRef | null;
  /** Families of the entity this path invalidates, directly or through calls. */
  invalidates: string[];
  /** Families of the entity it leaves stale. */
  stale: string[];
}

export interface CoverageTotals {
  families: number;
  writePaths: number;
  /** Write paths that invalidate every family of their entity. */
  fullyCovered: number;
  /** fullyCovered / writePaths as a percentage with one decimal (100 when there are none). */
  percent: number;
}

export interface CoverageReport {
  version: 1;
  families: FamilyCoverage[];
  writePaths: WritePathCoverage[];
  totals: CoverageTotals;
}

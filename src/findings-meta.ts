/**
 * Metadata for every finding id: the descriptions and docs links that SARIF rules, docs pages and
 * editors show. A Record over FindingRule, so a new finding id without metadata is a type error.
 */
import type { FindingRule, Severity } from './types.js';

/** Where the docs live: the repository of package.json, `main` branch. */
export const DOCS_BASE = 'https://github.com/keydrift/eslint-plugin-keydrift/blob/main';

export interface FindingMeta {
  id: FindingRule;
  /** One line, no trailing period. */
  shortDescription: string;
  /** A few sentences: what it catches and why it matters. */
  fullDescription: string;
  /** The usual severity; some findings are raised to error in specific cases (see the docs page). */
  defaultSeverity: Severity;
  /** `${DOCS_BASE}/docs/findings/<id>.md` */
  helpUri: string;
  /** Short category tags (SARIF `properties.tags`; GitHub shows at most 10). */
  tags: readonly string[];
}

const helpUri = (id: FindingRule) => `${DOCS_BASE}/docs/findings/${id}.md`;

function meta(id: FindingRule, defaultSeverity: Severity, tags: readonly string[], shortDescription: string, fullDescription: string): FindingMeta {
  return { id, shortDescription, fullDescription, defaultSeverity, helpUri: helpUri(id), tags };
}

export const FINDINGS_META: Record<FindingRule, FindingMeta> = {
  'key-drift': meta(
    'key-drift',
    'error',
    ['correctness', 'cache', 'redis'],
    'Cache key drifted from the key that is read',
    'A delete, expire or overwrite targets a key family that no code reads, but that nearly matches a family that is read or registered: it differs by a version segment, letter case, separator, a prefix or tenant segment, or one literal segment. ' +
      'This is the classic stale-cache bug: the read path caches `product:v2:{id}` while the price update still deletes `product:{id}`, Redis answers 0 without an error, and users see old data until the entry is evicted. ' +
      'With a registry, a read of an unregistered family that nearly matches a registered one is reported too.',
  ),
  'dead-invalidation': meta(
    'dead-invalidation',
    'warning',
    ['correctness', 'cache', 'redis'],
    'Invalidation of a key that nothing reads',
    'A DEL, UNLINK or EXPIRE targets a key family that no code reads, so the invalidation does nothing. ' +
      'It usually means the read path changed its key format (as when `product:{id}` became `product:v2:{id}`) and the invalidation was left behind, so the real cache entry stays stale. ' +
      'DEL takes key names, not patterns: `del("product:*")` deletes one key literally named `product:*`.',
  ),
  'never-invalidated': meta(
    'never-invalidated',
    'warning',
    ['correctness', 'cache', 'redis'],
    'Cached value is never invalidated and has no TTL',
    'A key family is read and populated, but no other code path deletes, expires or overwrites it, and it is written without a TTL. ' +
      'After the source data changes, the cached value stays stale until Redis evicts it, which may be never. ' +
      'In the stale-price story this is the other half of the bug: once the delete of `product:{id}` missed, nothing else ever touched `product:v2:{id}`.',
  ),
  'unresolved-key': meta(
    'unresolved-key',
    'info',
    ['maintainability', 'cache', 'redis'],
    'Key expression could not be resolved to a template',
    'keydrift could not turn a key expression into a template with any literal part, so it cannot check that key against the others. ' +
      'keydrift never guesses: the call site is left out of drift and invalidation checks. ' +
      'Build the key with a key-builder function or a constant so every read, write and delete of the family shares one format.',
  ),
  'require-ttl': meta(
    'require-ttl',
    'warning',
    ['reliability', 'cache', 'redis'],
    'Cache write without an expiry (or above the registry maximum)',
    'A write creates a value with no expiry (warning), or, with a registry, sets a literal TTL above the family\'s `ttl.max` (error). ' +
      'A TTL is the safety net for every missed invalidation: had `product:v2:{id}` been written with EX 3600, the stale prices would have lived one hour instead of until eviction. ' +
      'Families registered with `"ttl": { "none": true }` are exempt.',
  ),
  'no-keys-command': meta(
    'no-keys-command',
    'error',
    ['performance', 'redis'],
    'KEYS blocks Redis; use SCAN',
    'KEYS walks the whole keyspace in one blocking call: on a large production instance it stalls every other client for its duration. ' +
      'Code that looks up keys by pattern, often to invalidate a family of cache entries, should iterate with SCAN instead (ioredis `scanStream`, node-redis `scanIterator`).',
  ),
  'no-flush': meta(
    'no-flush',
    'error',
    ['performance', 'reliability', 'redis'],
    'FLUSHALL / FLUSHDB empties the whole cache',
    'FLUSHALL and FLUSHDB delete every key, not the ones that changed: every request then misses the cache at once and the database takes the full load (a thundering herd). ' +
      'It is often used to "fix" stale data whose real cause is a drifted or missing invalidation. Delete the specific keys that changed instead.',
  ),
  'no-unknown-keys': meta(
    'no-unknown-keys',
    'warning',
    ['maintainability', 'cache', 'redis'],
    'Key matches no family in the key registry',
    'With a key registry, a key that matches no registered family is reported. ' +
      'The registry is the one source of truth for key formats; keys built ad hoc outside it are how read and invalidation paths drift apart, as `product:{id}` and `product:v2:{id}` did. ' +
      'Register the family, or build the key with a registered key builder.',
  ),
  'deprecated-key': meta(
    'deprecated-key',
    'error',
    ['correctness', 'cache', 'redis'],
    'Key uses a deprecated key format',
    'With a key registry, a key that matches a template listed under `deprecated` is reported together with its replacement. ' +
      'A code path still using the old format, like `product:{id}` after the move to `product:v2:{id}`, reads or invalidates entries the rest of the service no longer uses.',
  ),
  'unused-registry-key': meta(
    'unused-registry-key',
    'info',
    ['maintainability', 'cache'],
    'Registry family is not used by any call site',
    'A family in the key registry is not read, written or deleted by any call site keydrift found. ' +
      'It may be dead (the code that used it was removed) or used through a path keydrift cannot see. ' +
      'Remove stale families so the registry stays an accurate list of the key formats in use.',
  ),
  'require-invalidation': meta(
    'require-invalidation',
    'error',
    ['correctness', 'cache', 'database'],
    'Database write path invalidates no cached family of what it writes',
    'A write path (a function nothing else calls: a route handler, a job, an exported API) writes a table or model, directly or through the functions it calls, and invalidates none of the cached key families of that entity. ' +
      'This is the background job that updates prices and invalidates nothing: the database has the new price, the cache keeps the old one until its TTL. ' +
      'Families come from the registry\'s `invalidatedBy`, or are matched by name (table `products` ↔ `product:{id}`); a delete, unlink, expire, overwrite or publish on a registered invalidation channel anywhere along the call path counts.',
  ),
  'invalidate-after-write': meta(
    'invalidate-after-write',
    'warning',
    ['correctness', 'cache', 'database', 'concurrency'],
    'Cache invalidated before the database write commits',
    'The cache entry is deleted before the write it is for, or inside the transaction before it commits. ' +
      'A request that runs in between misses the cache, reads the old row and caches it again, so the invalidation is undone and the stale value lives until its TTL. ' +
      'Invalidate after the awaited write or after the transaction returns; deleting both before and after (double delete) is fine.',
  ),
  'dead-channel': meta(
    'dead-channel',
    'warning',
    ['correctness', 'cache', 'redis', 'pubsub'],
    'Pub/sub channel with a publisher and no subscriber, or the reverse',
    'Channels are resolved to templates like keys: a PUBLISH on a channel no SUBSCRIBE or PSUBSCRIBE pattern matches reaches nobody, and a subscription nobody publishes to never fires. ' +
      'With pub/sub invalidation this means local caches on other instances are never cleared: the publisher says `cache:invalidate`, the listener waits on `cache-invalidate`. ' +
      'Channels published by Redis itself (`__keyspace@…`, `__keyevent@…`) are not reported.',
  ),
  'stale-local-cache': meta(
    'stale-local-cache',
    'warning',
    ['correctness', 'cache'],
    'In-process cache in front of Redis is never cleared on invalidation',
    'A `Map`, `LRUCache` or `NodeCache` holds values of a Redis key family in front of Redis (read it, on a miss read Redis, fill it), and the family is invalidated in Redis, but no invalidation path and no pub/sub message handler clears the local copy. ' +
      'Each instance keeps serving the old value from memory after the Redis key is gone; a timer that clears entries later only bounds how long. ' +
      'Clear the entry where the key is invalidated, or publish an invalidation and clear it in a listener on every instance.',
  ),
  'unresolved-write': meta(
    'unresolved-write',
    'info',
    ['maintainability', 'database'],
    'Database write whose table could not be determined',
    'A SQL statement is a write (UPDATE, INSERT, DELETE, MERGE) but its table is not written in the code (`UPDATE ${table} SET …`), so keydrift cannot tell which cached families it makes stale. ' +
      'keydrift never guesses: the write is left out of the invalidation checks and the coverage report.',
  ),
  'parse-error': meta(
    'parse-error',
    'warning',
    ['tooling'],
    'File could not be parsed or the tsconfig could not be used',
    'A source file does not parse, or the tsconfig is missing or broken. The file was skipped (or the given paths analysed instead), so its Redis call sites are not checked and findings that depend on them may be missing or wrong. ' +
      'Fix the syntax error or point keydrift at a working tsconfig with `--project`.',
  ),
};

/** Finding ids in a stable order (declaration order of FINDINGS_META). */
export const FINDING_RULES = Object.keys(FINDINGS_META) as FindingRule[];

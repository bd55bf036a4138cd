/**
 * Caches keyed by tree nodes whose values point back into the same tree (a name's declaration,
 * a call's described command). In a WeakMap such an entry keeps its tree alive through every
 * young-generation collection: V8's scavenger keeps an entry's value without proving its key
 * unreachable, and the value reaches the key again through parent pointers. Only a full
 * collection frees it. A run that drops each tree once analysed (stream.ts) starts a new
 * generation of these caches with every drop, so the trees it is done with die young; every
 * other caller (the ESLint rules, a typed run) keeps one generation for good.
 */
export class NodeCache<K extends object, V> {
  private map = new WeakMap<K, V>();

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.set(key, value);
  }

  clear(): void {
    this.map = new WeakMap();
  }
}

const generation: NodeCache<object, unknown>[] = [];

export function nodeCache<K extends object, V>(): NodeCache<K, V> {
  const cache = new NodeCache<K, V>();
  generation.push(cache as NodeCache<object, unknown>);
  return cache;
}

/** Starts a new generation of every node cache (what is dropped is recomputed when asked again). */
export function clearNodeCaches(): void {
  for (const cache of generation) cache.clear();
}

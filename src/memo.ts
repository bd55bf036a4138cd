/** `compute` remembered by its string argument: each key is computed once, whatever it returns. */
export function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    // One map read on a hit (hot callers ask millions of times); `has` only for a stored undefined.
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}

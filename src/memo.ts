import { detached } from './keys/detached.js';

/**
 * `compute` remembered by its string argument: each key is computed once, whatever it returns.
 * A key is stored as a string of its own: a name cut from a file's text would keep the whole
 * text as long as the memo lives (detached.ts), and module-level memos live for the process.
 */
export function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    // One map read on a hit (hot callers ask millions of times); `has` only for a stored undefined.
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const value = compute(key);
    cache.set(detached(key), value);
    return value;
  };
}

/**
 * Values read from disk by the rules (imported modules, the registry, builder modules), cached
 * per process and reloaded when the file's modification time changes. The time is checked at
 * most once a second per file: a lint run touches these files thousands of times, and an editor
 * sees an edit within a second.
 */
import { statSync } from 'node:fs';

interface Entry<T> {
  mtimeMs: number;
  checkedAt: number;
  value: T;
}

const RECHECK_MS = 1000;

export function createFileCache<T>(load: (file: string, exists: boolean) => T): (file: string) => T {
  const entries = new Map<string, Entry<T>>();
  return (file) => {
    const now = Date.now();
    const cached = entries.get(file);
    if (cached && now - cached.checkedAt < RECHECK_MS) return cached.value;
    const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (cached && cached.mtimeMs === mtimeMs) {
      cached.checkedAt = now;
      return cached.value;
    }
    const value = load(file, mtimeMs >= 0);
    entries.set(file, { mtimeMs, checkedAt: now, value });
    return value;
  };
}

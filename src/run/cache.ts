/**
 * The content-hash cache behind `--cache`: a run's collected call sites, keyed by keydrift's
 * version, the options and the planned file list, and valid only while every file the run read
 * (analysed, or followed through an import) has the same content. The registry is not part of
 * the key: the checks run again on every hit, so a registry edit is never served stale.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CollectedSites } from '../analyze/analyze.js';
import { deserializeSite, serializeSite, type SerializedSite } from '../analyze/site.js';
import type { WriteFacts } from '../analyze/write-facts.js';
import type { Finding } from '../types.js';
import { VERSION } from '../version.js';

interface CacheEntry {
  version: 1;
  keydrift: string;
  /** [absolute path, sha1 of content] of every file the run read. */
  files: [string, string][];
  sites: SerializedSite[];
  problems: Finding[];
  writes?: WriteFacts;
}

export const DEFAULT_CACHE_LOCATION = 'node_modules/.cache/keydrift';

export function cacheKey(parts: { options: unknown; fileNames: string[]; inputs: (string | undefined)[] }): string {
  const hash = createHash('sha256');
  hash.update(`keydrift ${VERSION}\0`);
  hash.update(JSON.stringify(parts.options));
  hash.update('\0');
  for (const name of parts.fileNames) hash.update(`${name}\0`);
  // Inputs whose content matters beyond the file list: tsconfig, lockfile (types come from it).
  for (const input of parts.inputs) hash.update(`${input ?? ''}\0${input ? hashFile(input) ?? '' : ''}\0`);
  return hash.digest('hex').slice(0, 40);
}

export function readCache(dir: string, key: string): CollectedSites | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(path.join(dir, `${key}.json`), 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.version !== 1 || entry.keydrift !== VERSION) return undefined;
  for (const [file, hash] of entry.files) {
    if (hashFile(file) !== hash) return undefined;
  }
  try {
    return { sites: entry.sites.map(deserializeSite), problems: entry.problems, writes: entry.writes };
  } catch {
    return undefined;
  }
}

export function writeCache(dir: string, key: string, collected: CollectedSites, readFiles: string[]): void {
  const files: [string, string][] = [];
  for (const file of readFiles) {
    const hash = hashFile(file);
    if (hash) files.push([file, hash]);
  }
  const entry: CacheEntry = { version: 1, keydrift: VERSION, files, sites: collected.sites.map(serializeSite), problems: collected.problems, writes: collected.writes };
  mkdirSync(dir, { recursive: true });
  // Write then rename, so a concurrent reader never sees half an entry.
  const target = path.join(dir, `${key}.json`);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(entry));
  renameSync(temp, target);
}

function hashFile(file: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

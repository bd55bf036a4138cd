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
import type { AnalysisResult, Finding } from '../types.js';
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

/** A valid cache entry: the collected sites, and a stamp naming exactly this content. */
export interface CacheHit {
  collected: CollectedSites;
  stamp: string;
}

export function readCache(dir: string, key: string): CacheHit | undefined {
  let entry: CacheEntry;
  let text: string;
  try {
    text = readFileSync(path.join(dir, `${key}.json`), 'utf8');
    entry = JSON.parse(text) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.version !== 1 || entry.keydrift !== VERSION) return undefined;
  for (const [file, hash] of entry.files) {
    if (hashFile(file) !== hash) return undefined;
  }
  try {
    return { collected: { sites: entry.sites.map(deserializeSite), problems: entry.problems, writes: entry.writes }, stamp: stampOf(text) };
  } catch {
    return undefined;
  }
}

/** Writes the entry; returns its stamp (see readChecked). */
export function writeCache(dir: string, key: string, collected: CollectedSites, readFiles: string[]): string {
  const files: [string, string][] = [];
  for (const file of readFiles) {
    const hash = hashFile(file);
    if (hash) files.push([file, hash]);
  }
  const entry: CacheEntry = { version: 1, keydrift: VERSION, files, sites: collected.sites.map(serializeSite), problems: collected.problems, writes: collected.writes };
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(entry);
  writeAtomically(path.join(dir, `${key}.json`), text);
  return stampOf(text);
}

interface CheckedEntry {
  version: 1;
  keydrift: string;
  /** The stamp of the sites entry the result was checked from. */
  stamp: string;
  /** The registry the checks ran with (path and content hash, or none). */
  registry: string;
  result: AnalysisResult;
}

/**
 * The checks' result for a sites entry and a registry, kept beside the entry: an unchanged
 * re-run then skips the cross-file checks too. Valid only for the exact entry content (stamp)
 * and registry content it was computed from, so it can never outlive either.
 */
export function readChecked(dir: string, key: string, stamp: string, registry: string): AnalysisResult | undefined {
  try {
    const entry = JSON.parse(readFileSync(path.join(dir, `${key}.checked.json`), 'utf8')) as CheckedEntry;
    if (entry.version !== 1 || entry.keydrift !== VERSION || entry.stamp !== stamp || entry.registry !== registry) return undefined;
    return entry.result;
  } catch {
    return undefined;
  }
}

export function writeChecked(dir: string, key: string, stamp: string, registry: string, result: AnalysisResult): void {
  const entry: CheckedEntry = { version: 1, keydrift: VERSION, stamp, registry, result };
  mkdirSync(dir, { recursive: true });
  writeAtomically(path.join(dir, `${key}.checked.json`), JSON.stringify(entry));
}

/** What a checked result depends on besides the sites: the registry file and its content. */
export function registryStamp(file: string | undefined): string {
  return file ? `${file}\0${hashFile(file) ?? ''}` : 'none';
}

/** Write then rename, so a concurrent reader never sees half an entry. */
function writeAtomically(target: string, text: string): void {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, target);
}

function stampOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function hashFile(file: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

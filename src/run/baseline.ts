/**
 * A baseline for adopting keydrift on an existing codebase: today's findings are recorded by
 * fingerprint (not line number), later runs report only new ones, and `--update-baseline`
 * prunes entries whose finding has gone.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigFileError } from '../config/jsonc-document.js';
import { fingerprints } from '../fingerprint.js';
import type { Finding } from '../types.js';

interface BaselineEntry {
  fingerprint: string;
  rule: string;
  file: string;
  message: string;
}

interface BaselineFile {
  version: 1;
  findings: BaselineEntry[];
}

export const DEFAULT_BASELINE = 'keydrift-baseline.json';

export function readBaseline(file: string): Set<string> {
  let data: BaselineFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;
  } catch (error) {
    throw new ConfigFileError(file, 1, 1, `cannot read baseline: ${(error as Error).message}`);
  }
  if (data?.version !== 1 || !Array.isArray(data.findings)) throw new ConfigFileError(file, 1, 1, 'not a keydrift baseline (expected { "version": 1, "findings": [...] })');
  return new Set(data.findings.map((f) => f.fingerprint));
}

/** Findings not in the baseline, and how many were suppressed. */
export function applyBaseline(findings: Finding[], baseline: Set<string>): { findings: Finding[]; suppressed: number } {
  const ids = fingerprints(findings);
  const kept = findings.filter((_, i) => !baseline.has(ids[i]));
  return { findings: kept, suppressed: findings.length - kept.length };
}

/** Records `findings` (all, or with `keepOnly` those already in it: pruning). Returns the count. */
export function writeBaseline(file: string, findings: Finding[], keepOnly?: Set<string>): number {
  const ids = fingerprints(findings);
  const entries = findings
    .map((f, i) => ({ fingerprint: ids[i], rule: f.rule, file: f.file, message: f.message }))
    .filter((e) => !keepOnly || keepOnly.has(e.fingerprint))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.fingerprint < b.fingerprint ? -1 : 1));
  const data: BaselineFile = { version: 1, findings: entries };
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return entries.length;
}

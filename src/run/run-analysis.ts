/**
 * One `keydrift analyze` or `keydrift merge` run, from validated options to a result and an exit
 * code: config, registry, cache, shard, checks, then severity overrides, the changed-files
 * filter, the baseline and the warning budget. Prints nothing (src/cli.ts does).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkSites, collectSites, loadRegistryFor, type AnalyzeOptions, type CollectedSites, type Progress } from '../analyze/analyze.js';
import { planProject } from '../analyze/project.js';
import type { ShardSpec } from '../analyze/shard.js';
import { deserializeSite, serializeSite, type SerializedSite } from '../analyze/site.js';
import { NO_WRITE_FACTS, type WriteFacts } from '../analyze/write-facts.js';
import { ConfigFileError } from '../config/jsonc-document.js';
import { findConfig, loadConfig, type KeydriftConfig } from '../config/load-config.js';
import type { Registry } from '../registry/types.js';
import type { AnalysisResult, Finding } from '../types.js';
import { applyBaseline, DEFAULT_BASELINE, readBaseline, writeBaseline } from './baseline.js';
import { cacheKey, DEFAULT_CACHE_LOCATION, readCache, readChecked, registryStamp, writeCache, writeChecked } from './cache.js';
import { changedFiles, onlyChanged } from './changed.js';
import { releaseMemory } from './release-memory.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** What both analyze and merge take from flags and the config file. */
export interface ReportSettings {
  cwd: string;
  /** Config file; undefined looks for keydrift.config.json in cwd, false ignores it. */
  config?: string | false;
  registry?: string | false;
  maxWarnings?: number;
  quiet?: boolean;
  changed?: string | true;
  staged?: boolean;
  baseline?: string;
  writeBaseline?: boolean;
  updateBaseline?: boolean;
}

export interface AnalyzeSettings extends ReportSettings {
  paths: string[];
  project?: string;
  types?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  shard?: ShardSpec;
}

/** A shard's output: the contract plus the sites `keydrift merge` needs. */
export interface ShardResult extends AnalysisResult {
  shard: ShardSpec;
  sites: SerializedSite[];
  writes: WriteFacts;
}

export interface RunOutcome {
  result: AnalysisResult | ShardResult;
  exitCode: number;
  /** One-line notes for stderr (cache hit, baseline written, suppressed findings). */
  notices: string[];
}

/** Config, registry and the collected sites of a run (from the cache when it is valid). */
export interface CollectedRun {
  collected: CollectedSites;
  registry: Registry | undefined;
  config: KeydriftConfig | undefined;
  notices: string[];
  /** With --cache: where the entry for these sites lives and its stamp. */
  cache?: { dir: string; key: string; stamp: string };
}

export function collectRun(settings: AnalyzeSettings, progress?: Progress): CollectedRun {
  const config = readConfig(settings);
  const options: AnalyzeOptions = {
    cwd: settings.cwd,
    paths: settings.paths,
    tsconfig: settings.project ?? config?.project,
    types: settings.types ?? config?.types ?? true,
    include: config?.include,
    exclude: config?.exclude,
    globBase: config?.dir,
    clientPackages: config?.clientPackages,
    shard: settings.shard,
    registry: settings.registry ?? config?.registry,
  };
  const registry = loadRegistryFor(options);
  const notices: string[] = [];

  let collected: CollectedSites | undefined;
  let key: string | undefined;
  let stamp: string | undefined;
  const cacheDir = path.resolve(settings.cwd, settings.cacheLocation ?? config?.cacheLocation ?? DEFAULT_CACHE_LOCATION);
  if (settings.cache) {
    const plan = planProject(options);
    const { cwd: _cwd, registry: _registry, ...keyOptions } = options;
    key = cacheKey({ options: keyOptions, fileNames: plan.fileNames, inputs: [plan.tsconfig, ...plan.references, lockfile(settings.cwd)] });
    const hit = readCache(cacheDir, key);
    if (hit) {
      collected = hit.collected;
      stamp = hit.stamp;
      notices.push(`cache hit (${path.relative(settings.cwd, cacheDir) || cacheDir})`);
    }
  }
  if (!collected) {
    let readFiles: string[] = [];
    collected = collectSites(options, progress, (files) => (readFiles = files));
    releaseMemory();
    if (settings.cache && key) stamp = writeCache(cacheDir, key, collected, readFiles);
  }

  return { collected, registry, config, notices, ...(key && stamp && { cache: { dir: cacheDir, key, stamp } }) };
}

export function runAnalysis(settings: AnalyzeSettings, progress?: Progress): RunOutcome {
  const { collected, registry, config, notices, cache } = collectRun(settings, progress);
  if (settings.shard) {
    // Cross-file checks need every shard's sites: `keydrift merge` runs them.
    const result: ShardResult = {
      version: 1,
      callSites: [],
      templates: [],
      findings: collected.problems,
      shard: settings.shard,
      sites: collected.sites.map(serializeSite),
      writes: collected.writes ?? NO_WRITE_FACTS,
    };
    return { result, exitCode: EXIT_OK, notices };
  }
  return finish(checked(collected, registry, settings.cwd, cache), settings, config, notices);
}

/** The cross-file checks, or their kept result when neither the sites nor the registry changed. */
function checked(collected: CollectedSites, registry: Registry | undefined, cwd: string, cache: CollectedRun['cache']): AnalysisResult {
  if (!cache) return checkSites(collected, registry, cwd);
  const registryKey = `${cwd}\0${registryStamp(registry?.file)}`;
  const kept = readChecked(cache.dir, cache.key, cache.stamp, registryKey);
  if (kept) return kept;
  const result = checkSites(collected, registry, cwd);
  writeChecked(cache.dir, cache.key, cache.stamp, registryKey, result);
  return result;
}

/** `keydrift merge`: shard results combined and checked as one run. */
export function runMerge(files: string[], settings: ReportSettings): RunOutcome {
  const config = readConfig(settings);
  const registry = loadRegistryFor({ cwd: settings.cwd, registry: settings.registry ?? config?.registry });
  const shards = files.map((file) => readShard(path.resolve(settings.cwd, file)));
  const counts = new Set(shards.map((s) => s.data.shard.count));
  if (counts.size !== 1) throw new ConfigFileError(files[0], 1, 1, 'shard results come from runs with different shard counts');
  const count = [...counts][0];
  const seen = new Map<number, string>();
  for (const { file, data } of shards) {
    const other = seen.get(data.shard.index);
    if (other) throw new ConfigFileError(file, 1, 1, `shard ${data.shard.index}/${count} is also given as ${other}`);
    seen.set(data.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new ConfigFileError(files[0], 1, 1, `missing shard result${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  const collected: CollectedSites = {
    sites: shards.flatMap((s) => s.data.sites.map(deserializeSite)),
    problems: shards.flatMap((s) => s.data.findings),
    writes: {
      functions: shards.flatMap((s) => s.data.writes?.functions ?? []),
      localCaches: shards.flatMap((s) => s.data.writes?.localCaches ?? []),
    },
  };
  return finish(checkSites(collected, registry, settings.cwd), settings, config, []);
}

function readShard(file: string): { file: string; data: ShardResult } {
  let data: ShardResult;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as ShardResult;
  } catch (error) {
    throw new ConfigFileError(file, 1, 1, `cannot read shard result: ${(error as Error).message}`);
  }
  if (data?.version !== 1 || !data.shard || !Array.isArray(data.sites)) {
    throw new ConfigFileError(file, 1, 1, 'not a keydrift shard result (run `keydrift analyze --shard i/n --format json`)');
  }
  return { file, data };
}

function readConfig(settings: ReportSettings): KeydriftConfig | undefined {
  if (settings.config === false) return undefined;
  const file = settings.config ? path.resolve(settings.cwd, settings.config) : findConfig(settings.cwd);
  return file ? loadConfig(file) : undefined;
}

function lockfile(cwd: string): string | undefined {
  for (const name of ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock']) {
    const file = path.join(cwd, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Severity overrides, changed-files filter, baseline, quiet and the exit code. */
function finish(result: AnalysisResult, settings: ReportSettings, config: KeydriftConfig | undefined, notices: string[]): RunOutcome {
  let findings: Finding[] = applySeverity(result.findings, config);

  if (settings.changed !== undefined || settings.staged) {
    const changed = changedFiles(settings.cwd, settings.staged ? { staged: true } : { base: settings.changed === true ? 'HEAD' : (settings.changed ?? 'HEAD') });
    findings = onlyChanged(findings, changed, settings.cwd);
  }

  const baselineFile = path.resolve(settings.cwd, settings.baseline ?? config?.baseline ?? DEFAULT_BASELINE);
  if (settings.writeBaseline) {
    const count = writeBaseline(baselineFile, findings);
    notices.push(`wrote ${count} finding${count === 1 ? '' : 's'} to ${path.relative(settings.cwd, baselineFile)}`);
    return { result: { ...result, findings: [] }, exitCode: EXIT_OK, notices };
  }
  if (settings.baseline !== undefined || config?.baseline !== undefined || settings.updateBaseline || existsSync(baselineFile)) {
    if (existsSync(baselineFile)) {
      const baseline = readBaseline(baselineFile);
      if (settings.updateBaseline) {
        const before = baseline.size;
        const count = writeBaseline(baselineFile, findings, baseline);
        notices.push(`pruned ${before - count} finding${before - count === 1 ? '' : 's'} from ${path.relative(settings.cwd, baselineFile)}`);
      }
      const applied = applyBaseline(findings, baseline);
      findings = applied.findings;
      if (applied.suppressed > 0) notices.push(`${applied.suppressed} finding${applied.suppressed === 1 ? '' : 's'} suppressed by ${path.relative(settings.cwd, baselineFile)}`);
    } else if (settings.baseline !== undefined || settings.updateBaseline) {
      throw new ConfigFileError(baselineFile, 1, 1, 'baseline file not found (create it with --write-baseline)');
    }
  }

  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const maxWarnings = settings.maxWarnings ?? config?.maxWarnings;
  let exitCode = errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    notices.push(`${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${maxWarnings}`);
    exitCode = EXIT_FINDINGS;
  }
  if (settings.quiet) findings = findings.filter((f) => f.severity === 'error');
  return { result: { ...result, findings }, exitCode, notices };
}

function applySeverity(findings: Finding[], config: KeydriftConfig | undefined): Finding[] {
  const overrides = config?.severity;
  if (!overrides || Object.keys(overrides).length === 0) return findings;
  return findings.flatMap((f) => {
    const override = overrides[f.rule];
    if (override === 'off') return [];
    return override ? [{ ...f, severity: override }] : [f];
  });
}

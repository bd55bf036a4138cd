/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run, every finding id as a
 * rule, one result per finding. Deterministic (no timestamps, no absolute paths unless asked).
 */
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import { FINDING_RULES, FINDINGS_META, type FindingMeta } from '../findings-meta.js';
import { FINGERPRINT_KEY, fingerprints } from '../fingerprint.js';
import type { AnalysisResult, Finding, RelatedLocation, Severity } from '../types.js';

export interface SarifOptions {
  /** The keydrift version, for `tool.driver.version` / `semanticVersion`. */
  toolVersion: string;
  /**
   * Absolute path of the folder finding paths are relative to (the working directory). When
   * given it becomes the `%SRCROOT%` URI; left out, the base is described but has no URI, and
   * the output does not depend on the machine.
   */
  srcRoot?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/keydrift/eslint-plugin-keydrift';
const SRCROOT = '%SRCROOT%';

/** GitHub code scanning rejects a run with more results; the rest are dropped, errors first kept. */
export const MAX_SARIF_RESULTS = 25_000;
/** GitHub displays at most 100 locations per result (1,000 accepted). */
const MAX_RELATED_LOCATIONS = 100;

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function formatSarif(result: AnalysisResult, options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(result, options), null, 2)}\n`;
}

/** The SARIF log as an object (what formatSarif serialises). */
export function buildSarif(result: AnalysisResult, options: SarifOptions): Log {
  const rules = FINDING_RULES.map((id) => ruleDescriptor(FINDINGS_META[id]));
  const ruleIndex = new Map(FINDING_RULES.map((id, index) => [id, index]));
  const ids = fingerprints(result.findings);

  let kept = result.findings.map((finding, index) => ({ finding, fingerprint: ids[index], index }));
  if (kept.length > MAX_SARIF_RESULTS) {
    kept = [...kept]
      .sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.index - b.index)
      .slice(0, MAX_SARIF_RESULTS)
      .sort((a, b) => a.index - b.index);
  }
  const omitted = result.findings.length - kept.length;

  const run: Run = {
    tool: {
      driver: {
        name: 'keydrift',
        informationUri: INFORMATION_URI,
        version: options.toolVersion,
        semanticVersion: options.toolVersion,
        rules,
      },
    },
    originalUriBaseIds: {
      [SRCROOT]: options.srcRoot
        ? { uri: directoryUri(options.srcRoot) }
        : { description: { text: 'The folder keydrift analyze ran in; result paths are relative to it.' } },
    },
    columnKind: 'utf16CodeUnits',
    results: kept.map(({ finding, fingerprint }) => resultOf(finding, fingerprint, ruleIndex.get(finding.rule) ?? -1)),
  };
  if (omitted > 0) {
    run.invocations = [
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: `${omitted} of ${result.findings.length} findings were left out: GitHub code scanning accepts at most ${MAX_SARIF_RESULTS} results per run` },
          },
        ],
      },
    ];
  }
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}

function ruleDescriptor(meta: FindingMeta): ReportingDescriptor {
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.shortDescription },
    fullDescription: { text: meta.fullDescription },
    help: {
      text: `${meta.fullDescription}\n\nDocumentation: ${meta.helpUri}`,
      markdown: `${meta.fullDescription}\n\nSee the [\`${meta.id}\` documentation](${meta.helpUri}) for examples, fixes and false positives.`,
    },
    helpUri: meta.helpUri,
    defaultConfiguration: { level: LEVEL[meta.defaultSeverity] },
    properties: { tags: [...meta.tags] },
  };
}

function resultOf(finding: Finding, fingerprint: string, ruleIndex: number): Result {
  const related = (finding.related ?? []).slice(0, MAX_RELATED_LOCATIONS);
  const links = related.map((r, i) => `[${escapeMessage(r.message)}](${i + 1})`);
  const result: Result = {
    ruleId: finding.rule,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: escapeMessage(finding.message) + (links.length > 0 ? ` (see ${links.join(', ')})` : '') },
    locations: [location(finding)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
  };
  if (related.length > 0) {
    result.relatedLocations = related.map((r, i) => ({ id: i + 1, ...location(r), message: { text: escapeMessage(r.message) } }));
  }
  return result;
}

function location(at: Pick<Finding | RelatedLocation, 'file' | 'line' | 'column'>): Location {
  return {
    physicalLocation: {
      artifactLocation: artifactUri(at.file),
      region: { startLine: Math.max(1, at.line), startColumn: Math.max(1, at.column) },
    },
  };
}

/** Relative paths (the normal case) hang off %SRCROOT%; an absolute path becomes a file: URI. */
function artifactUri(file: string): { uri: string; uriBaseId?: string } {
  const normalized = file.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:\//.test(normalized)) return { uri: pathToFileURL(file).href };
  return { uri: normalized.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * SARIF plain-text messages treat `[text](n)` as embedded links, so literal brackets (and the
 * backslash that escapes them) are escaped (SARIF 2.1.0 §3.11.6).
 */
function escapeMessage(text: string): string {
  return text.replace(/[\\[\]]/g, (c) => `\\${c}`);
}

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

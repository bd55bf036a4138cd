/**
 * Stable finding fingerprints: the same problem keeps its id when unrelated lines above it move.
 * Used for SARIF `partialFingerprints` and the baseline file.
 *
 * A fingerprint is sha256 over (rule, file, subject, ordinal), hex, first 32 characters, where
 * the subject is the finding's template, or its message with `file:line` references and numbers
 * removed, and the ordinal counts earlier findings (by line, then column) with the same rule, file
 * and subject, so two identical findings in one file stay distinct. Line and column themselves
 * are never hashed.
 */
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

/** The `partialFingerprints` key; bump the version when the algorithm changes. */
export const FINGERPRINT_KEY = 'keydriftFingerprint/v1';

const LENGTH = 32;

/** What identifies a finding within its file apart from its position. */
export function fingerprintSubject(finding: Pick<Finding, 'template' | 'message'>): string {
  if (finding.template !== undefined) return finding.template;
  return finding.message
    .replace(/`[^`]*?:\d+(?::\d+)?`/g, '`#`')
    .replace(/[\w./\\@-]+\.[A-Za-z]\w*:\d+(?::\d+)?/g, '#')
    .replace(/\d+/g, '#');
}

/** One fingerprint per finding, in input order. Deterministic; independent of input order. */
export function fingerprints(findings: readonly Finding[]): string[] {
  const subjects = findings.map((f) => tupleOf(f));
  const order = findings
    .map((_, index) => index)
    .sort((a, b) => compare(subjects[a], subjects[b]) || findings[a].line - findings[b].line || findings[a].column - findings[b].column || compare(findings[a].message, findings[b].message) || a - b);
  const ordinals = new Map<string, number>();
  const result: string[] = new Array(findings.length);
  for (const index of order) {
    const tuple = subjects[index];
    const ordinal = ordinals.get(tuple) ?? 0;
    ordinals.set(tuple, ordinal + 1);
    result[index] = createHash('sha256').update(`${tuple}\u0000${ordinal}`).digest('hex').slice(0, LENGTH);
  }
  return result;
}

function tupleOf(finding: Finding): string {
  return [finding.rule, finding.file, fingerprintSubject(finding)].join('\u0000');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding,
 * which the runner turns into annotations on the pull request's changed files.
 */
import type { AnalysisResult, Finding, Severity } from '../types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(result: AnalysisResult): string {
  return result.findings.map((finding) => `${workflowCommand(finding)}\n`).join('');
}

function workflowCommand(finding: Finding): string {
  const properties = [
    ['file', finding.file],
    ['line', String(finding.line)],
    ['col', String(finding.column)],
    ['title', `keydrift ${finding.rule}`],
  ]
    .map(([name, value]) => `${name}=${escapeProperty(value)}`)
    .join(',');
  return `::${COMMAND[finding.severity]} ${properties}::${escapeData(finding.message)}`;
}

/** Message text: `%`, CR and LF are percent-encoded. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values: as data, plus `:` and `,`, which delimit the properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

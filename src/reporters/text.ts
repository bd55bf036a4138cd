import { createColors } from 'picocolors';
import type { AnalysisResult, Finding, Severity } from '../types.js';

export interface TextOptions {
  color: boolean;
}

const SEVERITY_WORD: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info' };

/** Findings grouped by file, ESLint-style, then one summary line. */
export function formatText(result: AnalysisResult, options: TextOptions): string {
  const c = createColors(options.color);
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  const lines: string[] = [];
  for (const [file, findings] of byFile) {
    lines.push(c.underline(file));
    const width = Math.max(...findings.map((f) => `${f.line}:${f.column}`.length));
    for (const f of findings) {
      const position = `${f.line}:${f.column}`.padEnd(width);
      lines.push(`  ${c.dim(position)}  ${paint[f.severity](SEVERITY_WORD[f.severity].padEnd(7))}  ${f.message}  ${c.dim(f.rule)}`);
    }
    lines.push('');
  }
  const count = (s: Severity) => result.findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const infos = count('info');
  const problems = errors + warnings;
  const summary =
    `${problems === 0 ? '✔ no problems' : `✖ ${problems} problem${problems === 1 ? '' : 's'}`} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} info)` +
    ` · ${result.callSites.length} call site${result.callSites.length === 1 ? '' : 's'}, ${result.templates.length} key famil${result.templates.length === 1 ? 'y' : 'ies'}`;
  lines.push(errors > 0 ? c.bold(c.red(summary)) : problems > 0 ? c.bold(c.yellow(summary)) : c.bold(c.green(summary)));
  return `${lines.join('\n')}\n`;
}

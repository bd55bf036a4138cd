/**
 * Renders an AuditReport as text (terminal), JSON (for scripts) or Markdown (a PR or issue comment).
 * Pure functions: report in, string out.
 */
import type { AuditReport, GroupReport, TtlStats } from './report.js';

export const AUDIT_FORMATS = ['text', 'json', 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function formatAudit(report: AuditReport, format: AuditFormat): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report);
  return formatText(report);
}

export function formatJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const number = (n: number): string => n.toLocaleString('en-US');

/** 42 → "42s", 5400 → "1.5h". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${trim(seconds, seconds < 10 ? 1 : 0)}s`;
  if (seconds < 3600) return `${trim(seconds / 60, 1)}m`;
  if (seconds < 86_400) return `${trim(seconds / 3600, 1)}h`;
  return `${trim(seconds / 86_400, 1)}d`;
}

function trim(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

export function bytes(n: number | null): string {
  if (n === null) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${trim(n / 1024, 1)} KiB`;
  if (n < 1024 ** 3) return `${trim(n / 1024 ** 2, 1)} MiB`;
  return `${trim(n / 1024 ** 3, 2)} GiB`;
}

function ttlRange(ttl: TtlStats): string {
  if (ttl.minSeconds === null || ttl.maxSeconds === null) return '–';
  const [min, max] = [duration(ttl.minSeconds), duration(ttl.maxSeconds)];
  return min === max ? min : `${min}–${max}`;
}

function bucketLabel(upTo: number | null, previous: number | null): string {
  if (upTo === null) return `>${duration(previous ?? 0)}`;
  return `≤${duration(upTo)}`;
}

/** "≤1m:3 ≤1h:40 >30d:1" (empty buckets left out). */
function spread(ttl: TtlStats): string {
  const parts: string[] = [];
  ttl.buckets.forEach((bucket, i) => {
    if (bucket.count > 0) parts.push(`${bucketLabel(bucket.upTo, ttl.buckets[i - 1]?.upTo ?? null)}:${number(bucket.count)}`);
  });
  return parts.join(' ') || '–';
}

function summaryLine(report: AuditReport): string {
  const nodes = report.nodes.length === 1 ? '1 node' : `${report.nodes.length} nodes`;
  const db = report.mode === 'standalone' ? `, db ${report.db}` : '';
  return `${report.target} (${report.mode}, ${nodes}${db}): ${number(report.totals.keys)} keys in ${trim(report.elapsedMs / 1000, 1)}s`;
}

// ---------------------------------------------------------------------------------------------
// Text

function table(rows: string[][], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join('  ').trimEnd())
    .join('\n');
}

function examples(group: GroupReport, n = 3): string {
  return group.examples.slice(0, n).join(', ');
}

export function formatText(report: AuditReport): string {
  const out: string[] = [];
  out.push(`keydrift audit ${summaryLine(report)}`);
  out.push(`registry: ${report.registry ?? '(none: every key is an orphan)'}`);
  const t = report.totals;
  out.push(
    `keys: ${number(t.families)} in families, ${number(t.deprecated)} deprecated, ${number(t.orphans)} orphans, ${number(t.noTtl)} without TTL` +
      (t.vanished ? `, ${number(t.vanished)} vanished during the scan` : '') +
      (t.estimatedBytes !== null ? `; ~${bytes(t.estimatedBytes)} estimated` : ''),
  );

  if (report.families.length > 0) {
    out.push('', 'families');
    const rows = [['name', 'template', 'keys', 'no TTL', 'TTL left', 'over max', 'memory', 'spread']];
    for (const f of report.families) {
      rows.push([
        f.name,
        f.template,
        number(f.count),
        f.ttl.noTtl > 0 && f.requiresTtl ? `${number(f.ttl.noTtl)} ✖` : number(f.ttl.noTtl),
        ttlRange(f.ttl),
        f.ttlPolicy?.max === undefined ? '–' : f.overMax > 0 ? `${number(f.overMax)} ✖` : '0',
        bytes(f.memory.estimatedBytes),
        spread(f.ttl),
      ]);
    }
    out.push(table(rows));
  }

  const deprecated = report.deprecated.filter((d) => d.count > 0);
  if (report.deprecated.length > 0) {
    out.push('', `deprecated (${deprecated.length} of ${report.deprecated.length} templates still have keys)`);
    if (deprecated.length > 0) {
      const rows = [['template', 'replacement', 'keys', 'no TTL', 'memory', 'examples']];
      for (const d of deprecated) rows.push([d.template, d.replacement, number(d.count), number(d.ttl.noTtl), bytes(d.memory.estimatedBytes), examples(d)]);
      out.push(table(rows));
    }
  }

  const groups = report.orphans.groups;
  out.push('', `orphans (${number(t.orphans)} keys in ${number(groups.length)} group${groups.length === 1 ? '' : 's'}${report.orphans.other ? ` + ${number(report.orphans.other.count)} beyond the ${report.orphans.groupLimit}-group limit` : ''})`);
  if (groups.length > 0) {
    const rows = [['inferred template', 'keys', 'no TTL', 'TTL left', 'memory', 'examples']];
    const shown = groups.slice(0, 50);
    for (const g of shown) rows.push([g.template ?? '(other)', number(g.count), number(g.ttl.noTtl), ttlRange(g.ttl), bytes(g.memory.estimatedBytes), examples(g)]);
    out.push(table(rows));
    if (groups.length > shown.length) out.push(`  … ${number(groups.length - shown.length)} more groups (see --format json)`);
  }

  out.push('');
  if (report.problems.length === 0) {
    out.push('ok: nothing the registry forbids');
  } else {
    out.push(`problems (${report.problems.length})`);
    for (const p of report.problems) out.push(`  ✖ ${p.message}${p.examples.length ? `, e.g. ${p.examples.slice(0, 3).join(', ')}` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown

function md(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  // A code span with a backtick inside needs a longer fence.
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|')}${fence}`;
}

/** `textColumns` are left-aligned, the rest (numbers) right-aligned. */
function mdTable(header: string[], rows: string[][], textColumns: number[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (textColumns.includes(i) ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function formatMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const t = report.totals;
  out.push(`## keydrift audit: ${report.ok ? '✅ ok' : `❌ ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}`}`);
  out.push('');
  out.push(`${md(summaryLine(report))}. Registry: ${report.registry ? code(report.registry) : 'none'}.`);
  out.push('');
  out.push(
    `**${number(t.families)}** keys in families, **${number(t.deprecated)}** deprecated, **${number(t.orphans)}** orphans, **${number(t.noTtl)}** without TTL` +
      (t.estimatedBytes !== null ? `, ~${bytes(t.estimatedBytes)} estimated.` : '.'),
  );

  if (report.problems.length > 0) {
    out.push('', '### Problems', '');
    for (const p of report.problems) out.push(`- ${md(p.message)}${p.examples.length ? ` (e.g. ${p.examples.slice(0, 3).map(code).join(', ')})` : ''}`);
  }

  if (report.families.length > 0) {
    out.push('', '### Families', '');
    out.push(
      mdTable(
        ['family', 'template', 'keys', 'no TTL', 'TTL left', 'over max', 'memory'],
        report.families.map((f) => [
          md(f.name),
          code(f.template),
          number(f.count),
          f.requiresTtl && f.ttl.noTtl > 0 ? `**${number(f.ttl.noTtl)}**` : number(f.ttl.noTtl),
          ttlRange(f.ttl),
          f.ttlPolicy?.max === undefined ? '–' : f.overMax > 0 ? `**${number(f.overMax)}**` : '0',
          bytes(f.memory.estimatedBytes),
        ]),
        [0, 1],
      ),
    );
  }

  const deprecated = report.deprecated.filter((d) => d.count > 0);
  if (deprecated.length > 0) {
    out.push('', '### Deprecated keys still present', '');
    out.push(
      mdTable(
        ['template', 'replacement', 'keys', 'memory', 'examples'],
        deprecated.map((d) => [code(d.template), code(d.replacement), number(d.count), bytes(d.memory.estimatedBytes), d.examples.slice(0, 3).map(code).join(', ')]),
        [0, 1, 4],
      ),
    );
  }

  if (report.orphans.groups.length > 0 || report.orphans.other) {
    out.push('', '### Orphans (no registry template)', '');
    const rows = report.orphans.groups
      .slice(0, 50)
      .map((g) => [code(g.template ?? ''), number(g.count), number(g.ttl.noTtl), bytes(g.memory.estimatedBytes), g.examples.slice(0, 3).map(code).join(', ')]);
    if (report.orphans.other) {
      const o = report.orphans.other;
      rows.push([`_other (beyond ${report.orphans.groupLimit} groups)_`, number(o.count), number(o.ttl.noTtl), bytes(o.memory.estimatedBytes), o.examples.slice(0, 3).map(code).join(', ')]);
    }
    out.push(mdTable(['inferred template', 'keys', 'no TTL', 'memory', 'examples'], rows, [0, 4]));
    if (report.orphans.groups.length > 50) out.push('', `_${number(report.orphans.groups.length - 50)} more groups in the JSON report._`);
  }
  return `${out.join('\n')}\n`;
}

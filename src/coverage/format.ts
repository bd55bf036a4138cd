/**
 * The coverage report in each output format. Pure functions: report in, string out; the same
 * report always gives the same string.
 */
import { formatCoverageHtml, type CoverageHtmlOptions } from './format-html.js';
import { formatCoverageMarkdown } from './format-markdown.js';
import { formatCoverageText, type CoverageTextOptions } from './format-text.js';
import type { CoverageReport } from './types.js';

export type CoverageFormat = 'text' | 'markdown' | 'json' | 'html';

export const COVERAGE_FORMATS: readonly CoverageFormat[] = ['text', 'markdown', 'json', 'html'];

/** Options of every format; each format reads only its own. */
export type CoverageFormatOptions = CoverageTextOptions & CoverageHtmlOptions;

export function formatCoverage(report: CoverageReport, format: CoverageFormat, options: CoverageFormatOptions = {}): string {
  switch (format) {
    case 'text':
      return formatCoverageText(report, { color: options.color });
    case 'markdown':
      return formatCoverageMarkdown(report);
    case 'json':
      return formatCoverageJson(report);
    case 'html':
      return formatCoverageHtml(report, { title: options.title, linkBase: options.linkBase });
  }
}

/** The report object as is: it is already sorted and has no timestamps. */
export function formatCoverageJson(report: CoverageReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

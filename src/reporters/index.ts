import type { AnalysisResult } from '../types.js';
import { formatJson } from './json.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReportOptions {
  color: boolean;
}

/** Reporters by name: (result) => string. */
export const reporters: Record<Format, (result: AnalysisResult, options: ReportOptions) => string> = {
  text: (result, options) => formatText(result, options),
  json: (result) => formatJson(result),
};

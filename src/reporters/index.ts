import type { AnalysisResult } from '../types.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReportOptions {
  color: boolean;
  toolVersion: string;
}

/** Reporters by name: (result) => string. */
export const reporters: Record<Format, (result: AnalysisResult, options: ReportOptions) => string> = {
  text: (result, options) => formatText(result, options),
  json: (result) => formatJson(result),
  sarif: (result, options) => formatSarif(result, { toolVersion: options.toolVersion }),
  github: (result) => formatGithub(result),
};

import type { AnalysisResult } from '../types.js';

/** The versioned JSON contract: one object, stable key order. */
export function formatJson(result: AnalysisResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Public API: the analyzer, the key model and the registry. The ESLint plugin builds on these. */
export { analyze, type AnalyzeOptions, type Analysis } from './analyze/analyze.js';
export { parseTemplate, formatTemplate, templateShape, type Template, type Segment } from './keys/template.js';
export { unify, matchesKey, compileTemplate } from './keys/unify.js';
export { driftBetween, type DriftKind } from './keys/drift.js';
export { loadRegistry, parseRegistry, RegistryError } from './registry/load.js';
export type { Registry, RegistryFamily } from './registry/types.js';
export type * from './types.js';
export { VERSION } from './version.js';

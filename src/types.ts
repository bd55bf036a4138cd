/** The analyzer's typed hand-offs and the JSON output contract (version 1). */

export type ClientKind = 'ioredis' | 'node-redis' | 'upstash' | 'unknown';

export type Access = 'read' | 'write' | 'delete' | 'expire' | 'scan' | 'other';

export type Severity = 'error' | 'warning' | 'info';

export interface KeyRef {
  /** Template text, or null when the key is wholly unknown. */
  template: string | null;
  /** The key expression as written. */
  source: string;
}

export type TtlInfo = { seconds: number } | { dynamic: true };

export interface CallSite {
  file: string;
  line: number;
  column: number;
  client: ClientKind;
  command: string;
  access: Access;
  keys: KeyRef[];
  /** Writes only: the expiry set by this call or later in the same function / pipeline. */
  ttl: TtlInfo | null;
  function: string | null;
}

export type FindingRule =
  | 'key-drift'
  | 'dead-invalidation'
  | 'never-invalidated'
  | 'unresolved-key'
  | 'require-ttl'
  | 'no-keys-command'
  | 'no-flush'
  | 'no-unknown-keys'
  | 'deprecated-key'
  | 'unused-registry-key'
  | 'require-invalidation'
  | 'invalidate-after-write'
  | 'dead-channel'
  | 'stale-local-cache'
  | 'unresolved-write'
  | 'parse-error';

export interface Finding {
  rule: FindingRule;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  message: string;
  template?: string;
  /** Other places the finding involves (the read site a drifted delete should have matched). */
  related?: RelatedLocation[];
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface TemplateSummary {
  template: string;
  reads: number;
  writes: number;
  deletes: number;
  registered: boolean;
}

export interface AnalysisResult {
  version: 1;
  callSites: CallSite[];
  templates: TemplateSummary[];
  findings: Finding[];
}

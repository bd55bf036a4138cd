/**
 * The call-site model the checks run on: plain data, no AST nodes, so a shard's sites can be
 * written to JSON, merged with other shards', cached, and checked exactly as in one run.
 */
import { formatTemplate, parseTemplate, type Template } from '../keys/template.js';
import { lookupCommand, type CommandInfo } from '../redis/commands.js';
import type { CallSite, ClientKind, KeyRef, TtlInfo } from '../types.js';

export interface Located {
  file: string;
  line: number;
  column: number;
}

export interface CheckSite {
  where: Located;
  client: ClientKind;
  info: CommandInfo;
  keys: { source: string; templates: Template[] }[];
  ttl: TtlInfo | null;
  functionName: string | null;
  /** Identifies the enclosing function (`file:line:column` of its start): "same function" checks. */
  fnId: string | null;
  /** Identifies the pipeline / multi the command is queued on. */
  pipelineId: string | null;
}

/**
 * A shallow copy, field by field: an object spread of a site takes V8's slow path (this runs for
 * every site of a run, ~25,000 on the bench's 5,000 files).
 */
export function copySite(site: CheckSite): CheckSite {
  return {
    where: site.where,
    client: site.client,
    info: site.info,
    keys: site.keys,
    ttl: site.ttl,
    functionName: site.functionName,
    fnId: site.fnId,
    pipelineId: site.pipelineId,
  };
}

/** The JSON form of a CheckSite (templates as text). */
export interface SerializedSite extends Located {
  client: ClientKind;
  command: string;
  keys: { source: string; templates: string[] }[];
  ttl: TtlInfo | null;
  function: string | null;
  fnId: string | null;
  pipelineId: string | null;
}

// Positions are copied property by property: `{ ...where, more }` takes V8's slow path for every
// object (toCallSite cost 6 µs a site that way, on tens of thousands of sites).
export function serializeSite(site: CheckSite): SerializedSite {
  return {
    file: site.where.file,
    line: site.where.line,
    column: site.where.column,
    client: site.client,
    command: site.info.name,
    keys: site.keys.map((k) => ({ source: k.source, templates: k.templates.map(formatTemplate) })),
    ttl: site.ttl,
    function: site.functionName,
    fnId: site.fnId,
    pipelineId: site.pipelineId,
  };
}

export function deserializeSite(data: SerializedSite): CheckSite {
  const info = lookupCommand(data.command);
  if (!info) throw new Error(`unknown Redis command '${data.command}' in shard results`);
  return {
    where: { file: data.file, line: data.line, column: data.column },
    client: data.client,
    info,
    keys: data.keys.map((k) => ({ source: k.source, templates: k.templates.map(parseTemplate) })),
    ttl: data.ttl,
    functionName: data.function,
    fnId: data.fnId,
    pipelineId: data.pipelineId,
  };
}

/** The contract's view of a site. */
export function toCallSite(site: CheckSite): CallSite {
  return {
    file: site.where.file,
    line: site.where.line,
    column: site.where.column,
    client: site.client,
    command: site.info.name,
    access: site.info.access,
    keys: site.keys.flatMap((key): KeyRef[] =>
      key.templates.length === 0 ? [{ template: null, source: key.source }] : key.templates.map((t) => ({ template: formatTemplate(t), source: key.source })),
    ),
    ttl: site.info.access === 'write' ? site.ttl : null,
    function: site.functionName,
  };
}

export function compareLocated(a: Located, b: Located): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

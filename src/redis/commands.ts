/**
 * Redis command metadata: which arguments are keys and what a command does to them.
 * The base table is `@ioredis/commands` (generated from Redis's own COMMAND output); the
 * overlay below adds module commands it lacks and the classifications keydrift needs that
 * Redis's flags do not carry (delete vs write, expiry, danger).
 */
import * as commandTable from '@ioredis/commands';
import { createRequire } from 'node:module';
import type { Access } from '../types.js';
import { detached } from '../keys/detached.js';

export interface CommandInfo {
  /** Lower-case Redis command name, e.g. `get`, `json.get`. */
  name: string;
  access: Access;
  /** Creates or overwrites a value, so a cached write should set an expiry. */
  createsValue: boolean;
  /** Sets an expiry on its key (expire, pexpire, …). */
  setsExpiry: boolean;
  danger?: 'keys' | 'flush';
  /** Arguments that are pub/sub channels rather than keys. */
  channels?: 'first' | 'all';
  /** Its first argument is a key it cannot do without (`SORT key`, not `FLUSHALL`). */
  requiresKey: boolean;
}

const DELETE_COMMANDS = new Set(['del', 'unlink', 'getdel', 'hdel', 'json.del', 'json.forget']);
const EXPIRE_COMMANDS = new Set(['expire', 'pexpire', 'expireat', 'pexpireat']);
const SCAN_COMMANDS = new Set(['scan', 'sscan', 'hscan', 'zscan', 'keys']);
/** Commands that carry their own expiry argument. */
export const TTL_COMMANDS = new Set(['setex', 'psetex', 'getex']);
const NOT_CALL_SITES = new Set(['multi', 'exec', 'discard', 'pipeline', 'quit', 'disconnect', 'connect']);

/** Module commands `@ioredis/commands` does not list: first argument is the key. */
const MODULE_COMMANDS: Record<string, Access> = {
  'json.get': 'read',
  'json.mget': 'read',
  'json.type': 'read',
  'json.strlen': 'read',
  'json.objkeys': 'read',
  'json.arrlen': 'read',
  'json.set': 'write',
  'json.merge': 'write',
  'json.arrappend': 'write',
  'json.numincrby': 'write',
  'json.strappend': 'write',
  'json.del': 'delete',
  'json.forget': 'delete',
  'ft.search': 'read',
  'ft.aggregate': 'read',
  'ft.info': 'read',
  'ts.add': 'write',
  'ts.get': 'read',
  'ts.range': 'read',
  'bf.add': 'write',
  'bf.exists': 'read',
};

/** Client method names that are not the command's own name. */
const METHOD_ALIASES: Record<string, string> = {
  scanstream: 'scan',
  sscanstream: 'sscan',
  hscanstream: 'hscan',
  zscanstream: 'zscan',
  scaniterator: 'scan',
  sscaniterator: 'sscan',
  hscaniterator: 'hscan',
  zscaniterator: 'zscan',
};

// By the name as written (every member call's name is looked up: no lower-casing on a hit), and
// by lower-case name, so `hGetAll` and `hgetall` share one CommandInfo.
const infoByName = new Map<string, CommandInfo | null>();
const infoCache = new Map<string, CommandInfo | undefined>();

/** Looks a command up by client method name (`hGetAll`, `scanStream`) or command name. */
export function lookupCommand(methodOrCommand: string): CommandInfo | undefined {
  const known = infoByName.get(methodOrCommand);
  if (known !== undefined) return known ?? undefined;
  const lower = methodOrCommand.toLowerCase();
  let info: CommandInfo | undefined;
  if (infoCache.has(lower)) info = infoCache.get(lower);
  else {
    info = buildInfo(METHOD_ALIASES[lower] ?? lower);
    infoCache.set(detached(lower), info);
  }
  // Kept for the process: a name cut from a file's text must not keep that text (detached.ts).
  infoByName.set(detached(methodOrCommand), info ?? null);
  return info;
}

function buildInfo(name: string): CommandInfo | undefined {
  if (NOT_CALL_SITES.has(name)) return undefined;
  if (name in MODULE_COMMANDS) {
    const access = MODULE_COMMANDS[name];
    return { name, access, createsValue: access === 'write', setsExpiry: false, requiresKey: !name.startsWith('ft.') };
  }
  if (!commandTable.exists(name)) return undefined;
  const flag = (f: string) => commandTable.hasFlag(name, f);
  const info: CommandInfo = {
    name,
    access: classify(name, flag),
    createsValue: flag('write') && flag('denyoom') && !DELETE_COMMANDS.has(name),
    setsExpiry: EXPIRE_COMMANDS.has(name),
    requiresKey: firstKeyPosition(name) === 1,
  };
  if (name === 'keys') info.danger = 'keys';
  if (name === 'flushall' || name === 'flushdb') info.danger = 'flush';
  if (name === 'publish' || name === 'spublish') info.channels = 'first';
  if (name === 'subscribe' || name === 'ssubscribe' || name === 'psubscribe' || name === 'unsubscribe') info.channels = 'all';
  return info;
}

// The table's own data (key positions), which its API does not expose; require() keeps Node 20
// from warning about JSON imports.
const commandSpecs = createRequire(import.meta.url)('@ioredis/commands/built/commands.json') as Record<string, { keyStart?: number } | undefined>;

/** Where the command's first key sits in Redis's own metadata (0: it takes none at a fixed place). */
function firstKeyPosition(name: string): number {
  return commandSpecs[name]?.keyStart ?? 0;
}

function classify(name: string, flag: (f: string) => boolean): Access {
  if (DELETE_COMMANDS.has(name)) return 'delete';
  if (EXPIRE_COMMANDS.has(name)) return 'expire';
  if (SCAN_COMMANDS.has(name)) return 'scan';
  if (name === 'getex') return 'read';
  if (flag('pubsub') || flag('admin')) return 'other';
  if (name === 'flushall' || name === 'flushdb') return 'other';
  if (flag('readonly')) return 'read';
  if (flag('write')) return 'write';
  return 'other';
}

/**
 * Indexes of the key arguments, given the call's arguments as far as they are known
 * (literal strings where the code has them, placeholders elsewhere).
 */
export function keyIndexes(info: CommandInfo, args: readonly (string | undefined)[]): number[] {
  if (info.channels === 'first') return args.length > 0 ? [0] : [];
  if (info.channels === 'all') return args.map((_, i) => i);
  if (info.name === 'keys') return args.length > 0 ? [0] : [];
  // RediSearch takes an index name, not a key; the other modules take the key first.
  if (info.name.startsWith('ft.')) return [];
  if (info.name in MODULE_COMMANDS) return args.length > 0 ? [0] : [];
  try {
    return commandTable.getKeyIndexes(
      info.name,
      args.map((a) => a ?? 'x'),
    );
  } catch {
    // Movable-key commands with a non-literal count (e.g. EVAL numkeys): keys unknown.
    return [];
  }
}

/** Whether a method name could be a Redis command: the cheap filter run before any type query. */
export function isCommandName(method: string): boolean {
  return lookupCommand(method) !== undefined;
}

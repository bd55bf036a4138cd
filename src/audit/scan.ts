/**
 * Connections for `keydrift audit`, read-only by construction, and the SCAN loop.
 *
 * Every command an audit connection sends, including AUTH, SELECT and CLIENT SETNAME while
 * connecting, goes through RespSocket.send, which checks it against READ_ONLY_COMMANDS before
 * encoding it. A command outside that list is rejected in the process and never reaches the
 * socket. KEYS is not on the list.
 *
 * The keyspace is walked with `SCAN cursor MATCH pattern COUNT n`. Each round trip is one batch:
 * the SCAN for the next cursor, then TYPE and PTTL for every key of the previous SCAN reply, then
 * MEMORY USAGE for the sampled keys of the batch before. Only a batch or two of keys is held at
 * a time, so memory does not grow with the keyspace.
 */
import type { ConnectionOptions } from 'node:tls';
import { RespError, RespSocket, type RespArg, type RespValue } from './resp.js';

// ---------------------------------------------------------------------------------------------
// The allow-list

/**
 * Commands an audit may send, lower case, with the subcommands allowed (null = any arguments).
 * All of them read: nothing here writes, deletes, expires, flushes or reconfigures. CLIENT SETNAME
 * only labels the audit's own connection (`keydrift-audit`) so operators can see it in CLIENT LIST.
 */
export const READ_ONLY_COMMANDS: ReadonlyMap<string, ReadonlySet<string> | null> = new Map<string, ReadonlySet<string> | null>([
  ['scan', null],
  ['type', null],
  ['pttl', null],
  ['memory', new Set(['usage'])],
  ['info', null],
  ['ping', null],
  ['auth', null],
  ['select', null],
  ['client', new Set(['setname'])],
  ['cluster', new Set(['nodes', 'info', 'myid'])],
]);

export class ForbiddenCommandError extends Error {
  constructor(readonly command: string) {
    super(`keydrift audit is read-only: refusing to send ${command.toUpperCase()}`);
    this.name = 'ForbiddenCommandError';
  }
}

/** Whether the audit may send this command with these arguments. */
export function isReadOnlyCommand(name: string, args: readonly unknown[] = []): boolean {
  const lower = name.toLowerCase();
  if (!READ_ONLY_COMMANDS.has(lower)) return false;
  const subcommands = READ_ONLY_COMMANDS.get(lower);
  if (!subcommands) return true;
  const first = args[0];
  const sub = typeof first === 'string' ? first : Buffer.isBuffer(first) ? first.toString('latin1') : '';
  return subcommands.has(sub.toLowerCase());
}

/** Throws ForbiddenCommandError unless the command (name first) is on the allow-list. */
export function assertReadOnly(command: readonly RespArg[]): void {
  const name = String(command[0]);
  if (isReadOnlyCommand(name, command.slice(1))) return;
  const sub = READ_ONLY_COMMANDS.get(name.toLowerCase()) && command[1] !== undefined ? ` ${String(command[1])}` : '';
  throw new ForbiddenCommandError(name + sub);
}

// ---------------------------------------------------------------------------------------------
// Targets and errors

/** A failure the audit reports in one line and exits 2 for (connection, auth, TLS, permissions). */
export class AuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditError';
  }
}

export interface RedisTarget {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
  /** The URL with the password masked, for messages and reports. */
  display: string;
}

/** Parses `redis://[user[:password]@]host[:port][/db]` or `rediss://…` (TLS). */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AuditError(`invalid --url '${text}': expected redis://[user:password@]host[:port][/db] or rediss://…`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new AuditError(`invalid --url: unsupported scheme '${url.protocol}' (expected redis:// or rediss://)`);
  }
  if (!url.hostname) throw new AuditError('invalid --url: no host');
  const port = url.port ? Number(url.port) : 6379;
  const dbText = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw new AuditError(`invalid --url: database '${dbText}' is not a number`);
  const db = dbText === '' ? 0 : Number(dbText);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const masked = new URL(url.href);
  if (masked.password) masked.password = '***';
  return {
    // URL keeps IPv6 literals in brackets; net.connect wants them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    username,
    password,
    db,
    tls: url.protocol === 'rediss:',
    display: masked.href.replace(/\/$/, ''),
  };
}

export interface ConnectOptions {
  /** Connect, handshake and per-round-trip deadline, in milliseconds. */
  timeoutMs: number;
  /** PEM CA bundle for rediss:// (otherwise Node's default trust store). */
  tlsCa?: string;
}

/** Turns a connection failure into a one-line AuditError naming the server. */
export function describeConnectionError(error: unknown, where: string, timeoutMs: number): AuditError {
  if (error instanceof AuditError) return error;
  const err = error as NodeJS.ErrnoException & { message?: string };
  const code = err?.code ?? '';
  const message = String(err?.message ?? error).split('\n')[0];
  if (code === 'ECONNREFUSED') return new AuditError(`cannot connect to ${where}: connection refused`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AuditError(`cannot connect to ${where}: host not found`);
  if (code === 'ETIMEDOUT') {
    if (where.startsWith('rediss:')) return new AuditError(`TLS handshake with ${where} failed: no TLS answer within ${timeoutMs} ms (is this a TLS port?)`);
    return new AuditError(`cannot connect to ${where}: no answer within ${timeoutMs} ms`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new AuditError(`cannot connect to ${where}: host unreachable`);
  if (/^(WRONGPASS|NOAUTH)\b/.test(message) || /invalid password|invalid username-password/i.test(message)) {
    return new AuditError(`authentication failed for ${where}: ${message}`);
  }
  if (/^NOPERM\b/.test(message)) return new AuditError(`permission denied on ${where}: ${message}`);
  if (/SELECT is not allowed in cluster mode/i.test(message)) return new AuditError(`${where}: Redis Cluster has only database 0`);
  if (isTlsError(code, message)) return new AuditError(`TLS handshake with ${where} failed: ${message}`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new AuditError(`connection to ${where} was reset: ${message}`);
  return new AuditError(`${where}: ${message}`);
}

function isTlsError(code: string, message: string): boolean {
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) ||
    /\b(SSL|TLS)\b|certificate|wrong version number/i.test(message)
  );
}

/**
 * Resolves `promise`, or rejects with `onTimeout()` after `ms`, and only then runs `cleanup`
 * (which may reject `promise` too: the timeout error must win the race).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, cleanup?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
      cleanup?.();
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// A read-only connection to one node

export class ReadOnlyConnection {
  /** host:port */
  readonly address: string;

  private constructor(
    private readonly socket: RespSocket,
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs: number,
    private readonly where: string,
  ) {
    this.address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Connects, authenticates and selects `db`, all within the timeout. */
  static async open(target: RedisTarget, options: ConnectOptions, node?: { host: string; port: number }): Promise<ReadOnlyConnection> {
    const host = node?.host ?? target.host;
    const port = node?.port ?? target.port;
    const where = node ? `${target.tls ? 'rediss' : 'redis'}://${host.includes(':') ? `[${host}]` : host}:${port}` : target.display;
    let tlsOptions: ConnectionOptions | undefined;
    if (target.tls) {
      // Cluster nodes are announced by IP; their certificate is usually issued for the seed's name.
      const servername = isIp(target.host) ? undefined : target.host;
      tlsOptions = { ...(options.tlsCa ? { ca: options.tlsCa } : {}), ...(servername ? { servername } : {}) };
    }
    const socket = new RespSocket({ host, port, tls: tlsOptions, check: assertReadOnly });
    const connection = new ReadOnlyConnection(socket, host, port, options.timeoutMs, where);
    try {
      await connection.deadline(socket.connected, () =>
        target.tls
          ? `TLS handshake with ${where} failed: no TLS answer within ${options.timeoutMs} ms (is this a TLS port?)`
          : `cannot connect to ${where}: no answer within ${options.timeoutMs} ms`,
      );
      const handshake: RespArg[][] = [];
      if (target.password !== undefined) handshake.push(target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password]);
      if (target.db !== 0) handshake.push(['SELECT', String(target.db)]);
      // Labels the connection in CLIENT LIST; refused by some ACLs, which is fine.
      handshake.push(['CLIENT', 'SETNAME', 'keydrift-audit']);
      const replies = await connection.deadline(socket.send(handshake), () => `no answer from ${where} within ${options.timeoutMs} ms`);
      replies.slice(0, -1).forEach((reply) => {
        if (reply instanceof RespError) throw reply;
      });
    } catch (error) {
      connection.close();
      throw connection.failure(error);
    }
    return connection;
  }

  /** Sends one allowed command; an error reply is thrown as an AuditError. */
  async call(...command: RespArg[]): Promise<RespValue> {
    let reply: RespValue;
    try {
      [reply] = await this.deadline(this.socket.send([command]), () => `no reply from ${this.where} to ${String(command[0]).toUpperCase()} within ${this.timeoutMs} ms`);
    } catch (error) {
      throw this.failure(error);
    }
    if (reply instanceof RespError) throw this.failure(reply);
    return reply;
  }

  /** Sends the commands in one write and waits for every reply (one deadline for the round trip). */
  async batch(commands: RespArg[][], what: string): Promise<RespValue[]> {
    try {
      return await this.deadline(this.socket.send(commands), () => `no reply from ${this.where} to ${what} within ${this.timeoutMs} ms`);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** A one-line error for a failed call. */
  failure(error: unknown): AuditError {
    if (error instanceof AuditError) return error;
    if (error instanceof ForbiddenCommandError) return new AuditError(error.message);
    return describeConnectionError(error, this.where, this.timeoutMs);
  }

  close(): void {
    this.socket.close();
  }

  private deadline<T>(promise: Promise<T>, message: () => string): Promise<T> {
    return withDeadline(promise, this.timeoutMs, () => new AuditError(message()), () => this.close());
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

// ---------------------------------------------------------------------------------------------
// Topology

export interface ClusterNodeAddress {
  host: string;
  port: number;
  myself: boolean;
}

/** Masters from CLUSTER NODES output (failed or address-less nodes left out). */
export function parseClusterMasters(text: string): ClusterNodeAddress[] {
  const out: ClusterNodeAddress[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    const flags = fields[2].split(',');
    if (!flags.includes('master') || flags.some((f) => f === 'fail' || f === 'noaddr' || f === 'handshake')) continue;
    // ip:port@cport[,hostname]
    const [addressPart, hostname] = fields[1].split(',');
    const address = addressPart.split('@')[0];
    const colon = address.lastIndexOf(':');
    let host = address.slice(0, colon);
    const port = Number(address.slice(colon + 1));
    if (!host && hostname) host = hostname;
    if (!host || !Number.isInteger(port) || port <= 0) continue;
    out.push({ host, port, myself: flags.includes('myself') });
  }
  return out;
}

/** Parses `INFO` text into a field map (`cluster_enabled` → `1`). */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) map.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return map;
}

/** The number of keys in `db` according to `INFO keyspace`, or null. */
export function keyspaceSize(info: Map<string, string>, db: number): number | null {
  const entry = info.get(`db${db}`);
  if (entry === undefined) return info.size > 0 ? 0 : null;
  const match = /(?:^|,)keys=(\d+)/.exec(entry);
  return match ? Number(match[1]) : null;
}

// ---------------------------------------------------------------------------------------------
// The SCAN loop

export interface ScanOptions {
  match: string;
  count: number;
  /** Whether to ask MEMORY USAGE at all. */
  memory: boolean;
}

/** What the scan loop calls for every key. `S` is whatever `classify` wants to carry along. */
export interface KeySink<S> {
  /** Called once per key, while its TYPE and PTTL are on their way. */
  classify(key: Buffer): S;
  /** Whether this key should also get MEMORY USAGE (called right after classify). */
  wantsMemory(slot: S): boolean;
  /** The key's TYPE and PTTL (`none` / -2 when it vanished in between). */
  record(slot: S, type: string, pttlMs: number): void;
  /** MEMORY USAGE of a sampled key, in bytes (not called when the key vanished). */
  recordMemory(slot: S, bytes: number): void;
}

/** Paces the audit to `rate` keys per second over its whole run. */
export class Throttle {
  private readonly start = performance.now();
  private done = 0;

  constructor(private readonly rate: number) {}

  async after(keys: number): Promise<void> {
    if (this.rate <= 0) return;
    this.done += keys;
    const due = this.start + (this.done / this.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Walks one node's keyspace; resolves to the number of keys SCAN returned.
 *
 * Round trip k carries SCAN for the next cursor, TYPE and PTTL for the keys of the previous SCAN
 * reply, and MEMORY USAGE for the sampled keys of the batch before that. Classifying a batch
 * (template matching, orphan grouping) happens while its TYPE/PTTL round trip is in flight, so
 * the audit's own work overlaps the server's.
 */
export async function scanNode<S>(connection: ReadOnlyConnection, options: ScanOptions, sink: KeySink<S>, throttle: Throttle): Promise<number> {
  const count = String(options.count);
  let scanned = 0;
  let cursor = '0';
  let first = true;
  /** Keys from the last SCAN reply: their TYPE/PTTL go out in the next round trip. */
  let keys: Buffer[] = [];
  /** Sampled keys (and their slots) whose MEMORY USAGE goes out in the next round trip. */
  let memoryKeys: Buffer[] = [];
  let memorySlots: S[] = [];

  while (first || cursor !== '0' || keys.length > 0 || memoryKeys.length > 0) {
    const wantScan = first || cursor !== '0';
    const batch = keys;
    const commands: RespArg[][] = [];
    if (wantScan) commands.push(['SCAN', cursor, 'MATCH', options.match, 'COUNT', count]);
    for (const key of batch) commands.push(['TYPE', key], ['PTTL', key]);
    for (const key of memoryKeys) commands.push(['MEMORY', 'USAGE', key]);
    const inFlight = connection.batch(commands, wantScan ? 'SCAN' : 'TYPE/PTTL');

    // While the server works: classify this batch and pick its memory sample.
    const slots: S[] = new Array<S>(batch.length);
    const nextMemoryKeys: Buffer[] = [];
    const nextMemorySlots: S[] = [];
    for (let i = 0; i < batch.length; i++) {
      const slot = sink.classify(batch[i]);
      slots[i] = slot;
      if (options.memory && sink.wantsMemory(slot)) {
        nextMemoryKeys.push(batch[i]);
        nextMemorySlots.push(slot);
      }
    }

    const replies = await inFlight;
    let at = 0;
    let nextKeys: Buffer[] = [];
    if (wantScan) {
      const reply = replies[at++];
      if (reply instanceof RespError) throw connection.failure(reply);
      const [nextCursor, found] = reply as [Buffer, Buffer[]];
      cursor = nextCursor.toString();
      nextKeys = found;
    }
    for (let i = 0; i < batch.length; i++) {
      const type = replies[at++];
      const pttl = replies[at++];
      const error = type instanceof RespError ? type : pttl instanceof RespError ? pttl : null;
      if (error) {
        // The slot moved to another node mid-scan: the key is counted there, not here.
        if (MOVED.test(error.message)) continue;
        throw connection.failure(error);
      }
      sink.record(slots[i], type as string, pttl as number);
    }
    for (let i = 0; i < memoryKeys.length; i++) {
      const bytes = replies[at++];
      if (bytes instanceof RespError) {
        if (!MOVED.test(bytes.message)) throw memoryError(bytes, connection);
      } else if (bytes !== null) sink.recordMemory(memorySlots[i], Number(bytes));
    }

    scanned += batch.length;
    first = false;
    keys = nextKeys;
    memoryKeys = nextMemoryKeys;
    memorySlots = nextMemorySlots;
    if (batch.length > 0) await throttle.after(batch.length);
  }
  return scanned;
}

const MOVED = /^(MOVED|ASK)\b/;

function memoryError(error: Error, connection: ReadOnlyConnection): AuditError {
  // Redis quotes the arguments ("with args beginning with: 'USAGE' 'key'"): keep key names out.
  const message = error.message.split('\n')[0].replace(/,? with args beginning with:.*$/, '');
  return new AuditError(
    `${connection.address} refused MEMORY USAGE (${message}); run with --sample 0 to audit without memory estimates`,
  );
}

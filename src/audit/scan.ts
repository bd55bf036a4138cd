/**
 * Connections for `keydrift audit`, read-only by construction, and the SCAN loop.
 *
 * Every command an audit connection sends, including the ones ioredis sends on its own while
 * connecting (AUTH, SELECT, CLIENT SETNAME, INFO for the ready check), passes through
 * `sendCommand`, which is replaced on each client by a check against READ_ONLY_COMMANDS. A
 * command outside that list is rejected in the process and never reaches the socket. KEYS is not
 * on the list.
 *
 * The keyspace is walked with `SCAN cursor MATCH pattern COUNT n`. Each round trip is one
 * pipeline: the SCAN for the next cursor, then TYPE and PTTL for every key of the previous SCAN
 * reply, then MEMORY USAGE for the keys picked for the memory sample. Only one batch of keys is
 * held at a time, so memory does not grow with the keyspace.
 */
import { Redis, type Command, type RedisOptions } from 'ioredis';

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
  ['hello', null],
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

/** Replaces `client.sendCommand` with one that rejects every command outside the allow-list. */
export function guardReadOnly(client: Redis): Redis {
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Command, stream?: unknown) => {
    if (!isReadOnlyCommand(command.name, command.args)) {
      const name = command.name + (READ_ONLY_COMMANDS.get(command.name.toLowerCase()) ? ` ${String(command.args[0] ?? '')}` : '');
      command.reject(new ForbiddenCommandError(name));
      return command.promise;
    }
    return (send as (c: Command, s?: unknown) => unknown)(command, stream);
  }) as typeof client.sendCommand;
  return client;
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
  if (code === 'ETIMEDOUT') return new AuditError(`cannot connect to ${where}: no answer within ${timeoutMs} ms`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new AuditError(`cannot connect to ${where}: host unreachable`);
  if (/^(WRONGPASS|NOAUTH)\b/.test(message) || /invalid password|invalid username-password/i.test(message)) {
    return new AuditError(`authentication failed for ${where}: ${message}`);
  }
  if (/^NOPERM\b/.test(message)) return new AuditError(`permission denied on ${where}: ${message}`);
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

/** Resolves `promise`, or rejects with `onTimeout()` after `ms` (the timer never keeps Node alive). */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// A read-only connection to one node

export type PipelineReply = [Error | null, unknown][];

export class ReadOnlyConnection {
  /** host:port */
  readonly address: string;
  private lastError: unknown;
  private closed = false;

  private constructor(
    private readonly client: Redis,
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs: number,
    private readonly where: string,
  ) {
    this.address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    // Without a listener ioredis prints "Unhandled error event"; the error is reported by the
    // failing call instead.
    client.on('error', (error: unknown) => {
      this.lastError ??= error;
    });
  }

  /** Connects, authenticates and selects `db`, all within the timeout. */
  static async open(target: RedisTarget, options: ConnectOptions, node?: { host: string; port: number }): Promise<ReadOnlyConnection> {
    const host = node?.host ?? target.host;
    const port = node?.port ?? target.port;
    const where = node ? `${target.tls ? 'rediss' : 'redis'}://${host.includes(':') ? `[${host}]` : host}:${port}` : target.display;
    const redisOptions: RedisOptions = {
      host,
      port,
      username: target.username,
      password: target.password,
      // SELECT is sent below, after the handshake: ioredis would only emit a failed SELECT as
      // an event and carry on in db 0.
      db: 0,
      protocol: 2,
      lazyConnect: true,
      connectTimeout: options.timeoutMs,
      enableOfflineQueue: false,
      enableReadyCheck: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      autoResubscribe: false,
      connectionName: 'keydrift-audit',
      disableClientInfo: true,
    };
    if (target.tls) {
      redisOptions.tls = { ...(options.tlsCa ? { ca: options.tlsCa } : {}), ...(node ? { servername: isIp(target.host) ? undefined : target.host } : {}) };
    }
    const client = guardReadOnly(new Redis(redisOptions));
    const connection = new ReadOnlyConnection(client, host, port, options.timeoutMs, where);
    try {
      await connection.deadline(client.connect(), `no answer from ${where} within ${options.timeoutMs} ms`);
      if (target.db !== 0) await connection.call('select', String(target.db));
    } catch (error) {
      connection.close();
      throw connection.failure(error);
    }
    return connection;
  }

  /** Sends one allowed command. */
  async call(name: string, ...args: (string | Buffer | number)[]): Promise<unknown> {
    try {
      return await this.deadline(this.client.call(name, ...args), `no reply from ${this.where} to ${name.toUpperCase()} within ${this.timeoutMs} ms`);
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Sends a pipeline built by `build` and waits for every reply (one deadline for the whole
   * round trip). Per-command errors come back in the result, in order.
   */
  async pipeline(build: (pipeline: ReturnType<Redis['pipeline']>) => void, what: string): Promise<PipelineReply> {
    const pipeline = this.client.pipeline();
    build(pipeline);
    try {
      const replies = await this.deadline(pipeline.exec(), `no reply from ${this.where} to ${what} within ${this.timeoutMs} ms`);
      if (!replies) throw new AuditError(`${this.where}: pipeline was discarded`);
      return replies as PipelineReply;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** A one-line error for a failed call, preferring the socket error ioredis emitted. */
  failure(error: unknown): AuditError {
    if (error instanceof AuditError) return error;
    if (error instanceof ForbiddenCommandError) return new AuditError(error.message);
    const message = (error as Error)?.message ?? '';
    const generic = /Connection is closed|Stream isn't writeable|Reached the max retries/i.test(message);
    return describeConnectionError(generic && this.lastError ? this.lastError : error, this.where, this.timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.disconnect(false);
  }

  private deadline<T>(promise: Promise<T>, message: string): Promise<T> {
    return withDeadline(promise, this.timeoutMs, () => {
      this.close();
      return new AuditError(message);
    });
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
  /** Keys per second across the whole audit; 0 = unthrottled. */
  rate: number;
  /** Whether to ask MEMORY USAGE at all. */
  memory: boolean;
}

/** What the scan loop calls for every key. `S` is whatever `classify` wants to carry along. */
export interface KeySink<S> {
  /** Called once per key, as soon as SCAN returns it. */
  classify(key: Buffer): S;
  /** Whether this key should also get MEMORY USAGE (called right after classify). */
  wantsMemory(slot: S): boolean;
  /**
   * The key's TYPE and PTTL (`none` / -2 when it vanished in between), and its MEMORY USAGE
   * in bytes when it was sampled (null if the key vanished), else undefined.
   */
  record(slot: S, type: string, pttlMs: number, memoryBytes: number | null | undefined): void;
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

/** Walks one node's keyspace; resolves to the number of keys SCAN returned. */
export async function scanNode<S>(connection: ReadOnlyConnection, options: ScanOptions, sink: KeySink<S>, throttle: Throttle): Promise<number> {
  const count = String(options.count);
  let scanned = 0;
  let cursor = '0';
  let keys: Buffer[] = [];
  let first = true;
  const slots: S[] = [];
  const sampled: boolean[] = [];

  while (first || keys.length > 0 || cursor !== '0') {
    const wantScan = first || cursor !== '0';
    slots.length = 0;
    sampled.length = 0;
    for (const key of keys) {
      const slot = sink.classify(key);
      slots.push(slot);
      sampled.push(options.memory && sink.wantsMemory(slot));
    }
    const batch = keys;
    const replies = await connection.pipeline((p) => {
      if (wantScan) p.scanBuffer(cursor, 'MATCH', options.match, 'COUNT', count);
      for (const key of batch) p.type(key).pttl(key);
      for (let i = 0; i < batch.length; i++) if (sampled[i]) p.memory('USAGE', batch[i]);
    }, wantScan ? 'SCAN' : 'TYPE/PTTL');

    let at = 0;
    let nextKeys: Buffer[] = [];
    if (wantScan) {
      const [error, reply] = replies[at++];
      if (error) throw connection.failure(error);
      const [nextCursor, found] = reply as [Buffer, Buffer[]];
      cursor = nextCursor.toString();
      nextKeys = found;
    }
    let memAt = at + batch.length * 2;
    for (let i = 0; i < batch.length; i++) {
      const [typeError, type] = replies[at++];
      const [pttlError, pttl] = replies[at++];
      let memory: number | null | undefined;
      if (sampled[i]) {
        const [memError, bytes] = replies[memAt++];
        if (memError && !/^(MOVED|ASK)\b/.test(memError.message)) throw memoryError(memError, connection);
        memory = memError ? undefined : bytes === null ? null : Number(bytes);
      }
      const error = typeError ?? pttlError;
      if (error) {
        // The slot moved to another node mid-scan: the key is counted there, not here.
        if (/^(MOVED|ASK)\b/.test(error.message)) continue;
        throw connection.failure(error);
      }
      sink.record(slots[i], String(type), Number(pttl), memory);
    }
    scanned += batch.length;
    first = false;
    keys = nextKeys;
    if (batch.length > 0) await throttle.after(batch.length);
  }
  return scanned;
}

function memoryError(error: Error, connection: ReadOnlyConnection): AuditError {
  const message = error.message.split('\n')[0];
  return new AuditError(
    `${connection.address} refused MEMORY USAGE (${message}); run with --sample 0 to audit without memory estimates`,
  );
}

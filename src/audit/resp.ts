/**
 * A minimal RESP2 client for the audit's hot loop: one socket (TCP or TLS), batches of commands
 * written as one buffer, replies parsed in a streaming fashion. A general client (ioredis) costs a
 * Command object, a promise and a buffer per command, which made TYPE+PTTL of every key several
 * times slower than the SCAN walk itself; here a batch costs one buffer and one promise.
 *
 * Every command is checked by `check` (the audit's read-only allow-list) before it is encoded:
 * there is no other way to put bytes on the socket.
 */
import net from 'node:net';
import tls from 'node:tls';

/** An error reply (`-ERR …`, `-WRONGPASS …`): returned in place, not thrown. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

export type RespValue = string | number | Buffer | null | RespError | RespValue[];
export type RespArg = string | Buffer;

export interface RespSocketOptions {
  host: string;
  port: number;
  tls?: tls.ConnectionOptions;
  /** Every command (name first) passes through this before it is encoded; it throws to refuse one. */
  check: (command: readonly RespArg[]) => void;
}

interface Pending {
  expected: number;
  replies: RespValue[];
  resolve: (replies: RespValue[]) => void;
  reject: (error: Error) => void;
}

const CRLF = 0x0d;

export class RespSocket {
  private readonly socket: net.Socket;
  private readonly pending: Pending[] = [];
  private buffer: Buffer | null = null;
  private failure: Error | null = null;
  /** Resolves once the TCP (and TLS) connection is up; rejects on a socket error before that. */
  readonly connected: Promise<void>;
  /** True once the TCP (or TLS) connection is established. */
  isConnected = false;

  constructor(private readonly options: RespSocketOptions) {
    const socket = options.tls
      ? tls.connect({ ...options.tls, host: options.host, port: options.port })
      : net.connect({ host: options.host, port: options.port });
    this.socket = socket;
    socket.setNoDelay(true);
    this.connected = new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        this.isConnected = true;
        resolve();
      });
      socket.once('error', reject);
    });
    // Handled by whoever awaits `connected` or a batch; this keeps Node from reporting it twice.
    this.connected.catch(() => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('Connection closed by the server')));
  }

  /** Sends the commands as one write; resolves to their replies, in order. */
  send(commands: readonly (readonly RespArg[])[]): Promise<RespValue[]> {
    try {
      for (const command of commands) this.options.check(command);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (commands.length === 0) return Promise.resolve([]);
    const promise = new Promise<RespValue[]>((resolve, reject) => {
      this.pending.push({ expected: commands.length, replies: [], resolve, reject });
    });
    this.socket.write(encode(commands));
    return promise;
  }

  close(): void {
    this.fail(new Error('Connection closed'));
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    let buf = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const head = this.pending[0];
      if (!head) {
        // A reply nobody asked for: the stream is out of step; stop trusting it.
        if (offset < buf.length) this.fail(new Error('unexpected reply from the server'));
        this.buffer = null;
        return;
      }
      let parsed: ReturnType<typeof parse>;
      try {
        parsed = parse(buf, offset);
      } catch (error) {
        this.fail(error as Error);
        this.socket.destroy();
        this.buffer = null;
        return;
      }
      if (!parsed) break;
      offset = parsed.next;
      head.replies.push(parsed.value);
      if (head.replies.length === head.expected) {
        this.pending.shift();
        head.resolve(head.replies);
      }
      if (offset >= buf.length) break;
    }
    this.buffer = offset >= buf.length ? null : buf.subarray(offset);
    buf = chunk; // let the concatenation go
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function encode(commands: readonly (readonly RespArg[])[]): Buffer {
  let size = 0;
  for (const command of commands) {
    size += 1 + digits(command.length) + 2;
    for (const arg of command) {
      const length = typeof arg === 'string' ? Buffer.byteLength(arg) : arg.length;
      size += 1 + digits(length) + 2 + length + 2;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const command of commands) {
    at += out.write(`*${command.length}\r\n`, at, 'latin1');
    for (const arg of command) {
      if (typeof arg === 'string') {
        const length = Buffer.byteLength(arg);
        at += out.write(`$${length}\r\n`, at, 'latin1');
        at += out.write(arg, at, 'utf8');
      } else {
        at += out.write(`$${arg.length}\r\n`, at, 'latin1');
        at += arg.copy(out, at);
      }
      out[at++] = 0x0d;
      out[at++] = 0x0a;
    }
  }
  if (at !== size) throw new Error(`RESP encoder: wrote ${at} bytes, expected ${size}`);
  return out;
}

function digits(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : String(n).length;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** One reply starting at `offset`, or null when the buffer ends before it does. */
export function parse(buf: Buffer, offset: number): { value: RespValue; next: number } | null {
  if (offset >= buf.length) return null;
  const type = buf[offset];
  const lineEnd = buf.indexOf(CRLF, offset + 1);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) return null;
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // '+'
      return { value: buf.toString('utf8', offset + 1, lineEnd), next };
    case 0x2d: // '-'
      return { value: new RespError(buf.toString('utf8', offset + 1, lineEnd)), next };
    case 0x3a: // ':'
      return { value: readInt(buf, offset + 1, lineEnd), next };
    case 0x24: {
      // '$'
      const length = readInt(buf, offset + 1, lineEnd);
      if (length < 0) return { value: null, next };
      if (next + length + 2 > buf.length) return null;
      return { value: buf.subarray(next, next + length), next: next + length + 2 };
    }
    case 0x2a: {
      // '*'
      const count = readInt(buf, offset + 1, lineEnd);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = new Array<RespValue>(count);
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, at);
        if (!item) return null;
        items[i] = item.value;
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new Error(`unexpected RESP type byte 0x${type.toString(16)}`);
  }
}

function readInt(buf: Buffer, start: number, end: number): number {
  let negative = false;
  let i = start;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
  }
  let n = 0;
  for (; i < end; i++) n = n * 10 + (buf[i] - 0x30);
  return negative ? -n : n;
}

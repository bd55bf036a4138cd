/**
 * Real redis-server processes for the audit tests: each on 127.0.0.1, a free port, a temp dir,
 * no persistence (`--save '' --appendonly no`), in the foreground (`--daemonize no`) as a child
 * of the test process, and stopped (SIGTERM, then SIGKILL) by `stop()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:port, or rediss://… for a TLS server. */
  url: string;
  /** For a TLS server: the self-signed certificate, to pass as --tls-ca. */
  caFile?: string;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface RedisCluster {
  ports: number[];
  /** Seed URL (the first node). */
  url: string;
  servers: RedisServer[];
  stop(): Promise<void>;
}

/** Whether redis-server is installed (the audit tests are skipped otherwise, loudly). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function hasRedisCli(): boolean {
  return spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port that is free now on 127.0.0.1 (and, with `clusterBus`, port + 10000 too). */
export async function freePort(clusterBus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenAndClose(0);
    if (!clusterBus) return port;
    if (port + 10_000 > 65_535) continue;
    try {
      await listenAndClose(port + 10_000);
      return port;
    } catch {
      // bus port taken: try another
    }
  }
  throw new Error('no free port pair found');
}

function listenAndClose(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as { port: number };
      server.close(() => resolve(actual));
    });
  });
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Writes a self-signed certificate for 127.0.0.1 / localhost into `dir`. */
function writeSelfSignedCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

/**
 * Starts redis-server; `args` are extra config lines as CLI arguments (`['--requirepass', 'x']`).
 * With `tls`, the server listens only for TLS on its port, with a fresh self-signed certificate.
 */
export async function startRedis(args: string[] = [], options: { clusterBus?: boolean; tls?: boolean } = {}): Promise<RedisServer> {
  let lastError: unknown;
  // A port can be taken between freePort() and the server's bind: retry on another one.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(options.clusterBus);
    const dir = mkdtempSync(path.join(tmpdir(), 'keydrift-redis-'));
    try {
      if (!options.tls) return await spawnRedis(port, dir, args);
      const { cert, key } = writeSelfSignedCert(dir);
      const tlsArgs = ['--port', '0', '--tls-port', String(port), '--tls-cert-file', cert, '--tls-key-file', key, '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no'];
      const server = await spawnRedis(port, dir, [...tlsArgs, ...args]);
      return { ...server, url: `rediss://127.0.0.1:${port}`, caFile: cert };
    } catch (error) {
      lastError = error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

function spawnRedis(port: number, dir: string, args: string[]): Promise<RedisServer> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--logfile', '', ...args],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`redis-server on port ${port} did not start within 10 s:\n${output}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ port, url: `redis://127.0.0.1:${port}`, dir, process: child, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

/** Three masters (no replicas), slots assigned by `redis-cli --cluster create`. */
export async function startCluster(size = 3): Promise<RedisCluster> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < size; i++) {
      servers.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'], { clusterBus: true }));
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}\n${create.stderr}`);
    await waitForClusterOk(servers.map((s) => s.port));
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
  return {
    ports: servers.map((s) => s.port),
    url: servers[0].url,
    servers,
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}

async function waitForClusterOk(ports: number[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = ports.every((port) => {
      const r = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8', timeout: 5000 });
      return r.stdout?.includes('cluster_state:ok');
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('cluster did not reach cluster_state:ok within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: what an overloaded or
 * firewalled-after-accept server looks like to a client.
 */
export async function startSilentServer(): Promise<{ port: number; url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and discard
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

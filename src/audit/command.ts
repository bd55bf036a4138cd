/**
 * The `keydrift audit` subcommand: check a live Redis against the key registry.
 * Exit codes: 0 nothing the registry forbids, 1 problems found, 2 usage, registry, connection,
 * authentication, TLS, timeout or permission errors (one line on stderr).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliIo } from '../cli.js';
import { findRegistry, loadRegistry, REGISTRY_FILE_NAME, RegistryError } from '../registry/load.js';
import type { Registry } from '../registry/types.js';
import { audit, AUDIT_DEFAULTS } from './audit.js';
import { AUDIT_FORMATS, formatAudit, type AuditFormat } from './format.js';
import { AuditError } from './scan.js';

export interface AuditCliOptions {
  url?: string;
  registry?: string | false;
  match: string;
  count: number;
  sample: number;
  rate: number;
  timeout: number;
  tlsCa?: string;
  failOnOrphans?: boolean;
  format: AuditFormat;
  output?: string;
}

const EXIT_OK = 0;
const EXIT_PROBLEMS = 1;
const EXIT_ERROR = 2;

function integer(min: number, what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new InvalidArgumentError(`${what} must be an integer >= ${min}`);
    return Number(value);
  };
}

export function createAuditCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  // addCommand() does not copy the parent's settings: this command routes its own output and
  // throws (instead of calling process.exit) on usage errors, like the rest of the CLI.
  return new Command('audit')
    .description('check a live Redis against the key registry: families, missing TTLs, deprecated keys, orphans (read-only)')
    .option('-u, --url <url>', 'redis://[user:password@]host[:port][/db] or rediss://… (default: $REDIS_URL)')
    .option('-r, --registry <file>', `key registry (default: ./${REGISTRY_FILE_NAME} when present)`)
    .option('--no-registry', 'no registry: report every key as an orphan group')
    .option('-m, --match <pattern>', 'only keys matching this SCAN MATCH glob', AUDIT_DEFAULTS.match)
    .option('--count <n>', 'SCAN COUNT: keys per round trip', integer(1, '--count'), AUDIT_DEFAULTS.count)
    .option('--sample <n>', 'MEMORY USAGE on up to n keys per family or group (0: no memory estimates)', integer(0, '--sample'), AUDIT_DEFAULTS.sample)
    .option('--rate <n>', 'at most n keys per second (0: unthrottled)', integer(0, '--rate'), AUDIT_DEFAULTS.rate)
    .option('--timeout <ms>', 'connect and per-round-trip timeout in milliseconds', integer(1, '--timeout'), AUDIT_DEFAULTS.timeoutMs)
    .option('--tls-ca <file>', 'PEM CA certificate(s) to trust for rediss://')
    .option('--fail-on-orphans', 'exit 1 when keys match no registry template')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...AUDIT_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError()
    .action(async (options: AuditCliOptions) => {
      setExitCode(await runAudit(options, io));
    });
}

/** Runs an audit from parsed CLI options; resolves to the exit code. */
export async function runAudit(options: AuditCliOptions, io: CliIo): Promise<number> {
  try {
    const url = options.url ?? process.env.REDIS_URL;
    if (!url) throw new AuditError('no server: pass --url redis://host:port (or set REDIS_URL)');
    const registry = readRegistry(options.registry, io.cwd);
    let tlsCa: string | undefined;
    if (options.tlsCa) {
      try {
        tlsCa = readFileSync(path.resolve(io.cwd, options.tlsCa), 'utf8');
      } catch (error) {
        throw new AuditError(`cannot read --tls-ca ${options.tlsCa}: ${(error as Error).message}`);
      }
    }
    const report = await audit({
      url,
      registry,
      match: options.match,
      count: options.count,
      sample: options.sample,
      rate: options.rate,
      timeoutMs: options.timeout,
      tlsCa,
      failOnOrphans: options.failOnOrphans,
    });
    if (registry) report.registry = path.relative(io.cwd, registry.file).split(path.sep).join('/') || registry.file;
    const text = formatAudit(report, options.format);
    if (options.output) writeFileSync(path.resolve(io.cwd, options.output), text);
    else io.stdout(text);
    return report.ok ? EXIT_OK : EXIT_PROBLEMS;
  } catch (error) {
    if (error instanceof AuditError || error instanceof RegistryError) {
      io.stderr(`keydrift audit: ${error.message}\n`);
      return EXIT_ERROR;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    io.stderr(`keydrift audit: ${err.message.split('\n')[0]}\n`);
    if (process.env.KEYDRIFT_DEBUG) io.stderr(`${err.stack ?? ''}\n`);
    return EXIT_ERROR;
  }
}

function readRegistry(option: string | false | undefined, cwd: string): Registry | null {
  if (option === false) return null;
  if (typeof option === 'string') return loadRegistry(path.resolve(cwd, option));
  const found = findRegistry(cwd);
  return found ? loadRegistry(found) : null;
}

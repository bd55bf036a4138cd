/**
 * The `keydrift` command. The only module that reads argv, prints, or sets the exit code:
 * 0 no error-level finding, 1 error-level findings, 2 usage or configuration errors.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { analyze } from './analyze/analyze.js';
import { renderInitialRegistry, writeInitialRegistry } from './registry/init.js';
import { REGISTRY_FILE_NAME, RegistryError } from './registry/load.js';
import { FORMATS, reporters, type Format } from './reporters/index.js';
import { VERSION } from './version.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

interface AnalyzeCliOptions {
  project?: string;
  registry?: string | false;
  format: Format;
  output?: string;
  types: boolean;
  color?: boolean;
}

interface InitCliOptions {
  project?: string;
  registry: string;
  force?: boolean;
  types: boolean;
}

/** Runs the CLI; resolves to the exit code. `io` is injectable for tests. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command()
    .name('keydrift')
    .description('Find Redis cache keys that drift apart between read and invalidation paths.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError();

  program
    .command('analyze')
    .description('analyse a project: every Redis call site, its key template, and cross-file findings')
    .argument('[paths...]', 'files or folders to analyse (default: the whole project)')
    .option('-p, --project <tsconfig>', 'tsconfig.json to load (default: ./tsconfig.json)')
    .option('-r, --registry <file>', `key registry (default: ./${REGISTRY_FILE_NAME} when present)`)
    .option('--no-registry', 'ignore any key registry')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--types', 'use type information to recognise clients (default)', true)
    .option('--no-types', 'syntax and data flow only: faster, no type checker')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'no colour in text output')
    .action((paths: string[], options: AnalyzeCliOptions) => {
      exitCode = runAnalyze(paths, options, io);
    });

  program
    .command('init')
    .description(`write a first ${REGISTRY_FILE_NAME} from the key templates the analyzer finds`)
    .argument('[paths...]', 'files or folders to analyse (default: the whole project)')
    .option('-p, --project <tsconfig>', 'tsconfig.json to load (default: ./tsconfig.json)')
    .option('-r, --registry <file>', 'where to write the registry', REGISTRY_FILE_NAME)
    .option('--force', 'overwrite an existing registry')
    .option('--no-types', 'syntax and data flow only')
    .action((paths: string[], options: InitCliOptions) => {
      exitCode = runInit(paths, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

function runAnalyze(paths: string[], options: AnalyzeCliOptions, io: CliIo): number {
  try {
    const { result } = analyze({ cwd: io.cwd, paths, tsconfig: options.project, registry: options.registry, types: options.types });
    const color = options.output ? false : (options.color ?? io.isTTY);
    const report = reporters[options.format](result, { color });
    if (options.output) writeFileSync(path.resolve(io.cwd, options.output), report);
    else io.stdout(report);
    for (const finding of result.findings) {
      if (finding.rule === 'parse-error' && options.format !== 'text') io.stderr(`keydrift: ${finding.file}:${finding.line}:${finding.column}: ${finding.message}\n`);
    }
    return result.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    return configurationError(error, io);
  }
}

function runInit(paths: string[], options: InitCliOptions, io: CliIo): number {
  try {
    const { result } = analyze({ cwd: io.cwd, paths, tsconfig: options.project, registry: false, types: options.types });
    const ttlSeconds = new Map<string, number>();
    for (const site of result.callSites) {
      if (!site.ttl || !('seconds' in site.ttl)) continue;
      for (const key of site.keys) {
        if (key.template) ttlSeconds.set(key.template, Math.max(ttlSeconds.get(key.template) ?? 0, site.ttl.seconds));
      }
    }
    const text = renderInitialRegistry(result.templates, { ttlSeconds });
    const target = path.resolve(io.cwd, options.registry);
    writeInitialRegistry(target, text, options.force ?? false);
    io.stdout(`wrote ${path.relative(io.cwd, target) || target} with ${result.templates.length} key famil${result.templates.length === 1 ? 'y' : 'ies'}\n`);
    return EXIT_OK;
  } catch (error) {
    return configurationError(error, io);
  }
}

function configurationError(error: unknown, io: CliIo): number {
  if (error instanceof RegistryError) {
    io.stderr(`keydrift: ${error.message}\n`);
    return EXIT_USAGE;
  }
  // Anything else (an unreadable file, a refused overwrite, an internal failure) is not a
  // finding either: one line, exit 2, the stack only when asked for.
  const err = error instanceof Error ? error : new Error(String(error));
  io.stderr(`keydrift: ${err.message}\n`);
  if (process.env.KEYDRIFT_DEBUG) io.stderr(`${err.stack ?? ''}\n`);
  return EXIT_USAGE;
}

export interface CliIo {
  cwd: string;
  isTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  };
}

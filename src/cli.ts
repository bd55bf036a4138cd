/**
 * The `keydrift` command. The only module that reads argv, prints, or sets the exit code:
 * 0 no error-level finding, 1 error-level findings (or more warnings than allowed),
 * 2 usage or configuration errors.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkSites, collectSites } from './analyze/analyze.js';
import { parseTemplate, templateShape } from './keys/template.js';
import { createAuditCommand } from './audit/command.js';
import { coverageReport, createCoverageCommand } from './coverage/command.js';
import { parseShard } from './analyze/shard.js';
import { ConfigFileError } from './config/jsonc-document.js';
import { renderInitialRegistry, writeInitialRegistry } from './registry/init.js';
import { REGISTRY_FILE_NAME } from './registry/load.js';
import { FORMATS, reporters, type Format } from './reporters/index.js';
import { createProgress } from './run/progress.js';
import { EXIT_OK, EXIT_USAGE, runAnalysis, runMerge, type AnalyzeSettings, type ReportSettings, type RunOutcome } from './run/run-analysis.js';
import { VERSION } from './version.js';

export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './run/run-analysis.js';

export interface CliIo {
  cwd: string;
  /** Whether stdout is a terminal (colour). */
  isTTY: boolean;
  /** Whether stderr is a terminal and not CI (progress bar). */
  stderrIsTTY?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

interface OutputFlags {
  format: Format;
  output?: string;
  color?: boolean;
}

/** The report flags are the run's settings, less the working directory (that comes from io). */
type ReportFlags = OutputFlags & Omit<ReportSettings, 'cwd'>;

interface AnalyzeFlags extends ReportFlags {
  project?: string;
  types?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  shard?: string;
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

  const analyzeCommand = program
    .command('analyze')
    .description('analyse a project: every Redis call site, its key template, and cross-file findings')
    .argument('[paths...]', 'files or folders to report on (default: the whole project)')
    .option('-p, --project <tsconfig>', 'tsconfig.json to load (default: beside the first path, or ./tsconfig.json)')
    .option('--types', 'use type information to recognise clients (default)')
    .option('--no-types', 'syntax and data flow only: faster, no type checker')
    .option('--cache', 'reuse results while no file the run reads has changed')
    .option('--cache-location <dir>', 'where --cache keeps its results (default: node_modules/.cache/keydrift)')
    .option('--shard <i/n>', 'analyse shard i of n (deterministic); combine results with `keydrift merge`', shardArgument);
  addReportOptions(analyzeCommand).action((paths: string[], flags: AnalyzeFlags) => {
    const progress = createProgress({ write: (s) => io.stderr(s) }, Boolean(io.stderrIsTTY) && !flags.quiet);
    const settings: AnalyzeSettings = { ...reportSettings(flags, io), paths, project: flags.project, types: flags.types, cache: flags.cache, cacheLocation: flags.cacheLocation };
    if (flags.shard) settings.shard = parseShard(flags.shard);
    exitCode = report(() => runAnalysis(settings, (stage, done, total) => progress.update(stage, done, total)), flags, io, () => progress.finish());
  });

  const mergeCommand = program
    .command('merge')
    .description('combine `analyze --shard i/n --format json` results and run the cross-file checks')
    .argument('<results...>', 'shard result files, one per shard');
  addReportOptions(mergeCommand).action((files: string[], flags: ReportFlags) => {
    exitCode = report(() => runMerge(files, reportSettings(flags, io)), flags, io);
  });

  program
    .command('init')
    .description(`write a first ${REGISTRY_FILE_NAME} from the key templates the analyzer finds`)
    .argument('[paths...]', 'files or folders to analyse (default: the whole project)')
    .option('-p, --project <tsconfig>', 'tsconfig.json to load (default: ./tsconfig.json)')
    .option('-r, --registry <file>', 'where to write the registry', REGISTRY_FILE_NAME)
    .option('--force', 'overwrite an existing registry')
    .option('--no-types', 'syntax and data flow only')
    .action((paths: string[], flags: { project?: string; registry: string; force?: boolean; types: boolean }) => {
      exitCode = runInit(paths, flags, io);
    });

  program.addCommand(
    createCoverageCommand(io, (code) => {
      exitCode = code;
    }),
  );

  program.addCommand(
    createAuditCommand(io, (code) => {
      exitCode = code;
    }),
  );

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

function addReportOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'keydrift.config.json to use (default: ./keydrift.config.json when present)')
    .option('--no-config', 'ignore any config file')
    .option('-r, --registry <file>', `key registry (default: ./${REGISTRY_FILE_NAME} when present)`)
    .option('--no-registry', 'ignore any key registry')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', countArgument)
    .option('-q, --quiet', 'report errors only, and no progress bar')
    .option('--changed [base]', 'report only findings in files changed since base (default HEAD, with untracked files)')
    .option('--staged', 'report only findings in staged files')
    .option('--baseline <file>', 'accepted findings to leave out (default: ./keydrift-baseline.json when present)')
    .option('--write-baseline', "record today's findings in the baseline and exit 0")
    .option('--update-baseline', 'prune baseline entries whose finding has gone')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'no colour in text output');
}

function reportSettings(flags: ReportFlags, io: CliIo): ReportSettings {
  const { format: _format, output: _output, color: _color, ...settings } = flags;
  return { ...settings, cwd: io.cwd };
}

/** Runs, prints the report and notices, and turns configuration errors into exit 2. */
function report(run: () => RunOutcome, flags: OutputFlags, io: CliIo, beforePrint?: () => void): number {
  let outcome: RunOutcome;
  try {
    outcome = run();
  } catch (error) {
    return failure(error, io);
  } finally {
    beforePrint?.();
  }
  const color = flags.output ? false : (flags.color ?? io.isTTY);
  const text = reporters[flags.format](outcome.result, { color, toolVersion: VERSION });
  try {
    if (flags.output) writeFileSync(path.resolve(io.cwd, flags.output), text);
    else io.stdout(text);
  } catch (error) {
    return failure(error, io);
  }
  for (const notice of outcome.notices) io.stderr(`keydrift: ${notice}\n`);
  if (flags.format !== 'text') {
    for (const finding of outcome.result.findings) {
      if (finding.rule === 'parse-error') io.stderr(`keydrift: ${finding.file}:${finding.line}:${finding.column}: ${finding.message}\n`);
    }
  }
  return outcome.exitCode;
}

function runInit(paths: string[], flags: { project?: string; registry: string; force?: boolean; types: boolean }, io: CliIo): number {
  try {
    const collected = collectSites({ cwd: io.cwd, paths, tsconfig: flags.project, types: flags.types });
    const result = checkSites(collected, undefined, io.cwd);
    const invalidatedBy = new Map<string, string[]>();
    for (const family of coverageReport(collected, undefined).families) {
      if (family.entities.length > 0) invalidatedBy.set(templateShape(parseTemplate(family.template)), family.entities.map((e) => e.entity));
    }
    const ttlSeconds = new Map<string, number>();
    for (const site of result.callSites) {
      if (!site.ttl || !('seconds' in site.ttl)) continue;
      for (const key of site.keys) {
        if (key.template) ttlSeconds.set(key.template, Math.max(ttlSeconds.get(key.template) ?? 0, site.ttl.seconds));
      }
    }
    const text = renderInitialRegistry(result.templates, { ttlSeconds, invalidatedBy });
    const target = path.resolve(io.cwd, flags.registry);
    writeInitialRegistry(target, text, flags.force ?? false);
    io.stdout(`wrote ${path.relative(io.cwd, target) || target} with ${result.templates.length} key famil${result.templates.length === 1 ? 'y' : 'ies'}\n`);
    return EXIT_OK;
  } catch (error) {
    return failure(error, io);
  }
}

/**
 * A broken registry or config names its file:line:column. Anything else (an unreadable file, a
 * refused overwrite, git missing, an internal failure) is not a finding either: one line,
 * exit 2, the stack only when asked for.
 */
function failure(error: unknown, io: CliIo): number {
  const err = error instanceof Error ? error : new Error(String(error));
  io.stderr(`keydrift: ${err.message}\n`);
  if (process.env.KEYDRIFT_DEBUG && !(error instanceof ConfigFileError)) io.stderr(`${err.stack ?? ''}\n`);
  return EXIT_USAGE;
}

function shardArgument(value: string): string {
  if (!parseShard(value)) throw new InvalidArgumentError('expected i/n with 1 <= i <= n, e.g. 2/4');
  return value;
}

function countArgument(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    stderrIsTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  };
}

/**
 * The `keydrift coverage` subcommand: the write-to-key coverage report in text, Markdown (a PR
 * comment), JSON or one self-contained HTML page.
 * Exit codes: 0 (coverage at or above --min), 1 below --min, 2 usage or configuration errors.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { foldFollowingExpiry, writeModel } from '../analyze/analyze.js';
import { compareLocated } from '../analyze/site.js';
import type { CliIo } from '../cli.js';
import { ConfigFileError } from '../config/jsonc-document.js';
import { REGISTRY_FILE_NAME } from '../registry/load.js';
import { collectRun } from '../run/run-analysis.js';
import type { CollectedSites } from '../analyze/analyze.js';
import type { Registry } from '../registry/types.js';
import { buildCoverage } from './build.js';
import { COVERAGE_FORMATS, formatCoverage, type CoverageFormat } from './format.js';
import type { CoverageReport } from './types.js';

interface CoverageFlags {
  project?: string;
  types?: boolean;
  config?: string | false;
  registry?: string | false;
  cache?: boolean;
  cacheLocation?: string;
  format: CoverageFormat;
  output?: string;
  min?: number;
  linkBase?: string;
  title?: string;
  color?: boolean;
}

/** The report for collected sites: TTLs folded as `analyze` does, then the write-path model. */
export function coverageReport(collected: CollectedSites, registry: Registry | undefined): CoverageReport {
  const sites = collected.sites.map((s) => ({ ...s })).sort((a, b) => compareLocated(a.where, b.where));
  foldFollowingExpiry(sites);
  return buildCoverage(writeModel(sites, collected, registry));
}

export function createCoverageCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return new Command('coverage')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError()
    .description('write-to-key coverage: which write paths invalidate the cached families of what they write')
    .argument('[paths...]', 'files or folders to analyse (default: the whole project)')
    .option('-p, --project <tsconfig>', 'tsconfig.json to load (default: ./tsconfig.json)')
    .option('--no-types', 'syntax and data flow only: faster, no type checker')
    .option('-c, --config <file>', 'keydrift.config.json to use (default: ./keydrift.config.json when present)')
    .option('--no-config', 'ignore any config file')
    .option('-r, --registry <file>', `key registry (default: ./${REGISTRY_FILE_NAME} when present)`)
    .option('--no-registry', 'ignore any key registry')
    .option('--cache', 'reuse analysis results while no file the run reads has changed')
    .option('--cache-location <dir>', 'where --cache keeps its results (default: node_modules/.cache/keydrift)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...COVERAGE_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--min <percent>', 'exit 1 when fewer than this share of write paths invalidate every family of their entity', percentArgument)
    .option('--link-base <url>', 'prefix for file links in the HTML page (e.g. https://github.com/org/repo/blob/main/)')
    .option('--title <text>', 'title of the HTML page')
    .option('--color', 'force colour in text output')
    .option('--no-color', 'no colour in text output')
    .action((paths: string[], flags: CoverageFlags) => {
      setExitCode(runCoverage(paths, flags, io));
    });
}

function runCoverage(paths: string[], flags: CoverageFlags, io: CliIo): number {
  let report: CoverageReport;
  try {
    const { collected, registry, notices } = collectRun({
      cwd: io.cwd,
      paths,
      project: flags.project,
      types: flags.types,
      config: flags.config,
      registry: flags.registry,
      cache: flags.cache,
      cacheLocation: flags.cacheLocation,
    });
    report = coverageReport(collected, registry);
    for (const notice of notices) io.stderr(`keydrift: ${notice}\n`);
    const text = formatCoverage(report, flags.format, { color: flags.output ? false : (flags.color ?? io.isTTY), linkBase: flags.linkBase, title: flags.title });
    if (flags.output) writeFileSync(path.resolve(io.cwd, flags.output), text);
    else io.stdout(text);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    io.stderr(`keydrift: ${err.message}\n`);
    if (process.env.KEYDRIFT_DEBUG && !(error instanceof ConfigFileError)) io.stderr(`${err.stack ?? ''}\n`);
    return 2;
  }
  if (flags.min !== undefined && report.totals.percent < flags.min) {
    io.stderr(`keydrift: coverage ${report.totals.percent}% is below --min ${flags.min}%\n`);
    return 1;
  }
  return 0;
}

function percentArgument(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!/^\d+(\.\d+)?%?$/.test(value) || n > 100) throw new InvalidArgumentError('expected a percentage from 0 to 100');
  return n;
}

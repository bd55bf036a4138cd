/**
 * Crash-freedom on real code (issue 7), in the normal suite: a deterministic sample of the
 * `npm run corpus` walk (bench/corpus.mjs) over this project's own node_modules. The sample is
 * the files whose path relative to node_modules hashes (sha1) below SAMPLE_FRACTION, so it depends
 * on package-lock.json only, not on install order. Each sampled file is linted with
 * `keydrift.configs.strict` (untyped: typescript-eslint's parser for TypeScript, espree for
 * JavaScript) and run through the analyzer (discovery and the checks, per package). The sources
 * are tested here (rules/, src/), not dist/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugin from '../rules/index.js';
import { checkSites, loadRegistryFor, toCheckSite } from '../src/analyze/analyze.js';
import { discoverCallSites } from '../src/analyze/discover.js';
import { createClientContext } from '../src/redis/clients.js';

interface CorpusFile {
  abs: string;
  rel: string;
  bytes: number;
}
interface CorpusPackage {
  name: string;
  files: CorpusFile[];
}
interface Problem {
  pass: string;
  file: string;
  rule?: string;
  error: string;
}
interface CorpusStats {
  files: number;
  crashes: Problem[];
  exceptions: Problem[];
  unparseable: number;
  notLinted: { pass: string; file: string; message: string }[];
  sites: number;
  findings: { untyped: Record<string, number>; typed: Record<string, number>; analyzer: Record<string, number> };
}
interface CorpusRunner {
  stats: CorpusStats;
  runPackage(pkg: CorpusPackage, options?: { typed?: boolean }): void;
}
interface CorpusModule {
  listCorpus(nodeModules: string): { root: string; files: CorpusFile[]; skipped: CorpusFile[] };
  pathHash(rel: string): number;
  groupByPackage(files: CorpusFile[]): CorpusPackage[];
  createCorpusRunner(deps: object, options?: { cwd?: string; registry?: string | false }): CorpusRunner;
}

const ROOT = path.resolve(import.meta.dirname, '..');
const SAMPLE_FRACTION = 0.34;
const deps = { plugin, discoverCallSites, createClientContext, toCheckSite, checkSites, loadRegistryFor };
// A variable specifier: the script is plain JavaScript, typed by the interface above.
const corpusUrl = pathToFileURL(path.join(ROOT, 'bench/corpus.mjs')).href;
const corpus = (await import(corpusUrl)) as CorpusModule;

describe('corpus sample: every rule and the analyzer over real node_modules code', () => {
  it('the sample is deterministic and at least 2,000 files', () => {
    const { files } = corpus.listCorpus(path.join(ROOT, 'node_modules'));
    const sample = files.filter((f) => corpus.pathHash(f.rel) < SAMPLE_FRACTION);
    expect(sample.length).toBeGreaterThanOrEqual(2000);
    // Sorted by relative path, "/" separators, hash independent of where node_modules lives.
    expect(sample.map((f) => f.rel)).toEqual([...sample.map((f) => f.rel)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(corpus.pathHash('typescript/lib/typescript.d.ts')).toBe(corpus.pathHash('typescript/lib/typescript.d.ts'));
  });

  it('no crash and no rule exception on the sample (untyped lint + analyzer)', { timeout: 240_000 }, () => {
    const { files } = corpus.listCorpus(path.join(ROOT, 'node_modules'));
    const sample = files.filter((f) => corpus.pathHash(f.rel) < SAMPLE_FRACTION);
    const runner = corpus.createCorpusRunner(deps, { cwd: ROOT });
    for (const pkg of corpus.groupByPackage(sample)) runner.runPackage(pkg);
    const { stats } = runner;
    expect(stats.files).toBe(sample.length);
    expect(stats.crashes).toEqual([]);
    expect(stats.exceptions).toEqual([]);
    expect(stats.notLinted).toEqual([]);
    // Nearly everything published parses; a harness that parses nothing proves nothing.
    expect(stats.unparseable).toBeLessThan(sample.length / 100);
  });

  it('the harness sees Redis code: fixtures/shop gives call sites and rule findings, typed and untyped', () => {
    const shop = path.join(ROOT, 'fixtures/shop');
    const files = fs
      .readdirSync(path.join(shop, 'src'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => ({ abs: path.join(shop, 'src', f), rel: `shop/src/${f.split(path.sep).join('/')}`, bytes: 0 }));
    const runner = corpus.createCorpusRunner(deps, { cwd: ROOT });
    runner.runPackage({ name: 'shop', files }, { typed: true });
    const { stats } = runner;
    expect(stats.crashes).toEqual([]);
    expect(stats.exceptions).toEqual([]);
    expect(stats.notLinted).toEqual([]);
    expect(stats.sites).toBeGreaterThan(0);
    expect(stats.findings.untyped['keydrift/require-ttl']).toBeGreaterThan(0);
    expect(stats.findings.typed['keydrift/require-ttl']).toBeGreaterThan(0);
    expect(stats.findings.analyzer['key-drift']).toBeGreaterThan(0);
  });

  it('a throwing rule is a rule exception, a throwing analyzer a crash, a parse failure neither', () => {
    const dir = path.join(ROOT, 'test/.out/corpus-harness');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files = Object.entries({ 'a.ts': 'export const a = 1;\n', 'b.js': 'const b = ;\n' }).map(([name, text]) => {
      fs.writeFileSync(path.join(dir, name), text);
      return { abs: path.join(dir, name), rel: `harness/${name}`, bytes: text.length };
    });
    const boom = {
      meta: { type: 'problem', schema: [] },
      create: () => ({
        Program() {
          throw new Error('boom');
        },
      }),
    };
    const broken = {
      ...deps,
      plugin: { configs: { strict: { plugins: { keydrift: { rules: { boom } } }, rules: { 'keydrift/boom': 'error' } } } },
      discoverCallSites: () => {
        throw new Error('analyzer boom');
      },
    };
    const runner = corpus.createCorpusRunner(broken, { cwd: ROOT, registry: false });
    runner.runPackage({ name: 'harness', files });
    const { stats } = runner;
    expect(stats.exceptions.map((e) => [e.pass, e.file, e.rule])).toEqual([['untyped', 'harness/a.ts', 'keydrift/boom']]);
    expect(stats.crashes.map((c) => [c.pass, c.file])).toEqual([['analyzer', 'harness/a.ts']]);
    expect(stats.unparseable).toBe(1);
  });
});

/**
 * SARIF output: valid against the official SARIF 2.1.0 schema, within GitHub code scanning's
 * limits, rule metadata for every finding id, related locations, and stable fingerprints.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Log, Result } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze/analyze.js';
import { DOCS_BASE, FINDING_RULES, FINDINGS_META } from '../src/findings-meta.js';
import { FINGERPRINT_KEY, fingerprints } from '../src/fingerprint.js';
import { formatSarif, SARIF_SCHEMA } from '../src/reporters/sarif.js';
import type { AnalysisResult, Finding } from '../src/types.js';
import { OUT_DIR } from './support/temp-project.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(ROOT, 'fixtures');
const SCHEMA_FILE = path.join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// CommonJS packages whose `module.exports` is the function itself.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

function validator() {
  // unicodeRegExp: false because the schema's `language` pattern is not a valid `u`-flag regex.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  return (log: unknown) => {
    validate(log);
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

const analyzeFixture = (cwd: string): AnalysisResult => analyze({ cwd, paths: [], types: false }).result;
const sarifOf = (result: AnalysisResult): Log => JSON.parse(formatSarif(result, { toolVersion: '1.2.3' })) as Log;

describe.each(['shop', 'registry-ioredis', 'keys-and-flush-node-redis'])('SARIF for fixtures/%s', (name) => {
  let result: AnalysisResult;
  let log: Log;
  beforeAll(() => {
    result = analyzeFixture(path.join(FIXTURES, name));
    log = sarifOf(result);
  });

  it('is valid against the official SARIF 2.1.0 schema', () => {
    const errors = validator()(log);
    if (errors.length > 0) console.error(errors.join('\n'));
    expect(errors).toEqual([]);
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('has one result per finding, each with the rule metadata it names', () => {
    const run = log.runs[0];
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(FINDING_RULES);
    expect(run.results).toHaveLength(result.findings.length);
    for (const [i, r] of (run.results ?? []).entries()) {
      const finding = result.findings[i];
      expect(r.ruleId).toBe(finding.rule);
      const rule = rules[r.ruleIndex ?? -1];
      expect(rule.id).toBe(r.ruleId);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.shortDescription?.text).toBe(FINDINGS_META[finding.rule].shortDescription);
      expect(rule.fullDescription?.text).toBe(FINDINGS_META[finding.rule].fullDescription);
      expect(rule.help?.markdown).toContain(rule.helpUri);
      expect(rule.helpUri).toBe(`${DOCS_BASE}/docs/findings/${finding.rule}.md`);
      expect(rule.defaultConfiguration?.level).toMatch(/^(error|warning|note)$/);
      expect(r.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[finding.severity]);
    }
  });

  it('keeps within what GitHub code scanning accepts', () => {
    const run = log.runs[0];
    expect(run.originalUriBaseIds?.['%SRCROOT%']).toBeDefined();
    for (const rule of run.tool.driver.rules ?? []) expect((rule.properties?.tags ?? []).length).toBeLessThanOrEqual(10);
    for (const r of run.results ?? []) {
      expect(r.ruleId).toBeTruthy();
      expect(r.message.text).toBeTruthy();
      expect(r.locations?.length).toBeGreaterThanOrEqual(1);
      expect(r.locations?.length).toBeLessThanOrEqual(10);
      for (const loc of [...(r.locations ?? []), ...(r.relatedLocations ?? [])]) {
        const artifact = loc.physicalLocation?.artifactLocation;
        expect(artifact?.uriBaseId).toBe('%SRCROOT%');
        expect(artifact?.uri).toMatch(/^[^/:]+(\/[^/:]+)*$/); // relative, no scheme
        expect(loc.physicalLocation?.region?.startLine).toBeGreaterThanOrEqual(1);
        expect(loc.physicalLocation?.region?.startColumn).toBeGreaterThanOrEqual(1);
      }
      expect(r.partialFingerprints?.[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('is deterministic', () => {
    const text = formatSarif(result, { toolVersion: '1.2.3' });
    expect(formatSarif(analyzeFixture(path.join(FIXTURES, name)), { toolVersion: '1.2.3' })).toBe(text);
    expect(text).not.toMatch(/Time(Utc)?"/);
    expect(text).not.toContain(ROOT);
  });
});

describe('SARIF details', () => {
  it('uses a validator that rejects a broken log', () => {
    const errors = validator()({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ message: {} }] }] });
    expect(errors.length).toBeGreaterThan(0);
  });

  it('links the drifted delete to the read it should have matched', () => {
    const log = sarifOf(analyzeFixture(path.join(FIXTURES, 'shop')));
    const drift = (log.runs[0].results ?? []).find((r) => r.ruleId === 'key-drift') as Result;
    expect(drift.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('src/products/update.ts');
    expect(drift.relatedLocations).toHaveLength(1);
    const related = drift.relatedLocations?.[0];
    expect(related?.id).toBe(1);
    expect(related?.physicalLocation?.artifactLocation).toEqual({ uri: 'src/products/read.ts', uriBaseId: '%SRCROOT%' });
    expect(related?.physicalLocation?.region?.startLine).toBe(14);
    expect(related?.message?.text).toContain('product:v2:{id}');
    expect(drift.message.text).toMatch(/\[[^\]]+\]\(1\)/);
  });

  it('gives %SRCROOT% a file URI only when srcRoot is given', () => {
    const result = analyzeFixture(path.join(FIXTURES, 'shop'));
    const log = JSON.parse(formatSarif(result, { toolVersion: '1.2.3', srcRoot: path.join(FIXTURES, 'shop') })) as Log;
    expect(log.runs[0].originalUriBaseIds?.['%SRCROOT%']?.uri).toMatch(/^file:\/\/.*\/fixtures\/shop\/$/);
    expect(validator()(log)).toEqual([]);
  });

  it('escapes brackets in messages and percent-encodes paths', () => {
    const result: AnalysisResult = {
      version: 1,
      callSites: [],
      templates: [],
      findings: [
        { rule: 'dead-invalidation', severity: 'warning', file: 'src/my dir/a#b.ts', line: 3, column: 5, message: '`product:[ab]` is invalidated here', template: 'product:[ab]' },
        { rule: 'parse-error', severity: 'warning', file: '/abs/elsewhere/tsconfig.json', line: 1, column: 1, message: 'tsconfig not found' },
      ],
    };
    const log = sarifOf(result);
    expect(validator()(log)).toEqual([]);
    const [first, second] = log.runs[0].results ?? [];
    expect(first.message.text).toBe('`product:\\[ab\\]` is invalidated here');
    expect(first.locations?.[0].physicalLocation?.artifactLocation).toEqual({ uri: 'src/my%20dir/a%23b.ts', uriBaseId: '%SRCROOT%' });
    expect(second.locations?.[0].physicalLocation?.artifactLocation?.uri).toMatch(/^file:\/\/\/.*abs\/elsewhere\/tsconfig\.json$/);
  });
});

describe('fingerprints', () => {
  const copy = path.join(OUT_DIR, 'sarif-shop-fingerprints');

  it('survive a line inserted above the findings', () => {
    rmSync(copy, { recursive: true, force: true });
    cpSync(path.join(FIXTURES, 'shop'), copy, { recursive: true });
    const before = analyzeFixture(copy);
    for (const file of ['src/products/read.ts', 'src/products/update.ts']) {
      const target = path.join(copy, file);
      writeFileSync(target, `\n${readFileSync(target, 'utf8')}`);
    }
    const after = analyzeFixture(copy);

    const key = (f: Finding) => `${f.rule} ${f.file}`;
    expect(after.findings.map(key)).toEqual(before.findings.map(key));
    expect(after.findings.map((f) => f.line)).toEqual(before.findings.map((f) => f.line + 1));
    expect(fingerprints(after.findings)).toEqual(fingerprints(before.findings));

    const sarifPrints = (r: AnalysisResult) => (sarifOf(r).runs[0].results ?? []).map((x) => x.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(sarifPrints(after)).toEqual(sarifPrints(before));
  });

  it('are distinct for identical findings in one file', () => {
    const result = analyzeFixture(path.join(FIXTURES, 'keys-and-flush-node-redis'));
    const keys = result.findings.filter((f) => f.rule === 'no-keys-command' && f.file === 'src/maintenance.ts');
    expect(keys).toHaveLength(2);
    expect(keys[0].message).toBe(keys[1].message);
    const ids = fingerprints(result.findings);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('number duplicates by line, whatever the input order, and ignore positions', () => {
    const finding = (line: number, column = 1): Finding => ({ rule: 'no-flush', severity: 'error', file: 'src/a.ts', line, column, message: 'FLUSHALL empties the whole cache' });
    const [a, b] = fingerprints([finding(10), finding(20)]);
    expect(a).not.toBe(b);
    expect(fingerprints([finding(20), finding(10)])).toEqual([b, a]);
    expect(fingerprints([finding(12, 7), finding(40, 3)])).toEqual([a, b]);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });

  it('ignore file:line references and numbers in messages without a template', () => {
    const at = (message: string): Finding => ({ rule: 'parse-error', severity: 'warning', file: 'src/a.ts', line: 1, column: 1, message });
    expect(fingerprints([at('file does not parse (see `src/b.ts:12`), 3 errors')])).toEqual(fingerprints([at('file does not parse (see `src/b.ts:40`), 4 errors')]));
    expect(fingerprints([at('one message')])).not.toEqual(fingerprints([at('another message')]));
  });
});

describe('finding docs', () => {
  const docsDir = path.join(ROOT, 'docs/findings');

  it.each(FINDING_RULES)('%s has metadata and a docs page on disk', (id) => {
    const meta = FINDINGS_META[id];
    expect(meta.id).toBe(id);
    expect(meta.helpUri).toBe(`${DOCS_BASE}/docs/findings/${id}.md`);
    const page = path.join(docsDir, `${id}.md`);
    expect(existsSync(page)).toBe(true);
    const text = readFileSync(page, 'utf8');
    expect(text.split('\n')[0]).toBe(`# \`${id}\``);
    expect(text).toContain(`**Severity:** ${meta.defaultSeverity}`);
    expect(text).toMatch(/ioredis/);
    expect(text).toMatch(/node-redis/);
    const lines = text.trimEnd().split('\n').length;
    expect(lines).toBeGreaterThanOrEqual(30);
    expect(lines).toBeLessThanOrEqual(70);
  });

  it('has no page for an unknown finding id', () => {
    const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual([...FINDING_RULES].sort());
  });
});

/**
 * Every fixture project under fixtures/ with an expected.json is analysed twice, with and
 * without type information, and must give exactly the expected error and warning findings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze/analyze.js';

interface ExpectedFinding {
  rule: string;
  file: string;
  line: number;
  template?: string;
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

const fixtures = readdirSync(FIXTURES)
  .filter((name) => existsSync(path.join(FIXTURES, name, 'expected.json')))
  .sort();

function expectedOf(name: string): { description: string; findings: ExpectedFinding[] } {
  return JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
}

const describeFinding = (f: ExpectedFinding) => `${f.rule} ${f.file}:${f.line}${f.template ? ` ${f.template}` : ''}`;

describe.each([
  { mode: 'typed', types: true },
  { mode: 'untyped', types: false },
])('fixtures ($mode)', ({ types }) => {
  it.each(fixtures)('%s', (name) => {
    const expected = expectedOf(name);
    const { result } = analyze({ cwd: path.join(FIXTURES, name), paths: [], types });
    const actual = result.findings
      .filter((f) => f.severity !== 'info' && f.rule !== 'parse-error')
      .map((f) => {
        const wanted = expected.findings.find((e) => e.rule === f.rule && e.file === f.file && e.line === f.line);
        return describeFinding({ rule: f.rule, file: f.file, line: f.line, template: wanted?.template !== undefined ? f.template : undefined });
      })
      .sort();
    expect(actual).toEqual(expected.findings.map(describeFinding).sort());
  });
});

it('has at least as many clean fixtures as fixtures with bugs', () => {
  const clean = fixtures.filter((name) => expectedOf(name).findings.length === 0);
  expect(clean.length).toBeGreaterThanOrEqual(fixtures.length - clean.length);
});

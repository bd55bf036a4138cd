/** GitHub Actions workflow commands: exact lines, with property and data escaping. */
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub } from '../src/reporters/github.js';
import type { AnalysisResult } from '../src/types.js';

const result: AnalysisResult = {
  version: 1,
  callSites: [],
  templates: [],
  findings: [
    {
      rule: 'key-drift',
      severity: 'error',
      file: 'src/products/update.ts',
      line: 8,
      column: 9,
      message: '`product:{id}` is deleted here, but nothing reads it\r\n100% stale: did you mean `product:v2:{id}`?',
      template: 'product:{id}',
    },
    { rule: 'require-ttl', severity: 'warning', file: 'src/a,b:c%.ts', line: 21, column: 11, message: 'SET sets no expiry' },
    { rule: 'unused-registry-key', severity: 'info', file: 'keydrift.keys.json', line: 26, column: 5, message: "registry family 'newsletter' is not used" },
  ],
};

describe('formatGithub', () => {
  it('prints one escaped workflow command per finding', () => {
    expect(formatGithub(result)).toBe(
      [
        '::error file=src/products/update.ts,line=8,col=9,title=keydrift key-drift::`product:{id}` is deleted here, but nothing reads it%0D%0A100%25 stale: did you mean `product:v2:{id}`?',
        '::warning file=src/a%2Cb%3Ac%25.ts,line=21,col=11,title=keydrift require-ttl::SET sets no expiry',
        "::notice file=keydrift.keys.json,line=26,col=5,title=keydrift unused-registry-key::registry family 'newsletter' is not used",
        '',
      ].join('\n'),
    );
  });

  it('prints nothing without findings', () => {
    expect(formatGithub({ ...result, findings: [] })).toBe('');
  });

  it('escapes % before the characters it introduces', () => {
    expect(escapeData('%0A\n')).toBe('%250A%0A');
    expect(escapeProperty('a:b,c%\r')).toBe('a%3Ab%2Cc%25%0D');
  });
});

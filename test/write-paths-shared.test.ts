/**
 * The write-path rules (require-invalidation, invalidate-after-write) and `keydrift analyze` give
 * the same answer for the same code: each snippet is analysed as a project and linted with the
 * real rules through ESLint, untyped (and the cases TYPED names with type information too), and
 * both must report the same rule at the same line and column with the analyzer's message.
 *
 * The analyzer checks write paths from their roots (functions nothing calls) and the rules check
 * every function that writes (they cannot see callers in other files), so in these snippets every
 * writer is a root. Every key is read somewhere too: the analyzer counts a family once it is read,
 * a rule (which sees one file) as soon as the file uses the key.
 */
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze/analyze.js';
import plugin from '../rules/index.js';
import { CLIENTS, FORMS, IOREDIS, NODE_REDIS, PRISMA, service, SQL, type Client } from './rules/write-path-cases.js';
import { writeProject } from './support/temp-project.js';

const RULES = ['require-invalidation', 'invalidate-after-write'];

const REGISTRY = JSON.stringify({
  keys: {
    product: { template: 'product:{id}', invalidatedBy: ['products'] },
    'price-list': { template: 'prices:{currency}', invalidatedBy: ['products'] },
  },
  channels: { 'cache:invalidate': { invalidates: ['product', 'price-list'] } },
});

interface WriteCase {
  name: string;
  files: Record<string, string>;
  /** Writes keydrift.keys.json and points both at it. */
  registry?: boolean;
  /** At least one finding is expected (so an empty agreement cannot hide a broken setup). */
  findings: boolean;
}

const file = (code: string) => ({ 'src/service.ts': code });

function clientCases(client: Client): WriteCase[] {
  const c = client.name;
  const key = 'productKey(id)';
  const del = `await ${client.del(key)};`;
  const write = SQL.write;
  const txWrite = '  await tx.product.update({ where: { id }, data: { price } });';
  const helper = ['async function forgetProduct(id: string) {', `  await ${client.unlink('productKey(id)')};`, '}'];
  return [
    ...FORMS.map((form) => ({ name: `${c}, ${form.name}: no invalidation`, files: file(service(client, { setup: form.setup, body: [form.write] })), findings: true })),
    ...FORMS.map((form) => ({ name: `${c}, ${form.name}: del before the write`, files: file(service(client, { setup: form.setup, body: [del, form.write] })), findings: true })),
    ...FORMS.map((form) => ({ name: `${c}, ${form.name}: del after the write`, files: file(service(client, { setup: form.setup, body: [form.write, del] })), findings: false })),
    { name: `${c}: double delete`, files: file(service(client, { body: [del, write, del] })), findings: false },
    { name: `${c}: del in finally`, files: file(service(client, { body: ['try {', `  ${write}`, '} finally {', `  ${del}`, '}'] })), findings: false },
    { name: `${c}: expire and write-through set`, files: file(service(client, { body: [write, `await ${client.expire(key)};`, `await ${client.set(key, "'x'")};`] })), findings: false },
    { name: `${c}: a table nothing caches`, files: file(service(client, { body: ["await pool.query('INSERT INTO price_runs (id) VALUES ($1)', [id]);"] })), findings: false },
    { name: `${c}: helper invalidates before the write`, files: file(service(client, { helpers: helper, body: ['await forgetProduct(id);', write] })), findings: true },
    { name: `${c}: helper invalidates after the write`, files: file(service(client, { helpers: helper, body: [write, 'await forgetProduct(id);'] })), findings: false },
    { name: `${c}: del inside prisma.$transaction`, files: file(service(client, { setup: PRISMA.setup, body: ['await prisma.$transaction(async (tx) => {', txWrite, `  ${del}`, '});'] })), findings: true },
    { name: `${c}: del after prisma.$transaction`, files: file(service(client, { setup: PRISMA.setup, body: ['await prisma.$transaction(async (tx) => {', txWrite, '});', del] })), findings: false },
    { name: `${c}: prisma.$transaction, no invalidation`, files: file(service(client, { setup: PRISMA.setup, body: ['await prisma.$transaction(async (tx) => {', txWrite, '});'] })), findings: true },
    { name: `${c}: BEGIN, UPDATE, del, COMMIT`, files: file(service(client, { body: ["await pool.query('BEGIN');", write, del, "await pool.query('COMMIT');"] })), findings: true },
    { name: `${c}: BEGIN, UPDATE, COMMIT, del`, files: file(service(client, { body: ["await pool.query('BEGIN');", write, "await pool.query('COMMIT');", del] })), findings: false },
    { name: `${c}: registry channel publish`, files: file(service(client, { body: [write, `await ${client.publish("'cache:invalidate'", 'id')};`] })), registry: true, findings: false },
    { name: `${c}: registry, other channel`, files: file(service(client, { body: [write, `await ${client.publish("'analytics:views'", 'id')};`] })), registry: true, findings: true },
    { name: `${c}: registry channel publish before the write`, files: file(service(client, { body: [`await ${client.publish("'cache:invalidate'", 'id')};`, write] })), registry: true, findings: true },
    {
      name: `${c}: the read in another file`,
      files: {
        'src/read.ts': [client.header[0], `export ${client.header[1]}`, `export const getProduct = (id: string) => ${client.get('`product:${id}`')};`, ''].join('\n'),
        'src/write.ts': [
          `import { ${client === IOREDIS ? 'redis' : 'client'} } from './read.js';`,
          SQL.setup[0],
          'export async function updatePrice(id: string, price: number) {',
          `  await ${client.del('`product:${id}`')};`,
          `  ${write}`,
          '}',
          '',
        ].join('\n'),
      },
      findings: true,
    },
  ];
}

const cases = [...clientCases(IOREDIS), ...clientCases(NODE_REDIS)];

// With type information a run loads each project's client and ORM typings (about a second a
// case): every form once per client, and the cases where the call graph or the registry matter.
const TYPED = /: no invalidation$|: del inside prisma|: BEGIN, UPDATE, del, COMMIT|: registry channel publish$|: the read in another file|: helper invalidates before/;

function fromAnalyzer(cwd: string, registry: boolean, types: boolean): string[] {
  const { result } = analyze({ cwd, paths: [], types, registry: registry ? 'keydrift.keys.json' : false });
  return result.findings.filter((f) => RULES.includes(f.rule)).map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.message}`);
}

async function fromRules(cwd: string, files: string[], registry: boolean, typed: boolean): Promise<string[]> {
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    cache: false,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, parserOptions: typed ? { projectService: true, tsconfigRootDir: cwd } : {} },
        plugins: { keydrift: plugin as never },
        settings: registry ? { keydrift: { registry: 'keydrift.keys.json' } } : {},
        rules: Object.fromEntries(RULES.map((rule) => [`keydrift/${rule}`, 'error'])),
      },
    ],
  });
  const out: string[] = [];
  for (const result of await eslint.lintFiles(files.map((f) => path.join(cwd, f)))) {
    const relative = path.relative(cwd, result.filePath).split(path.sep).join('/');
    for (const m of result.messages) {
      const rule = m.ruleId?.replace('keydrift/', '') ?? 'fatal';
      // The rules add a hint after the analyzer's message; the analyzer's own text is compared.
      const message = m.message.replace(/\. Delete, expire or overwrite the key.*$/, '').replace(/\.$/, '');
      out.push(`${rule} ${relative}:${m.line}:${m.column} ${message}`);
    }
  }
  return out;
}

describe.each([
  { mode: 'untyped', typed: false },
  { mode: 'typed', typed: true },
])('write-path rules agree with the analyzer ($mode)', ({ typed }) => {
  it.each(cases.filter((c) => !typed || TYPED.test(c.name)).map((c) => [c.name, c] as const))('%s', async (_name, writeCase) => {
    const files = { ...writeCase.files, ...(writeCase.registry && { 'keydrift.keys.json': REGISTRY }) };
    const cwd = writeProject(files, { name: `write-paths-${typed ? 'typed' : 'untyped'}-${cases.indexOf(writeCase)}` });
    const sources = Object.keys(writeCase.files).sort();
    const analyzer = fromAnalyzer(cwd, writeCase.registry ?? false, typed).sort();
    const rules = (await fromRules(cwd, sources, writeCase.registry ?? false, typed)).sort();
    expect(rules).toEqual(analyzer);
    expect(analyzer.length > 0, `findings expected: ${writeCase.findings}`).toBe(writeCase.findings);
  });
});

it('covers every write form with both clients', () => {
  expect(CLIENTS.map((c) => c.name)).toEqual(['ioredis', 'node-redis']);
  expect(cases.filter((c) => c.name.includes(': no invalidation')).length).toBe(CLIENTS.length * FORMS.length);
});

// The ESLint rules' cost on a bench tree: ESLint (untyped, typescript-eslint's parser) with
// `keydrift.configs.strict` plus core `no-unused-vars`, timed per rule by ESLint's own TIMING
// table, beside a run with `no-unused-vars` alone. Prints one summary line:
//   bench eslint files=N total_s=… keydrift_ms=… no_unused_vars_ms=… keydrift_share=…% keydrift_vs_no_unused_vars=…
//
//   node bench/eslint.mjs <treeDir> [runs] [--typed]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './measure.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const tree = path.resolve(process.argv[2] ?? '.');
const runs = Number(process.argv[3] ?? 3) || 3;
const typed = process.argv.includes('--typed');
const outDir = path.join(benchDir, '.out');
const eslintBin = path.join(repoRoot, 'node_modules/eslint/bin/eslint.js');

function writeConfig(name, withKeydrift) {
  const file = path.join(outDir, `eslint-${name}.config.mjs`);
  const url = (p) => pathToFileURL(path.join(repoRoot, p)).href;
  fs.writeFileSync(
    file,
    `import tsParser from ${JSON.stringify(url('node_modules/@typescript-eslint/parser/dist/index.js'))};\n` +
      `import keydrift from ${JSON.stringify(url('dist/rules/index.js'))};\n` +
      `export default [\n` +
      `  { files: ['**/*.ts'], languageOptions: { parser: tsParser${typed ? `, parserOptions: { projectService: true, tsconfigRootDir: ${JSON.stringify(tree)} }` : ''} } },\n` +
      (withKeydrift ? `  keydrift.configs.strict,\n  { settings: { keydrift: { registry: ${JSON.stringify(path.join(tree, 'keydrift.keys.json'))} } } },\n` : '') +
      `  { rules: { 'no-unused-vars': 'error' } },\n` +
      `];\n`,
  );
  return file;
}

/** One ESLint run; returns wall seconds and per-rule milliseconds from TIMING=all. */
function lint(config) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [eslintBin, '--config', config, '--no-config-lookup', '--format', 'json', '--output-file', path.join(outDir, 'eslint-result.json'), 'src'], {
    cwd: tree,
    env: { ...process.env, TIMING: 'all' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const rules = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([\w@/-]+)\s*\|\s*([\d.]+)\s*\|/.exec(line);
    if (m && m[1] !== 'Rule') rules[m[1]] = Number(m[2]);
  }
  return { seconds, rules };
}


fs.mkdirSync(outDir, { recursive: true });
const withKeydrift = writeConfig(typed ? 'typed-keydrift' : 'keydrift', true);
const baseline = writeConfig(typed ? 'typed-baseline' : 'baseline', false);
const files = fs.readdirSync(path.join(tree, 'src'), { recursive: true }).filter((f) => String(f).endsWith('.ts')).length;

const measured = { base: [], full: [], keydrift: [], unused: [] };
for (let i = 0; i < runs; i++) {
  measured.base.push(lint(baseline).seconds);
  const full = lint(withKeydrift);
  measured.full.push(full.seconds);
  measured.keydrift.push(Object.entries(full.rules).filter(([rule]) => rule.startsWith('keydrift/')).reduce((sum, [, ms]) => sum + ms, 0));
  measured.unused.push(full.rules['no-unused-vars'] ?? NaN);
}

const base = median(measured.base);
const full = median(measured.full);
const keydriftMs = median(measured.keydrift);
const unusedMs = median(measured.unused);
const result = JSON.parse(fs.readFileSync(path.join(outDir, 'eslint-result.json'), 'utf8'));
const byRule = {};
for (const file of result) for (const m of file.messages) byRule[m.ruleId] = (byRule[m.ruleId] ?? 0) + 1;
console.log(`   eslint ${typed ? 'typed' : 'untyped'} on ${files} files: no-unused-vars alone ${base.toFixed(2)} s, with keydrift strict ${full.toFixed(2)} s (runs: ${measured.full.map((s) => s.toFixed(2)).join(' ')})`);
console.log(`   rule time (TIMING, median): keydrift/* ${keydriftMs.toFixed(0)} ms, no-unused-vars ${unusedMs.toFixed(0)} ms`);
console.log(`   keydrift reports: ${Object.entries(byRule).filter(([r]) => r?.startsWith('keydrift/')).map(([r, n]) => `${r}=${n}`).join(' ')}`);
console.log(
  `bench eslint${typed ? '-typed' : ''} files=${files} total_s=${full.toFixed(2)} keydrift_ms=${keydriftMs.toFixed(0)} no_unused_vars_ms=${unusedMs.toFixed(0)} ` +
    `keydrift_share=${((keydriftMs / 1000 / full) * 100).toFixed(1)}% keydrift_vs_no_unused_vars=${(keydriftMs / unusedMs).toFixed(2)}`,
);

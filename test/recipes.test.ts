/**
 * The recipes in docs/recipes.md, run as written in scratch git repositories: a husky +
 * lint-staged hook that blocks a commit, the pre-commit framework's hook entry, the GitHub
 * Actions steps, the VS Code setup, shards, build-cache targets and the baseline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { OUT_DIR } from './support/temp-project.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RECIPES = readFileSync(path.join(ROOT, 'docs/recipes.md'), 'utf8');

/** The code block right after `<!-- recipe: name -->` in docs/recipes.md. */
function recipe(name: string): string {
  const match = new RegExp(`<!-- recipe: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(RECIPES);
  if (!match) throw new Error(`recipe ${name} not found in docs/recipes.md`);
  return match[1];
}

const DRIFTED = `import { redis } from '../redis.js';\n\nexport async function updatePrice(id: string, price: number): Promise<void> {\n  void price;\n  await redis.del(\`product:\${id}\`);\n}\n`;
const FIXED = DRIFTED.replace('`product:${id}`', '`product:v2:${id}`');

/** A copy of the shop example as a git repository, first commit made without hooks. */
function scratchRepo(name: string): string {
  const dir = path.join(OUT_DIR, `recipe-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/shop/src'), path.join(dir, 'src'), { recursive: true });
  cpSync(path.join(ROOT, 'fixtures/shop/tsconfig.json'), path.join(dir, 'tsconfig.json'));
  writeFileSync(path.join(dir, 'src/products/update.ts'), FIXED);
  writeFileSync(path.join(dir, 'eslint.config.js'), recipe('eslint-config'));
  // What `npm ci` leaves behind: the keydrift bin in node_modules/.bin (npx looks there once a
  // step's --cache has created node_modules/ in the repo).
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(path.join(ROOT, 'bin/keydrift.js'), path.join(dir, 'node_modules/.bin/keydrift'));
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'initial', '--no-verify');
  return dir;
}

function git(cwd: string, ...args: string[]) {
  return spawnSync('git', ['-c', 'user.name=keydrift', '-c', 'user.email=k@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** Runs a recipe's shell line the way a hook or CI step would (npx finds keydrift via the repo). */
function sh(cwd: string, command: string) {
  return spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/rules/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT });
});

describe('husky + lint-staged', () => {
  it('blocks a commit that stages a drifted delete, and names the finding', () => {
    const dir = scratchRepo('husky');
    mkdirSync(path.join(dir, '.husky'));
    writeFileSync(path.join(dir, '.husky/pre-commit'), `#!/bin/sh\n${recipe('husky-pre-commit')}`);
    chmodSync(path.join(dir, '.husky/pre-commit'), 0o755);
    writeFileSync(path.join(dir, '.lintstagedrc.json'), recipe('lintstagedrc'));
    git(dir, 'config', 'core.hooksPath', '.husky');

    writeFileSync(path.join(dir, 'src/products/update.ts'), DRIFTED);
    git(dir, 'add', 'src/products/update.ts');
    const blocked = git(dir, 'commit', '-m', 'drift');
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('key-drift');
    expect(blocked.stdout + blocked.stderr).toContain('src/products/update.ts');

    writeFileSync(path.join(dir, 'src/products/update.ts'), FIXED.replace('void price;', 'void price; // fixed'));
    git(dir, 'add', 'src/products/update.ts');
    const allowed = git(dir, 'commit', '-m', 'fix');
    expect(allowed.status, allowed.stdout + allowed.stderr).toBe(0);
  });
});

describe('pre-commit framework', () => {
  const hooks = parseYaml(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; pass_filenames: boolean; language: string }[];

  it('declares a whole-program hook and the documented config uses it', () => {
    const hook = hooks.find((h) => h.id === 'keydrift')!;
    expect(hook).toMatchObject({ language: 'node', pass_filenames: false });
    const config = parseYaml(recipe('pre-commit-config')) as { repos: { hooks: { id: string }[] }[] };
    expect(config.repos[0].hooks.map((h) => h.id)).toEqual(['keydrift']);
  });

  it('its entry fails on a staged drift and passes once fixed', () => {
    const dir = scratchRepo('pre-commit');
    const entry = hooks.find((h) => h.id === 'keydrift')!.entry.replace(/^keydrift /, 'npx keydrift ');
    writeFileSync(path.join(dir, 'src/products/update.ts'), DRIFTED);
    git(dir, 'add', 'src/products/update.ts');
    const failing = sh(dir, entry);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('key-drift');
    writeFileSync(path.join(dir, 'src/products/update.ts'), FIXED);
    git(dir, 'add', 'src/products/update.ts');
    expect(sh(dir, entry).status).toBe(0);
  });
});

describe('GitHub Actions', () => {
  const workflow = parseYaml(recipe('github-actions')) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }> };
  const steps = Object.values(workflow.jobs)[0].steps;

  it('runs ESLint, uploads SARIF, annotates and comments the coverage report', () => {
    const dir = scratchRepo('actions');
    writeFileSync(path.join(dir, 'src/products/update.ts'), DRIFTED);
    const runs = steps.filter((s) => s.run && s.run !== 'npm ci').map((s) => s.run!);
    expect(runs).toHaveLength(4);
    const [eslintStep, sarifStep, annotateStep, coverageStep] = runs.map((command) => sh(dir, command));
    expect(eslintStep.status, eslintStep.stdout).toBe(0); // warnings only: require-ttl
    expect(eslintStep.stdout).toContain('keydrift/require-ttl');
    expect(sarifStep.status).toBe(1);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    const sarif = JSON.parse(readFileSync(path.join(dir, upload.with!.sarif_file), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'key-drift')).toBe(true);
    expect(annotateStep.stdout).toContain('::error file=src/products/update.ts');
    expect(coverageStep.status, coverageStep.stderr).toBe(0);
    const comment = steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'))!;
    const markdown = readFileSync(path.join(dir, comment.with!.path), 'utf8');
    expect(markdown).toContain('### keydrift cache coverage');
    expect(markdown.length).toBeLessThan(65_536);
  });
});

describe('VS Code', () => {
  it('the ESLint extension setup lints TypeScript and JavaScript with the rules', async () => {
    const settings = JSON.parse(recipe('vscode-settings')) as { 'eslint.validate': string[] };
    expect(settings['eslint.validate']).toEqual(expect.arrayContaining(['typescript', 'javascript']));
    const dir = scratchRepo('vscode');
    writeFileSync(path.join(dir, 'src/legacy.js'), `import { redis } from './redis.js';\nexport function scan() { return redis.keys('product:*'); }\n`);
    // What the extension does: ESLint's Node API with the workspace's flat config.
    const eslint = new ESLint({ cwd: dir });
    const results = await eslint.lintFiles(['src/products/read.ts', 'src/legacy.js']);
    const rules = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)} ${m.ruleId}`));
    expect(rules).toEqual(['read.ts keydrift/require-ttl', 'legacy.js keydrift/no-keys-command']);
  });
});

describe('monorepo recipes', () => {
  it('shards merged give the unsharded findings', () => {
    const dir = scratchRepo('shards');
    writeFileSync(path.join(dir, 'src/products/update.ts'), DRIFTED);
    for (const line of recipe('shards').trim().split('\n')) sh(dir, line);
    sh(dir, 'npx keydrift analyze --format sarif --output whole.sarif');
    const results = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).runs[0].results;
    expect(results('keydrift.sarif')).toEqual(results('whole.sarif'));
  });

  it('the Nx and Turborepo targets produce byte-identical, cacheable output', () => {
    const nx = JSON.parse(recipe('nx-target')) as { targets: { keydrift: { command: string; cache: boolean } } };
    expect(nx.targets.keydrift.cache).toBe(true);
    const turbo = JSON.parse(recipe('turbo-task')) as { tasks: { keydrift: { outputs: string[] } } };
    expect(turbo.tasks.keydrift.outputs).toEqual(['.keydrift/**']);
    const dir = scratchRepo('nx');
    const command = nx.targets.keydrift.command.replace(/\{projectRoot\}\//g, '');
    mkdirSync(path.join(dir, '.keydrift'));
    sh(dir, `npx ${command}`);
    const first = readFileSync(path.join(dir, '.keydrift/result.json'), 'utf8');
    sh(dir, `npx ${command}`);
    expect(readFileSync(path.join(dir, '.keydrift/result.json'), 'utf8')).toBe(first);
    expect(JSON.parse(first).version).toBe(1);
  });

  it('the baseline recipe: record, then only new findings, then prune', () => {
    const dir = scratchRepo('baseline');
    writeFileSync(path.join(dir, 'src/products/update.ts'), DRIFTED);
    const [write, later, update] = recipe('baseline')
      .trim()
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim());
    expect(sh(dir, write).status).toBe(0);
    const again = sh(dir, later);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('no problems');
    writeFileSync(path.join(dir, 'src/products/update.ts'), FIXED);
    expect(sh(dir, update).stderr).toContain('pruned 3 findings'); // the drift, its dead delete, and never-invalidated
  });
});

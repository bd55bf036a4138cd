/** Files changed in git, for `--changed [base]` and `--staged`. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Finding } from '../types.js';

export class GitError extends Error {}

/** Absolute paths of changed files: against `base` (default HEAD) plus untracked, or staged only. */
export function changedFiles(cwd: string, mode: { staged: true } | { base: string }): Set<string> {
  let top: string | undefined;
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: top ?? cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
      throw new GitError(`git ${args.join(' ')} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`);
    }
  };
  top = git('rev-parse', '--show-toplevel').trim();
  const names =
    'staged' in mode
      ? git('diff', '--name-only', '--cached', '--diff-filter=ACMR', '-z')
      : git('diff', '--name-only', '--diff-filter=ACMR', '-z', mode.base) + git('ls-files', '--others', '--exclude-standard', '-z');
  return new Set(
    names
      .split('\0')
      .filter(Boolean)
      .map((name) => path.resolve(top, name)),
  );
}

/** Findings in changed files, and cross-file findings whose related locations touch one. */
export function onlyChanged(findings: Finding[], changed: Set<string>, cwd: string): Finding[] {
  const isChanged = (file: string) => changed.has(path.resolve(cwd, file));
  return findings.filter((f) => isChanged(f.file) || (f.related ?? []).some((r) => isChanged(r.file)));
}

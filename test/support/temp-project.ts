/** Writes a small TypeScript project under test/.out (so node_modules types resolve) and analyses it. */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, type AnalyzeOptions } from '../../src/analyze/analyze.js';

export const OUT_DIR = path.resolve(import.meta.dirname, '../.out');

const TSCONFIG = {
  compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, noEmit: true, allowJs: true },
  include: ['src'],
};

/** Creates the project and returns its folder; `tsconfig: false` leaves tsconfig.json out. */
export function writeProject(files: Record<string, string>, options: { tsconfig?: boolean | string; name?: string } = {}): string {
  const id = options.name ?? createHash('sha1').update(JSON.stringify(files)).digest('hex').slice(0, 12);
  const dir = path.join(OUT_DIR, id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (options.tsconfig !== false) {
    writeFileSync(path.join(dir, 'tsconfig.json'), typeof options.tsconfig === 'string' ? options.tsconfig : JSON.stringify(TSCONFIG, null, 2));
  }
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return dir;
}

export function analyzeSources(files: Record<string, string>, options: Partial<AnalyzeOptions> & { types: boolean }) {
  const cwd = writeProject(files);
  return analyze({ cwd, paths: [], registry: false, ...options }).result;
}

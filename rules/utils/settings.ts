/**
 * `settings.keydrift` shared by the rules: the key registry and the key-builder modules.
 * Files are read once per process and again only when their modification time changes.
 *
 * ESLint's --cache keys on the linted files, not on the registry, so a registry edit is not
 * seen by files whose results are cached: docs/rules/*.md say so and give the remedy.
 */
import path from 'node:path';
import type { TSESLint } from '@typescript-eslint/utils';
import { loadRegistry } from '../../src/registry/load.js';
import type { Registry } from '../../src/registry/types.js';
import { createFileCache } from './file-cache.js';

export interface KeydriftSettings {
  /** Key registry file, relative to the working directory. */
  registry?: string;
  /** Key-builder modules, relative to the working directory (default: the registry's). */
  builders?: string[];
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

export function keydriftSettings(context: AnyContext): KeydriftSettings {
  const value = (context.settings as { keydrift?: KeydriftSettings } | undefined)?.keydrift;
  return value && typeof value === 'object' ? value : {};
}

// A registry that does not load is not a lint finding: the rules then behave as if there were
// none (`keydrift analyze` reports it with file:line:column).
const loadRegistryFile = createFileCache((file, exists): Registry | undefined => {
  if (!exists) return undefined;
  try {
    return loadRegistry(file);
  } catch {
    return undefined;
  }
});

/** The registry named by `settings.keydrift.registry`, or undefined. */
export function registryFor(context: AnyContext): Registry | undefined {
  const file = keydriftSettings(context).registry;
  return file ? loadRegistryFile(path.resolve(context.cwd, file)) : undefined;
}

/** Builder modules, absolute: the option, else settings, else the registry's `builders`. */
export function builderModules(context: AnyContext, option: string[] | undefined): string[] {
  const registry = registryFor(context);
  const list = option ?? keydriftSettings(context).builders ?? registry?.builders ?? [];
  const base = option || keydriftSettings(context).builders || !registry ? context.cwd : path.dirname(registry.file);
  return list.map((m) => path.resolve(base, m));
}

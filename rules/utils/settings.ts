/**
 * `settings.keydrift` shared by the rules: the key registry, the key builders and the client
 * types (rules/utils/client-types.ts). Files are read once per process and again only when their
 * modification time changes.
 *
 * ESLint's --cache keys on the linted files, not on the registry, so a registry edit is not
 * seen by files whose results are cached: docs/rules/*.md say so and give the remedy.
 */
import path from 'node:path';
import type { FileSpecifier, PackageSpecifier, TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import type { TSESLint } from '@typescript-eslint/utils';
import { loadRegistry } from '../../src/registry/load.js';
import type { Registry } from '../../src/registry/types.js';
import type { ClientTypesEntry } from './client-types.js';
import { createFileCache } from './file-cache.js';

/** A key-builder function (or a class / object whose members are builders), by name. */
export type BuilderFunctionSpecifier = FileSpecifier | PackageSpecifier;

/** A `builders` entry: a builder module path, or a builder function. */
export type BuilderEntry = string | BuilderFunctionSpecifier;

export interface KeydriftSettings {
  /** Key registry file, relative to the working directory. */
  registry?: string;
  /**
   * Key builders (default: the registry's): module paths relative to the working directory, or
   * builder functions `{ from: 'file', name, path? }` / `{ from: 'package', package, name }`.
   */
  builders?: BuilderEntry[];
  /** Types or values that are Redis clients, per flavour. */
  clientTypes?: ClientTypesEntry[];
  /** Types or values that are never Redis clients. */
  ignoredClientTypes?: TypeOrValueSpecifier[];
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
  return file ? loadRegistryFile(resolvedPath(context.cwd, file)) : undefined;
}

// Every rule asks for every file: resolve each setting's path once.
const resolvedPaths = new Map<string, Map<string, string>>();

function resolvedPath(base: string, file: string): string {
  let byFile = resolvedPaths.get(base);
  if (!byFile) resolvedPaths.set(base, (byFile = new Map()));
  let resolved = byFile.get(file);
  if (resolved === undefined) byFile.set(file, (resolved = path.resolve(base, file)));
  return resolved;
}

export interface BuilderConfig {
  /** Builder modules, absolute paths. */
  modules: string[];
  /** Builder functions; a `file` specifier's `path` made absolute. Empty: calls are not checked. */
  functions: BuilderFunctionSpecifier[];
}

/**
 * The builders in force: the rule option, else `settings.keydrift.builders` (both relative to the
 * working directory), else the registry's `builders` (relative to the registry). Entries that are
 * neither a module path nor a well-formed function specifier are skipped.
 */
export function builderConfig(context: AnyContext, option: readonly unknown[] | undefined): BuilderConfig {
  const fromSettings = keydriftSettings(context).builders;
  let entries: readonly unknown[];
  let base = context.cwd;
  if (option) entries = option;
  else if (Array.isArray(fromSettings)) entries = fromSettings;
  else {
    const registry = registryFor(context);
    entries = registry?.builders ?? NO_ENTRIES;
    if (registry) base = path.dirname(registry.file);
  }
  // The same entries (one options, settings or registry object) reach every linted file: the
  // config is worked out once per entries and base, and its identity lets buildersOfConfig keep
  // its answer.
  let byBase = configsByEntries.get(entries);
  if (!byBase) configsByEntries.set(entries, (byBase = new Map()));
  let config = byBase.get(base);
  if (!config) byBase.set(base, (config = readBuilderEntries(entries, base)));
  return config;
}

const NO_ENTRIES: readonly unknown[] = [];
const configsByEntries = new WeakMap<readonly unknown[], Map<string, BuilderConfig>>();

function readBuilderEntries(entries: readonly unknown[], base: string): BuilderConfig {
  const modules: string[] = [];
  const functions: BuilderFunctionSpecifier[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (entry) modules.push(path.resolve(base, entry));
    } else if (isBuilderFunctionSpecifier(entry)) {
      functions.push(entry.from === 'file' && entry.path !== undefined ? { ...entry, path: path.resolve(base, entry.path) } : entry);
    }
  }
  return { modules, functions };
}

function isBuilderFunctionSpecifier(value: unknown): value is BuilderFunctionSpecifier {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const names = typeof v.name === 'string' ? [v.name] : Array.isArray(v.name) ? v.name : [];
  if (names.length === 0 || !names.every((n) => typeof n === 'string' && n.length > 0)) return false;
  if (v.from === 'file') return v.path === undefined || (typeof v.path === 'string' && v.path.length > 0);
  return v.from === 'package' && typeof v.package === 'string' && v.package.length > 0;
}

/** `@acme/cache` covers `@acme/cache` and `@acme/cache/node`, not `@acme/cache-extra`. */
export function isWithinPackage(specifier: string, pkg: string): boolean {
  return specifier === pkg || specifier.startsWith(`${pkg}/`);
}

/** Reading `keydrift.config.json` (JSONC, with a JSON Schema in schemas/config.schema.json). */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ExtraClientPackages } from '../redis/clients.js';
import type { FindingRule, Severity } from '../types.js';
import { compileSchema, ConfigFileError, parseJsoncDocument, type DocumentKind } from './jsonc-document.js';

export const CONFIG_FILE_NAME = 'keydrift.config.json';

/** A validated config; paths are absolute (they are written relative to the config file). */
export interface KeydriftConfig {
  file: string;
  dir: string;
  include?: string[];
  exclude?: string[];
  project?: string;
  registry?: string;
  types?: boolean;
  severity: Partial<Record<FindingRule, Severity | 'off'>>;
  clientPackages: ExtraClientPackages;
  baseline?: string;
  cacheLocation?: string;
  maxWarnings?: number;
}

const CONFIG_DOCUMENT: DocumentKind = {
  rootName: 'config',
  validator: compileSchema('config.schema.json'),
  makeError: (file, line, column, detail) => new ConfigFileError(file, line, column, detail),
};

export function findConfig(dir: string): string | undefined {
  const file = path.join(dir, CONFIG_FILE_NAME);
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
}

export function loadConfig(file: string): KeydriftConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigFileError(file, 1, 1, `cannot read config: ${(error as Error).message}`);
  }
  const { data } = parseJsoncDocument(text, file, CONFIG_DOCUMENT);
  const raw = data as Omit<KeydriftConfig, 'file' | 'dir' | 'severity' | 'clientPackages'> & {
    severity?: KeydriftConfig['severity'];
    clientPackages?: ExtraClientPackages;
  };
  const dir = path.dirname(path.resolve(file));
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(dir, p));
  return {
    file,
    dir,
    include: raw.include,
    exclude: raw.exclude,
    project: resolve(raw.project),
    registry: resolve(raw.registry),
    types: raw.types,
    severity: raw.severity ?? {},
    clientPackages: raw.clientPackages ?? {},
    baseline: resolve(raw.baseline),
    cacheLocation: resolve(raw.cacheLocation),
    maxWarnings: raw.maxWarnings,
  };
}

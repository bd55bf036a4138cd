/** `keydrift init`: a first registry from the templates the analyzer found. */
import { writeFileSync } from 'node:fs';
import { parseTemplate, templateShape } from '../keys/template.js';

export const REGISTRY_SCHEMA_REFERENCE = './node_modules/eslint-plugin-keydrift/schemas/registry.schema.json';

export interface FoundTemplate {
  template: string;
  reads: number;
  writes: number;
  deletes: number;
}

export interface InitialRegistryOptions {
  /** Known expiry per template text, in seconds; becomes the family's `ttl.max`. */
  ttlSeconds?: Map<string, number>;
  /** Entities whose writes were matched to a family by name, per template shape: pinned here. */
  invalidatedBy?: Map<string, string[]>;
}

interface FamilyEntry {
  template: string;
  ttl?: { max: number };
  invalidatedBy?: string[];
  description: string;
}

/** JSONC text (2-space indent) for a first registry: one family per template, in the given order. */
export function renderInitialRegistry(templates: FoundTemplate[], options: InitialRegistryOptions = {}): string {
  const keys: Record<string, FamilyEntry> = {};
  const taken = new Set<string>();
  for (const found of templates) {
    const name = uniqueName(familyNameFor(found.template), taken);
    taken.add(name);
    const ttl = options.ttlSeconds?.get(found.template);
    const entities = options.invalidatedBy?.get(templateShape(parseTemplate(found.template)));
    keys[name] = {
      template: found.template,
      ...(ttl !== undefined && { ttl: { max: ttl } }),
      ...(entities && entities.length > 0 && { invalidatedBy: entities }),
      description: `found: ${found.reads} reads, ${found.writes} writes, ${found.deletes} deletes`,
    };
  }
  const registry = {
    $schema: REGISTRY_SCHEMA_REFERENCE,
    keys,
    deprecated: {},
    builders: [],
    channels: {},
  };
  const header = [
    '// keydrift key registry, written by `keydrift init` from the keys found in the code.',
    '// Rename families, check the "invalidatedBy" entities (matched by name from the database',
    '// writes found), add "deprecated" templates, key "builders" and pub/sub "channels".',
    '// Comments and trailing commas are allowed.',
  ];
  return `${header.join('\n')}\n${JSON.stringify(registry, null, 2)}\n`;
}

/** Writes the registry, refusing to replace an existing file unless `force`. */
export function writeInitialRegistry(path: string, text: string, force: boolean): void {
  try {
    // `wx` fails if the file exists, with no window between a check and the write.
    writeFileSync(path, text, { encoding: 'utf8', flag: force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${path} already exists; pass --force to overwrite it`);
    }
    throw error;
  }
}

/** camelCase from the template's literal text: `product:v2:{id}` -> `productV2`. */
function familyNameFor(templateText: string): string {
  const words = parseTemplate(templateText)
    .segments.flatMap((segment) => (segment.kind === 'literal' ? segment.text.split(/[^\p{L}\p{N}]+/u) : []))
    .filter((word) => word !== '')
    // `API` reads as a word, not as `aPI`.
    .map((word) => (word === word.toUpperCase() ? word.toLowerCase() : word));
  if (words.length === 0) return 'key';
  const name = words
    .map((word, index) => (index === 0 ? word[0].toLowerCase() : word[0].toUpperCase()) + word.slice(1))
    .join('');
  // A name like `42` would be an integer-like object key, which JSON.stringify moves to the front.
  return /^\p{N}/u.test(name) ? `key${name[0].toUpperCase()}${name.slice(1)}` : name;
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let suffix = 2;
  while (taken.has(`${base}${suffix}`)) suffix++;
  return `${base}${suffix}`;
}

/**
 * Reading and validating the key registry (`keydrift.keys.json`, JSONC allowed).
 *
 * Every problem becomes a RegistryError naming the file, line and column, so the CLI can exit 2
 * with a message that points at what is wrong.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findNodeAtLocation, getNodeValue, type JSONPath, type Node } from 'jsonc-parser';
import {
  compileSchema,
  ConfigFileError,
  formatPath,
  lineLocator,
  parseJsoncDocument,
  propertiesOf,
  sourceOffsetInString,
  stringsIn,
  type DocumentKind,
  type Fail,
} from '../config/jsonc-document.js';
import { formatTemplate, hasLiteral, parseTemplate, templateShape, TemplateSyntaxError, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import type { DeprecatedTemplate, Registry, RegistryChannel, RegistryFamily } from './types.js';

export const REGISTRY_FILE_NAME = 'keydrift.keys.json';

export class RegistryError extends ConfigFileError {
  constructor(file: string, line: number, column: number, detail: string) {
    super(file, line, column, detail);
    this.name = 'RegistryError';
  }
}

const REGISTRY_DOCUMENT: DocumentKind = {
  rootName: 'registry',
  validator: compileSchema('registry.schema.json'),
  describeDuplicate,
  makeError: (file, line, column, detail) => new RegistryError(file, line, column, detail),
};

/** Reads and validates a registry file. */
export function loadRegistry(path: string): Registry {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RegistryError(path, 1, 1, `cannot read registry: ${(error as Error).message}`);
  }
  return parseRegistry(text, path);
}

/** The registry in `dir` (not its parents), if there is one. */
export function findRegistry(dir: string): string | undefined {
  const path = join(dir, REGISTRY_FILE_NAME);
  return statSync(path, { throwIfNoEntry: false })?.isFile() ? path : undefined;
}

/** Parses and validates registry text; `file` is used in errors and stored as given. */
export function parseRegistry(text: string, file: string): Registry {
  const { root, source, fail } = parseJsoncDocument(text, file, REGISTRY_DOCUMENT);
  return buildRegistry(root, source, file, fail);
}

/**
 * The family a template belongs to: the one with the same shape if any, else the first whose
 * template can produce a key in common with it.
 */
export function matchFamily(registry: Registry, template: Template): RegistryFamily | undefined {
  let byText = familyByText.get(registry);
  if (!byText) familyByText.set(registry, (byText = new Map()));
  const text = formatTemplate(template);
  let found = byText.get(text);
  if (found === undefined) byText.set(text, (found = matchTemplate(registry.families, (family) => family.template, template) ?? null));
  return found ?? undefined;
}

// The ESLint rules ask about the same keys in every file, against one loaded registry.
const familyByText = new WeakMap<Registry, Map<string, RegistryFamily | null>>();

/** The deprecated template `template` belongs to, found like matchFamily. */
export function matchDeprecated(registry: Registry, template: Template): DeprecatedTemplate | undefined {
  return matchTemplate(registry.deprecated, (entry) => entry.template, template);
}

export type KeyClass = { kind: 'family'; family: RegistryFamily } | { kind: 'deprecated'; entry: DeprecatedTemplate } | { kind: 'unknown' };

/**
 * What the registry says about a key: an exact family shape wins over an exact deprecated one,
 * which wins over families and deprecated templates that merely unify (so a registered
 * `product:index` is not taken for the deprecated `product:{id}`).
 */
export function classifyKey(registry: Registry, template: Template): KeyClass {
  // By text, like matchFamily: the rules ask about the same keys in every file.
  const text = formatTemplate(template);
  let byText = classByText.get(registry);
  if (!byText) classByText.set(registry, (byText = new Map()));
  let found = byText.get(text);
  if (!found) byText.set(text, (found = classifyUncached(registry, template, templateShape(template))));
  return found;
}

const classByText = new WeakMap<Registry, Map<string, KeyClass>>();

function classifyUncached(registry: Registry, template: Template, shape: string): KeyClass {
  const exactFamily = registry.families.find((f) => templateShape(f.template) === shape);
  if (exactFamily) return { kind: 'family', family: exactFamily };
  const deprecated = matchDeprecated(registry, template);
  if (deprecated && templateShape(deprecated.template) === shape) return { kind: 'deprecated', entry: deprecated };
  const family = matchFamily(registry, template);
  if (family) return { kind: 'family', family };
  return deprecated ? { kind: 'deprecated', entry: deprecated } : { kind: 'unknown' };
}

function matchTemplate<T>(entries: readonly T[], templateOf: (entry: T) => Template, template: Template): T | undefined {
  const shape = templateShape(template);
  const exact = entries.find((entry) => templateShape(templateOf(entry)) === shape);
  if (exact) return exact;
  // A template with no literal text says nothing about the key: matching it would be a guess.
  if (!hasLiteral(template)) return undefined;
  return entries.find((entry) => unify(templateOf(entry), template));
}

function describeDuplicate(path: JSONPath, name: string): string | undefined {
  if (path.length === 1) {
    if (path[0] === 'keys') return `duplicate key family '${name}'`;
    if (path[0] === 'deprecated') return `duplicate deprecated template '${name}'`;
    if (path[0] === 'channels') return `duplicate channel '${name}'`;
  }
  return undefined;
}

/** Builds the Registry from a tree that passed the schema, parsing every template. */
function buildRegistry(root: Node, source: string, file: string, fail: Fail): Registry {
  const lineAndColumn = lineLocator(source);
  const topLevel = new Map(propertiesOf(root).map((p) => [p.name, p.valueNode]));

  const parseTemplateAt = (stringNode: Node, where: string): Template => {
    const text = stringNode.value as string;
    try {
      return parseTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      const offset = sourceOffsetInString(source, stringNode.offset, error.offset);
      return fail(offset, `${where}: invalid template '${text}': ${error.message}`);
    }
  };

  const families = propertiesOf(topLevel.get('keys')).map(({ name, keyNode, valueNode }): RegistryFamily => {
    const where = formatPath(['keys', name], 'registry');
    const templateNode = findNodeAtLocation(valueNode, ['template'])!;
    const family: RegistryFamily = {
      name,
      templateText: templateNode.value as string,
      template: parseTemplateAt(templateNode, `${where}.template`),
      invalidatedBy: stringsIn(findNodeAtLocation(valueNode, ['invalidatedBy'])),
      position: lineAndColumn(keyNode.offset),
    };
    const ttlNode = findNodeAtLocation(valueNode, ['ttl']);
    if (ttlNode) {
      const ttl = getNodeValue(ttlNode) as NonNullable<RegistryFamily['ttl']>;
      if (ttl.min !== undefined && ttl.max !== undefined && ttl.min > ttl.max) {
        const minNode = findNodeAtLocation(ttlNode, ['min'])!;
        fail(minNode.offset, `${where}.ttl.min (${ttl.min}) is greater than ${where}.ttl.max (${ttl.max})`);
      }
      family.ttl = ttl;
    }
    const description = findNodeAtLocation(valueNode, ['description'])?.value as string | undefined;
    if (description !== undefined) family.description = description;
    return family;
  });

  const deprecated = propertiesOf(topLevel.get('deprecated')).map(({ name, keyNode, valueNode }): DeprecatedTemplate => {
    const where = formatPath(['deprecated', name], 'registry');
    return {
      templateText: name,
      template: parseTemplateAt(keyNode, `${where} (deprecated template)`),
      replacementText: valueNode.value as string,
      replacement: parseTemplateAt(valueNode, `${where} (replacement)`),
    };
  });

  const familyNames = new Set(families.map((f) => f.name));
  const channels = propertiesOf(topLevel.get('channels')).map(({ name, keyNode, valueNode }): RegistryChannel => {
    const where = formatPath(['channels', name], 'registry');
    const template = parseTemplateAt(keyNode, `${where} (channel name)`);
    const invalidatesNode = findNodeAtLocation(valueNode, ['invalidates']);
    const invalidates = (invalidatesNode?.children ?? []).map((item, index) => {
      const familyName = item.value as string;
      if (!familyNames.has(familyName)) {
        fail(item.offset, `${where}.invalidates[${index}]: unknown key family '${familyName}' (not under "keys")`);
      }
      return familyName;
    });
    return { name, template, invalidates };
  });

  return { file, families, deprecated, builders: stringsIn(topLevel.get('builders')), channels };
}

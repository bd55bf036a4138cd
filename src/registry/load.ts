/**
 * Reading and validating the key registry (`keydrift.keys.json`, JSONC allowed).
 *
 * Every problem becomes a RegistryError naming the file, line and column, so the CLI can exit 2
 * with a message that points at what is wrong.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type JSONPath,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { hasLiteral, parseTemplate, templateShape, TemplateSyntaxError, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import type { DeprecatedTemplate, Registry, RegistryChannel, RegistryFamily } from './types.js';

export const REGISTRY_FILE_NAME = 'keydrift.keys.json';

export class RegistryError extends Error {
  constructor(
    readonly file: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based, in UTF-16 code units. */
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'RegistryError';
  }
}

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
  // Editors put the BOM before column 1, so positions are counted in the text without it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fail = (offset: number, detail: string): never => {
    const { line, column } = lineAndColumn(source, offset);
    throw new RegistryError(file, line, column, detail);
  };

  const syntaxErrors: ParseError[] = [];
  const root = parseTree(source, syntaxErrors, { allowTrailingComma: true });
  if (syntaxErrors.length > 0) fail(syntaxErrors[0].offset, describeSyntaxError(syntaxErrors[0]));
  if (!root) return fail(0, 'syntax error: value expected');

  // Before the schema: with a duplicate name the schema would see only the last one.
  rejectDuplicateNames(root, [], fail);

  const data: unknown = getNodeValue(root);
  if (!validateRegistryData(data)) {
    const problem = describeSchemaError(root, data, validateRegistryData.errors![0]);
    fail(problem.offset, problem.detail);
  }
  return buildRegistry(root, source, file, fail);
}

/**
 * The family a template belongs to: the one with the same shape if any, else the first whose
 * template can produce a key in common with it.
 */
export function matchFamily(registry: Registry, template: Template): RegistryFamily | undefined {
  return matchTemplate(registry.families, (family) => family.template, template);
}

/** The deprecated template `template` belongs to, found like matchFamily. */
export function matchDeprecated(registry: Registry, template: Template): DeprecatedTemplate | undefined {
  return matchTemplate(registry.deprecated, (entry) => entry.template, template);
}

function matchTemplate<T>(entries: readonly T[], templateOf: (entry: T) => Template, template: Template): T | undefined {
  const shape = templateShape(template);
  const exact = entries.find((entry) => templateShape(templateOf(entry)) === shape);
  if (exact) return exact;
  // A template with no literal text says nothing about the key: matching it would be a guess.
  if (!hasLiteral(template)) return undefined;
  return entries.find((entry) => unify(templateOf(entry), template));
}

// ---------------------------------------------------------------------------------------------
// Schema

type Fail = (offset: number, detail: string) => never;

// The schema sits at the package root: two levels up from src/registry, three from dist/src/registry.
function findSchemaFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schemas', 'registry.schema.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('keydrift: schemas/registry.schema.json not found');
    dir = parent;
  }
}

// `verbose` puts the failing subschema on each error: the `not` rule carries its message there.
const validateRegistryData = new Ajv({ allErrors: true, verbose: true }).compile(
  JSON.parse(readFileSync(findSchemaFile(), 'utf8')) as object,
);

/** Where in the file a schema error is, and what to say about it. */
function describeSchemaError(root: Node, data: unknown, error: ErrorObject): { offset: number; detail: string } {
  const path = toJsonPath(data, error.instancePath);
  const node = findNodeAtLocation(root, path) ?? root;
  const where = formatPath(path);
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const unknown = path.length === 0 ? `unknown top-level field '${name}'` : `unknown field '${name}' in ${where}`;
      return {
        offset: keyNodeOf(findNodeAtLocation(root, [...path, name])) ?? node.offset,
        detail: `${unknown} (expected ${allowed.map((n) => `'${n}'`).join(', ')})`,
      };
    }
    case 'type':
      return { offset: node.offset, detail: `${where} must be ${String(params.type)}` };
    case 'required':
      return {
        offset: keyNodeOf(node) ?? node.offset,
        detail: `${where} is missing required field '${String(params.missingProperty)}'`,
      };
    case 'const':
      return { offset: node.offset, detail: `${where} must be ${JSON.stringify(params.allowedValue)}` };
    case 'minLength':
      // With `propertyName` set, the error is about a name (from `propertyNames`), not a value.
      if (error.propertyName !== undefined) {
        const nameNode = keyNodeOf(findNodeAtLocation(root, [...path, error.propertyName]));
        return { offset: nameNode ?? node.offset, detail: `${where} has an empty name` };
      }
      return { offset: node.offset, detail: `${where} must not be empty` };
    case 'minimum':
      return { offset: node.offset, detail: `${where} must be >= ${String(params.limit)}` };
    case 'not': {
      const message = (error.schema as { description?: string }).description ?? 'is not allowed';
      return { offset: keyNodeOf(node) ?? node.offset, detail: `${where}: ${message}` };
    }
    default:
      return { offset: node.offset, detail: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/** An ajv instancePath (JSON Pointer) as a jsonc-parser path: array indexes must be numbers. */
function toJsonPath(data: unknown, pointer: string): JSONPath {
  if (pointer === '') return [];
  const path: JSONPath = [];
  let value = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value = (value as Record<string, unknown> | undefined)?.[segment];
    }
  }
  return path;
}

/** `keys.product.ttl.max`, `channels["cache:invalidate"].invalidates[0]`; the root is `registry`. */
function formatPath(path: JSONPath): string {
  if (path.length === 0) return 'registry';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_$][\w$]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

/** The offset of a property's name, given the property's value node. */
function keyNodeOf(valueNode: Node | undefined): number | undefined {
  const property = valueNode?.parent;
  return property?.type === 'property' ? property.children![0].offset : undefined;
}

function describeSyntaxError(error: ParseError): string {
  // `CloseBraceExpected` -> `close brace expected`
  const words = printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `syntax error: ${words}`;
}

// ---------------------------------------------------------------------------------------------
// Structure beyond the schema

interface Property {
  name: string;
  keyNode: Node;
  valueNode: Node;
}

function propertiesOf(node: Node | undefined): Property[] {
  if (node?.type !== 'object') return [];
  return node.children!.map((property) => {
    const [keyNode, valueNode] = property.children!;
    return { name: keyNode.value as string, keyNode, valueNode };
  });
}

function rejectDuplicateNames(node: Node, path: JSONPath, fail: Fail): void {
  if (node.type === 'array') {
    node.children!.forEach((child, index) => rejectDuplicateNames(child, [...path, index], fail));
    return;
  }
  if (node.type !== 'object') return;
  const seen = new Set<string>();
  for (const { name, keyNode, valueNode } of propertiesOf(node)) {
    if (seen.has(name)) fail(keyNode.offset, describeDuplicate(path, name));
    seen.add(name);
    rejectDuplicateNames(valueNode, [...path, name], fail);
  }
}

function describeDuplicate(path: JSONPath, name: string): string {
  if (path.length === 0) return `duplicate top-level field '${name}'`;
  if (path.length === 1) {
    if (path[0] === 'keys') return `duplicate key family '${name}'`;
    if (path[0] === 'deprecated') return `duplicate deprecated template '${name}'`;
    if (path[0] === 'channels') return `duplicate channel '${name}'`;
  }
  return `duplicate field '${name}' in ${formatPath(path)}`;
}

/** Builds the Registry from a tree that passed the schema, parsing every template. */
function buildRegistry(root: Node, source: string, file: string, fail: Fail): Registry {
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

  const families = propertiesOf(topLevel.get('keys')).map(({ name, valueNode }): RegistryFamily => {
    const where = formatPath(['keys', name]);
    const templateNode = findNodeAtLocation(valueNode, ['template'])!;
    const family: RegistryFamily = {
      name,
      templateText: templateNode.value as string,
      template: parseTemplateAt(templateNode, `${where}.template`),
      invalidatedBy: stringsIn(findNodeAtLocation(valueNode, ['invalidatedBy'])),
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
    const where = formatPath(['deprecated', name]);
    return {
      templateText: name,
      template: parseTemplateAt(keyNode, `${where} (deprecated template)`),
      replacementText: valueNode.value as string,
      replacement: parseTemplateAt(valueNode, `${where} (replacement)`),
    };
  });

  const familyNames = new Set(families.map((f) => f.name));
  const channels = propertiesOf(topLevel.get('channels')).map(({ name, keyNode, valueNode }): RegistryChannel => {
    const where = formatPath(['channels', name]);
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

/** The items of a string array that passed the schema; an absent array is empty. */
function stringsIn(arrayNode: Node | undefined): string[] {
  return (arrayNode?.children ?? []).map((item) => item.value as string);
}

/**
 * The source offset of character `index` of a JSON string's value, the string's opening quote
 * being at `quoteOffset`. Escapes (`\"`, `\u0041`) are longer in the source than in the value.
 */
function sourceOffsetInString(source: string, quoteOffset: number, index: number): number {
  let offset = quoteOffset + 1;
  for (let i = 0; i < index; i++) {
    if (source[offset] !== '\\') offset += 1;
    else offset += source[offset + 1] === 'u' ? 6 : 2;
  }
  return offset;
}

/** 1-based line and column of an offset; `\n`, `\r\n` and a lone `\r` each end a line. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    const isBreak = ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a);
    if (isBreak) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Reading a JSONC file that has a JSON Schema (the key registry, the config file): syntax
 * errors, duplicate names and schema violations all become a ConfigFileError naming the file,
 * line and column, so the CLI can exit 2 with a message that points at what is wrong.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';

export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based, in UTF-16 code units. */
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'ConfigFileError';
  }
}

export type Fail = (offset: number, detail: string) => never;

export interface JsoncDocument {
  root: Node;
  data: unknown;
  /** The text without a BOM: offsets in the tree are offsets in this. */
  source: string;
  fail: Fail;
}

export interface DocumentKind {
  /** What the root is called in messages (`registry`, `config`). */
  rootName: string;
  /** The schema's validator (see compileSchema). */
  validator: () => ValidateFunction;
  /** How a duplicate property name is described, by where it is. */
  describeDuplicate?: (path: JSONPath, name: string) => string | undefined;
  makeError: (file: string, line: number, column: number, detail: string) => ConfigFileError;
}

/** Parses JSONC text and checks it against the kind's schema; throws the kind's error. */
export function parseJsoncDocument(text: string, file: string, kind: DocumentKind): JsoncDocument {
  // Editors put the BOM before column 1, so positions are counted in the text without it.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fail: Fail = (offset, detail) => {
    const { line, column } = lineAndColumn(source, offset);
    throw kind.makeError(file, line, column, detail);
  };

  const syntaxErrors: ParseError[] = [];
  const root = parseTree(source, syntaxErrors, { allowTrailingComma: true });
  if (syntaxErrors.length > 0) fail(syntaxErrors[0].offset, describeSyntaxError(syntaxErrors[0]));
  if (!root) return fail(0, 'syntax error: value expected');

  // Before the schema: with a duplicate name the schema would see only the last one.
  rejectDuplicateNames(root, [], fail, kind);

  const data: unknown = getNodeValue(root);
  const validate = kind.validator();
  if (!validate(data)) {
    const problem = describeSchemaError(root, data, validate.errors![0], kind.rootName);
    fail(problem.offset, problem.detail);
  }
  return { root, data, source, fail };
}

/**
 * The validator of one of the package's schemas (`schemas/<name>`, found from src/ and dist/src/
 * alike), made on first use (most runs read no config file, and an ESLint run without a registry
 * none at all): the build's standalone module (scripts/build-validators.mjs) when it was made
 * from this very schema text, else compiled with Ajv here (~60 ms with loading Ajv).
 */
export function compileSchema(name: string): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => {
    if (!compiled) {
      const text = readFileSync(findSchemaFile(name), 'utf8');
      compiled = precompiledValidator(name, text) ?? compileAtRunTime(text);
    }
    return compiled;
  };
}

const require = createRequire(import.meta.url);

function precompiledValidator(name: string, schemaText: string): ValidateFunction | undefined {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'validators', name.replace(/\.json$/, '.cjs'));
  if (!existsSync(file)) return undefined;
  const validate = require(file) as ValidateFunction & { schemaSha1?: string };
  return validate.schemaSha1 === createHash('sha1').update(schemaText).digest('hex') ? validate : undefined;
}

/** Ajv with the options the build compiles with. */
export function compileAtRunTime(schemaText: string): ValidateFunction {
  const { Ajv } = require('ajv') as typeof import('ajv');
  // `verbose` puts the failing subschema on each error: the `not` rule carries its message there.
  return new Ajv({ allErrors: true, verbose: true }).compile(JSON.parse(schemaText) as object);
}

function findSchemaFile(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schemas', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`keydrift: schemas/${name} not found`);
    dir = parent;
  }
}

/** Where in the file a schema error is, and what to say about it. */
function describeSchemaError(root: Node, data: unknown, error: ErrorObject, rootName: string): { offset: number; detail: string } {
  const path = toJsonPath(data, error.instancePath);
  const node = findNodeAtLocation(root, path) ?? root;
  const where = formatPath(path, rootName);
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
    case 'enum':
      if (error.propertyName !== undefined) {
        const nameNode = keyNodeOf(findNodeAtLocation(root, [...path, error.propertyName]));
        return { offset: nameNode ?? node.offset, detail: `unknown name '${error.propertyName}' in ${where} (expected ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})` };
      }
      return { offset: node.offset, detail: `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
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

/** `keys.product.ttl.max`, `channels["cache:invalidate"].invalidates[0]`; the root is `rootName`. */
export function formatPath(path: JSONPath, rootName: string): string {
  if (path.length === 0) return rootName;
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

export interface Property {
  name: string;
  keyNode: Node;
  valueNode: Node;
}

export function propertiesOf(node: Node | undefined): Property[] {
  if (node?.type !== 'object') return [];
  return node.children!.map((property) => {
    const [keyNode, valueNode] = property.children!;
    return { name: keyNode.value as string, keyNode, valueNode };
  });
}

function rejectDuplicateNames(node: Node, path: JSONPath, fail: Fail, kind: DocumentKind): void {
  if (node.type === 'array') {
    node.children!.forEach((child, index) => rejectDuplicateNames(child, [...path, index], fail, kind));
    return;
  }
  if (node.type !== 'object') return;
  const seen = new Set<string>();
  for (const { name, keyNode, valueNode } of propertiesOf(node)) {
    if (seen.has(name)) {
      const detail =
        kind.describeDuplicate?.(path, name) ?? (path.length === 0 ? `duplicate top-level field '${name}'` : `duplicate field '${name}' in ${formatPath(path, kind.rootName)}`);
      fail(keyNode.offset, detail);
    }
    seen.add(name);
    rejectDuplicateNames(valueNode, [...path, name], fail, kind);
  }
}

/** The items of a string array that passed the schema; an absent array is empty. */
export function stringsIn(arrayNode: Node | undefined): string[] {
  return (arrayNode?.children ?? []).map((item) => item.value as string);
}

/**
 * The source offset of character `index` of a JSON string's value, the string's opening quote
 * being at `quoteOffset`. Escapes (`\"`, `\u0041`) are longer in the source than in the value.
 */
export function sourceOffsetInString(source: string, quoteOffset: number, index: number): number {
  let offset = quoteOffset + 1;
  for (let i = 0; i < index; i++) {
    if (source[offset] !== '\\') offset += 1;
    else offset += source[offset + 1] === 'u' ? 6 : 2;
  }
  return offset;
}

/** 1-based line and column of an offset; `\n`, `\r\n` and a lone `\r` each end a line. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  return lineLocator(text)(offset);
}

/**
 * lineAndColumn for many offsets into one text (a registry places every family): the line
 * starts are found once, then each offset is a binary search.
 */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) starts.push(i + 1);
  }
  return (offset) => {
    // The last line start at or before the offset (a start equal to it counts only when the
    // break before it lies before the offset, as in a scan up to the offset).
    const end = Math.min(offset, text.length);
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= end) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}

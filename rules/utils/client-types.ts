/**
 * `settings.keydrift.clientTypes` and `settings.keydrift.ignoredClientTypes`: which receivers are
 * Redis clients (and of which flavour), and which never are, named with typescript-eslint's
 * TypeOrValueSpecifier. The answer is the `classify` hook of the client context
 * (src/redis/clients.ts), asked by discovery about the receiver of a call whose method name is a
 * Redis command, so after the rules' syntactic filter (`isCandidateCall`) and never for other
 * member calls.
 *
 * - With type information, a specifier matches the receiver's type (`typeMatchesSomeSpecifier`,
 *   `null` / `undefined` stripped, every member of a union).
 * - With or without it, a `{ from: 'package' }` specifier also matches by import data flow: a
 *   value imported from the package under that name (an exported client instance), a class of
 *   the package constructed with `new`, a parameter, variable or field annotated with a type of
 *   the package, and what is derived from those (`const c = x`, `x.multi()`, `this.field`).
 * - Other forms (`{ from: 'file' }`, `{ from: 'lib' }`, a bare name) need type information.
 *
 * `ignoredClientTypes` wins over `clientTypes`, and both over keydrift's own recognition.
 * Malformed entries are skipped, and nothing here throws.
 */
import { createRequire } from 'node:module';
import type { PackageSpecifier, TypeOrValueSpecifier } from '@typescript-eslint/type-utils';
import ts from '#typescript';
import { clientOf, PIPELINE_METHODS, type ClientContext, type ClientValue } from '../../src/redis/clients.js';
import { constructorAssignments, enclosingClass, findClassMember, lookupName, skipOuterExpressions, type Binding } from '../../src/resolve/declarations.js';
import { isWithinPackage } from './settings.js';

export type ClientFlavour = ClientValue['kind'];

/** One `settings.keydrift.clientTypes` entry: these types or values are clients of this flavour. */
export interface ClientTypesEntry {
  client: ClientFlavour;
  types: TypeOrValueSpecifier[];
}

const FLAVOURS: readonly ClientFlavour[] = ['ioredis', 'node-redis', 'upstash'];

interface ParsedClientTypes {
  clients: ClientTypesEntry[];
  ignored: TypeOrValueSpecifier[];
}

/** Names of a specifier's `name`, or of a bare string specifier. */
function namesOf(specifier: TypeOrValueSpecifier): string[] {
  if (typeof specifier === 'string') return [specifier];
  return typeof specifier.name === 'string' ? [specifier.name] : specifier.name;
}

/** A well-formed TypeOrValueSpecifier (the shape of typescript-eslint's `typeOrValueSpecifiersSchema`). */
export function isTypeOrValueSpecifier(value: unknown): value is TypeOrValueSpecifier {
  if (typeof value === 'string') return value.length > 0;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const name = v.name;
  const nameOk = (typeof name === 'string' && name.length > 0) || (Array.isArray(name) && name.length > 0 && name.every((n) => typeof n === 'string' && n.length > 0));
  if (!nameOk) return false;
  if (v.from === 'file') return v.path === undefined || typeof v.path === 'string';
  if (v.from === 'lib') return true;
  if (v.from === 'package') return typeof v.package === 'string' && v.package.length > 0;
  return false;
}

/**
 * node-redis's types are declared by `@redis/client` and re-exported by `redis`: a specifier
 * naming either package names both.
 */
function withNodeRedisAliases(specifiers: TypeOrValueSpecifier[]): TypeOrValueSpecifier[] {
  const out = [...specifiers];
  for (const s of specifiers) {
    if (typeof s === 'string' || s.from !== 'package') continue;
    const alias = s.package === 'redis' ? '@redis/client' : s.package === '@redis/client' ? 'redis' : undefined;
    if (alias) out.push({ ...s, package: alias });
  }
  return out;
}

const parsedCache = new WeakMap<object, ParsedClientTypes>();

/** The two settings, with malformed entries left out; empty when absent. */
export function parseClientTypes(settings: { clientTypes?: unknown; ignoredClientTypes?: unknown } | undefined): ParsedClientTypes {
  if (!settings || typeof settings !== 'object') return { clients: [], ignored: [] };
  const cached = parsedCache.get(settings);
  if (cached) return cached;
  const clients: ClientTypesEntry[] = [];
  if (Array.isArray(settings.clientTypes)) {
    for (const entry of settings.clientTypes as unknown[]) {
      if (!entry || typeof entry !== 'object') continue;
      const { client, types } = entry as { client?: unknown; types?: unknown };
      if (!FLAVOURS.includes(client as ClientFlavour) || !Array.isArray(types)) continue;
      const specifiers = types.filter(isTypeOrValueSpecifier);
      if (specifiers.length > 0) clients.push({ client: client as ClientFlavour, types: withNodeRedisAliases(specifiers) });
    }
  }
  const ignored = Array.isArray(settings.ignoredClientTypes) ? withNodeRedisAliases((settings.ignoredClientTypes as unknown[]).filter(isTypeOrValueSpecifier)) : [];
  const parsed = { clients, ignored };
  parsedCache.set(settings, parsed);
  return parsed;
}

/** What the settings say about one expression: a client of a flavour, ignored, or nothing. */
type Verdict = { kind: ClientFlavour; pipeline: boolean } | 'ignored' | undefined;

const SAME_CLIENT_METHODS = new Set(['duplicate', 'connect', 'withTypeMapping', 'withCommandOptions', 'isolated']);
const MAX_DEPTH = 6;

/**
 * The `classify` hook for a client context, or undefined when the settings name no client types
 * (then discovery pays nothing). `program` is the parser's program when linting with types.
 */
export function clientClassifier(
  settings: { clientTypes?: unknown; ignoredClientTypes?: unknown } | undefined,
  ctx: ClientContext,
  program: ts.Program | undefined,
): ((receiver: ts.Expression) => ClientValue | null | undefined) | undefined {
  const { clients, ignored } = parseClientTypes(settings);
  if (clients.length === 0 && ignored.length === 0) return undefined;
  const checker = program?.getTypeChecker();
  const packageSpecifiers = (list: TypeOrValueSpecifier[]) => list.filter((s): s is PackageSpecifier => typeof s !== 'string' && s.from === 'package');
  const ignoredPackages = packageSpecifiers(ignored);
  const clientPackages = clients.map((entry) => ({ client: entry.client, specifiers: packageSpecifiers(entry.types) }));

  /** By the receiver's type: every member of the (non-null) type must match. */
  const byType = (e: ts.Expression): Verdict => {
    if (!checker || !program) return undefined;
    let type: ts.Type;
    try {
      type = checker.getTypeAtLocation(e);
    } catch {
      return undefined;
    }
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return undefined;
    const nonNull = checker.getNonNullableType(type);
    const parts = nonNull.isUnion() ? nonNull.types : [nonNull];
    if (parts.length === 0) return undefined;
    const matches = (specifiers: TypeOrValueSpecifier[]) => {
      if (specifiers.length === 0) return false;
      try {
        const { typeMatchesSomeSpecifier } = typeUtils();
        return parts.every((part) => typeMatchesSomeSpecifier(part, specifiers, program));
      } catch {
        return false;
      }
    };
    if (matches(ignored)) return 'ignored';
    for (const entry of clients) if (matches(entry.types)) return { kind: entry.client, pipeline: false };
    return undefined;
  };

  /** An imported (or namespace-member) name against the package specifiers. */
  const byImport = (specifier: string, name: string): Verdict => {
    const hit = (list: PackageSpecifier[]) => list.some((s) => isWithinPackage(specifier, s.package) && namesOf(s).includes(name));
    if (hit(ignoredPackages)) return 'ignored';
    for (const entry of clientPackages) if (hit(entry.specifiers)) return { kind: entry.client, pipeline: false };
    return undefined;
  };

  /** `Name`, `ns.Name` (a value or a class) when it comes from a named package. */
  const byImportedName = (expr: ts.Expression): Verdict => {
    const e = skipOuterExpressions(expr);
    if (ts.isIdentifier(e)) {
      const binding = lookupName(e.text, e);
      if (binding?.kind !== 'import' || binding.imported === '*') return undefined;
      return byImport(binding.specifier, binding.imported === 'default' ? 'default' : binding.imported);
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      const binding = lookupName(e.expression.text, e.expression);
      if (binding?.kind === 'import' && binding.imported === '*') return byImport(binding.specifier, e.name.text);
    }
    return undefined;
  };

  /** A type annotation naming a package type: `CacheClient`, `acme.CacheClient`, `CacheClient | null`. */
  const byTypeNode = (type: ts.TypeNode): Verdict => {
    if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
      let found: Verdict;
      for (const member of type.types) {
        const verdict = byTypeNode(member);
        if (verdict === 'ignored') return verdict;
        found ??= verdict;
      }
      return found;
    }
    if (ts.isParenthesizedTypeNode(type)) return byTypeNode(type.type);
    if (!ts.isTypeReferenceNode(type)) return undefined;
    const name = type.typeName;
    if (ts.isIdentifier(name)) {
      const binding = lookupName(name.text, name);
      return binding?.kind === 'import' && binding.imported !== '*' ? byImport(binding.specifier, binding.imported) : undefined;
    }
    if (ts.isIdentifier(name.left)) {
      const binding = lookupName(name.left.text, name.left);
      if (binding?.kind === 'import' && binding.imported === '*') return byImport(binding.specifier, name.right.text);
    }
    return undefined;
  };

  const byDeclaration = (decl: ts.Node, depth: number): Verdict => {
    if (!(ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isPropertyDeclaration(decl))) return undefined;
    if (decl.type) {
      const typed = byTypeNode(decl.type);
      if (typed) return typed;
    }
    return decl.initializer ? verdictOf(decl.initializer, depth + 1) : undefined;
  };

  const byBinding = (binding: Binding, depth: number): Verdict => {
    if (binding.kind === 'import') return undefined; // byImportedName asked already
    return byDeclaration(binding.node, depth);
  };

  function verdictOf(expr: ts.Expression, depth: number): Verdict {
    if (depth > MAX_DEPTH) return undefined;
    const e = skipOuterExpressions(expr);
    const typed = byType(e);
    if (typed) return typed;
    const imported = byImportedName(e);
    if (imported) return imported;
    if (ts.isAwaitExpression(e)) return verdictOf(e.expression, depth + 1);
    if (ts.isNewExpression(e)) return byImportedName(e.expression);
    if (ts.isCallExpression(e)) {
      const callee = skipOuterExpressions(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const method = callee.name.text;
      if (!PIPELINE_METHODS.has(method) && !SAME_CLIENT_METHODS.has(method)) return undefined;
      const base = verdictOf(callee.expression, depth + 1);
      return base && base !== 'ignored' && PIPELINE_METHODS.has(method) ? { ...base, pipeline: true } : base;
    }
    if (ts.isIdentifier(e)) {
      const binding = lookupName(e.text, e);
      return binding ? byBinding(binding, depth) : undefined;
    }
    if (ts.isPropertyAccessExpression(e) && skipOuterExpressions(e.expression).kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(e);
      const member = cls && findClassMember(cls, e.name.text);
      if (!cls || !member) return undefined;
      const declared = byDeclaration(member, depth);
      if (declared) return declared;
      for (const assigned of constructorAssignments(cls, e.name.text)) {
        const verdict = verdictOf(assigned, depth + 1);
        if (verdict) return verdict;
      }
    }
    return undefined;
  }

  return (receiver) => {
    try {
      const verdict = verdictOf(receiver, 0);
      if (verdict === undefined) return undefined;
      if (verdict === 'ignored') return null;
      // Keep what data flow knows about the client (an ioredis keyPrefix, a pipeline).
      const known = clientOf(receiver, ctx);
      const value: ClientValue = { kind: verdict.kind, pipeline: verdict.pipeline || (known?.pipeline ?? false) };
      if (known?.keyPrefix && known.kind === verdict.kind) value.keyPrefix = known.keyPrefix;
      return value;
    } catch {
      return undefined;
    }
  };
}

// Loaded on the first type query: importing it costs ~40 ms, which every lint run would pay
// although only a typed run with clientTypes settings uses it.
let loadedTypeUtils: typeof import('@typescript-eslint/type-utils') | undefined;

function typeUtils(): typeof import('@typescript-eslint/type-utils') {
  return (loadedTypeUtils ??= createRequire(import.meta.url)('@typescript-eslint/type-utils') as typeof import('@typescript-eslint/type-utils'));
}

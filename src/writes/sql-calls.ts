/**
 * Raw SQL at call sites: `client.query('UPDATE …')`, `knex.raw(…)`, `prisma.$executeRawUnsafe(…)`,
 * pg `{ text, values }` configs, and tagged templates (`sql\`…\``, `prisma.$executeRaw\`…\``).
 * The text is resolved like a Redis key (consts, imports, concatenation), holes shown as `?`.
 */
import ts from '#typescript';
import { skipOuterExpressions } from '../resolve/declarations.js';
import { propertyNameText, resolveKey, type ResolveContext } from '../resolve/resolve-key.js';
import type { Template } from '../keys/template.js';
import { declarationOf, initializerOf, methodCall } from './orm-common.js';
import { drizzleTableName } from './orm-drizzle.js';
import { classifySql, type SqlClass } from './sql.js';
import type { DbWrite, SqlControl } from './types.js';

/** Methods that run the SQL text given as their first argument (pg, mysql2, knex, pg-promise, postgres.js, Prisma, TypeORM, Sequelize…). */
const SQL_METHODS = new Set([
  'query',
  'execute',
  'exec',
  'run',
  'none',
  'any',
  'one',
  'oneOrNone',
  'many',
  'manyOrNone',
  'result',
  'raw',
  'unsafe',
  '$executeRaw',
  '$executeRawUnsafe',
  '$queryRaw',
  '$queryRawUnsafe',
]);

export function isSqlMethod(name: string): boolean {
  return SQL_METHODS.has(name);
}

/** Tags whose template is SQL (postgres.js, Slonik, drizzle, Prisma, @vercel/postgres…). */
const SQL_TAGS = new Set(['sql', 'SQL', '$executeRaw', '$queryRaw', 'query']);

const STATEMENT_LENGTH = 80;

type SqlWrite = Extract<SqlClass, { kind: 'write' | 'unresolved' }>;

function isSqlWrite(found: SqlClass): found is SqlWrite {
  return found.kind === 'write' || found.kind === 'unresolved';
}

export function describeSqlWrite(node: ts.CallExpression | ts.TaggedTemplateExpression, ctx: ResolveContext): DbWrite | undefined {
  const writes: { text: string; found: SqlWrite }[] = [];
  for (const text of sqlTextsOf(node, ctx) ?? []) {
    const found = classifySql(text);
    if (isSqlWrite(found)) writes.push({ text, found });
  }
  if (writes.length === 0) return undefined;
  const [{ text, found }] = writes;
  // Alternatives (a conditional) that write different tables: the target is not one table.
  const tables = new Set(writes.map((w) => (w.found.kind === 'write' ? w.found.table : null)));
  const entity = tables.size === 1 && found.kind === 'write' ? found.table : null;
  // `${verb} INTO products …`: some write whose verb is unknown; reported as an update (rows change).
  return { orm: 'sql', operation: found.operation ?? 'update', entity, node, statement: statementText(text) };
}

/** `client.query('BEGIN')`, `sql\`COMMIT\``: the transaction control statement the call issues. */
export function sqlControlOfNode(node: ts.CallExpression | ts.TaggedTemplateExpression, ctx: ResolveContext): SqlControl | undefined {
  const texts = sqlTextsOf(node, ctx);
  if (!texts || texts.length !== 1) return undefined;
  const found = classifySql(texts[0]);
  return found.kind === 'control' ? found.control : undefined;
}

/** The SQL text alternatives a call or tagged template runs; undefined when it is not a raw SQL call. */
function sqlTextsOf(node: ts.CallExpression | ts.TaggedTemplateExpression, ctx: ResolveContext): string[] | undefined {
  if (ts.isTaggedTemplateExpression(node)) {
    const tag = skipOuterExpressions(node.tag);
    const tagName = ts.isIdentifier(tag) ? tag.text : ts.isPropertyAccessExpression(tag) ? tag.name.text : undefined;
    return tagName && SQL_TAGS.has(tagName) ? [taggedTemplateText(node.template, ctx)] : undefined;
  }
  const method = methodCall(node);
  const arg = node.arguments[0];
  if (!method || !SQL_METHODS.has(method.name) || !arg) return undefined;
  if (ts.isRegularExpressionLiteral(method.receiver)) return undefined; // `/re/.exec(text)`
  // `db.execute(sql\`…\`)`: the tagged template is the statement, reported on its own.
  if (ts.isTaggedTemplateExpression(skipOuterExpressions(arg))) return undefined;
  return argumentTexts(arg, ctx, 0);
}

/** A tagged template's substitutions are bound values, not text: each is a hole (a drizzle table is its name). */
function taggedTemplateText(template: ts.TemplateLiteral, ctx: ResolveContext): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  let text = template.head.text;
  for (const span of template.templateSpans) {
    text += drizzleTableName(span.expression, ctx) ?? '?';
    text += span.literal.text;
  }
  return text;
}

function argumentTexts(arg: ts.Expression, ctx: ResolveContext, depth: number): string[] | undefined {
  const e = skipOuterExpressions(arg);
  // `task.run(() => …)`, `any([…])`: not text, and not worth resolving.
  if (ts.isFunctionLike(e) || ts.isArrayLiteralExpression(e) || ts.isNumericLiteral(e) || ts.isClassExpression(e)) return undefined;
  const config = queryConfig(e, ctx);
  if (config) return depth < 4 ? argumentTexts(config, ctx, depth + 1) : undefined;
  if (ts.isObjectLiteralExpression(e)) return undefined;
  return resolveKey(e, ctx).templates.map(templateText);
}

/** pg `{ text: '…', values }`, mysql2 `{ sql: '…' }`, inline or in a const: the text property's value. */
function queryConfig(e: ts.Expression, ctx: ResolveContext): ts.Expression | undefined {
  let object: ts.Expression | undefined = e;
  if (ts.isIdentifier(e)) {
    const decl = declarationOf(e, ctx);
    object = decl && initializerOf(decl);
  }
  if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
  for (const prop of object.properties) {
    const name = prop.name && propertyNameText(prop.name);
    if (name !== 'text' && name !== 'sql') continue;
    if (ts.isPropertyAssignment(prop)) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
  }
  return undefined;
}

function templateText(template: Template): string {
  return template.segments.map((s) => (s.kind === 'literal' ? s.text : '?')).join('');
}

function statementText(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > STATEMENT_LENGTH ? `${collapsed.slice(0, STATEMENT_LENGTH - 1)}…` : collapsed;
}

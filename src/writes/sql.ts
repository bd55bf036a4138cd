/**
 * A small SQL classifier: is a statement a write, and to which table? Or a transaction control
 * statement (`BEGIN`, `COMMIT`, `ROLLBACK`)?
 *
 * Deliberately not a SQL parser. Full parser libraries (node-sql-parser, pgsql-ast-parser…) each
 * accept one or two dialects and reject the fragments found in application code: placeholders
 * (`?`, `$1`, `:id`, `@p`), template holes, vendor syntax, half-built statements. This job only
 * needs the first keywords of each statement and the table name after them, so a token scan does
 * it, across dialects, and never throws.
 */
import type { DbOperation, SqlControl } from './types.js';
import { detached } from '../keys/detached.js';

export type SqlClass =
  | { kind: 'write'; operation: DbOperation; table: string }
  | { kind: 'unresolved'; operation: DbOperation | null }
  | { kind: 'control'; control: SqlControl }
  | { kind: 'other' };

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'placeholder' | 'punct';
  /** Word text as written, quoted identifier without its quotes, or the punctuation. */
  text: string;
  start: number;
  end: number;
}

const OTHER: SqlClass = { kind: 'other' };

/**
 * Classifies SQL text. Holes (unknown parts of a built string) are expected as `?`. With several
 * statements, the first write decides; without one, the first statement does.
 */
export function classifySql(text: string): SqlClass {
  // The same statements recur (a query helper called from many files): each text is read once.
  let found = classified.get(text);
  if (found === undefined) {
    if (classified.size >= MAX_REMEMBERED) classified.clear();
    classified.set(detached(text), (found = classifyText(text)));
  }
  return found;
}

const classified = new Map<string, SqlClass>();
const MAX_REMEMBERED = 10_000;

function classifyText(text: string): SqlClass {
  let first: SqlClass | undefined;
  for (const statement of splitStatements(tokenize(text))) {
    const found = classifyStatement(statement);
    if (found.kind === 'write' || found.kind === 'unresolved') return found;
    first ??= found;
  }
  return first ?? OTHER;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: Token['kind'], text: string, start: number, end: number) => {
    tokens.push({ kind, text, start, end });
    i = end;
  };
  while (i < n) {
    const ch = sql[i];
    const next = sql[i + 1] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (ch === "'") {
      push('string', '', i, closingQuote(sql, i, "'"));
    } else if (ch === '"' || ch === '`') {
      const end = closingQuote(sql, i, ch);
      push('quoted', sql.slice(i + 1, end - 1).split(ch + ch).join(ch), i, end);
    } else if (ch === '[') {
      const end = closingQuote(sql, i, ']');
      push('quoted', sql.slice(i + 1, end - 1).split(']]').join(']'), i, end);
    } else if (ch === '$') {
      const dollarQuote = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i));
      if (dollarQuote) {
        const close = sql.indexOf(dollarQuote[0], i + dollarQuote[0].length);
        push('string', '', i, close < 0 ? n : close + dollarQuote[0].length);
      } else if (/\d/.test(next)) push('placeholder', '$', i, scanWhile(sql, i + 1, /\d/));
      else push('punct', ch, i, i + 1);
    } else if (ch === '?') {
      push('placeholder', '?', i, scanWhile(sql, i + 1, /[?\d]/)); // `?`, `?1`, knex's `??`
    } else if ((ch === ':' || ch === '@') && /[A-Za-z_]/.test(next) && sql[i - 1] !== ':') {
      push('placeholder', ch, i, scanWhile(sql, i + 1, /[\w$]/)); // `:id`, `@id` (not a `::type` cast)
    } else if (/[\p{L}_]/u.test(ch)) {
      const end = scanWhile(sql, i + 1, /[\p{L}\p{N}_$]/u);
      push('word', sql.slice(i, end), i, end);
    } else if (/\d/.test(ch)) {
      push('punct', '0', i, scanWhile(sql, i + 1, /[\d.]/));
    } else {
      push('punct', ch === ':' && next === ':' ? '::' : ch, i, ch === ':' && next === ':' ? i + 2 : i + 1);
    }
  }
  return tokens;
}

/** The offset after the quote that closes the one at `open` (a doubled quote is an escape). */
function closingQuote(sql: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function scanWhile(sql: string, from: number, pattern: RegExp): number {
  let i = from;
  while (i < sql.length && pattern.test(sql[i])) i++;
  return i;
}

/** Splits at `;` outside parentheses; empty statements are dropped. */
function splitStatements(tokens: Token[]): Token[][] {
  const statements: Token[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (isPunct(token, '(')) depth++;
    if (isPunct(token, ')')) depth = Math.max(0, depth - 1);
    if (depth === 0 && isPunct(token, ';')) statements.push([]);
    else statements[statements.length - 1].push(token);
  }
  return statements.filter((s) => s.length > 0);
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

/** Skips any of `words` (modifiers such as `ONLY`, `IGNORE`) from `i` on. */
function skipWords(t: Token[], i: number, words: string[]): number {
  while (isWord(t[i], ...words)) i++;
  return i;
}

function classifyStatement(t: Token[]): SqlClass {
  const first = t[0];
  if (first?.kind === 'placeholder') return leadingHole(t);
  if (first?.kind !== 'word') return OTHER;
  switch (first.text.toUpperCase()) {
    case 'WITH':
      return classifyWith(t, 1);
    case 'UPDATE':
      return target(t, skipWords(t, 1, ['ONLY', 'LOW_PRIORITY', 'IGNORE']), 'update');
    case 'INSERT':
      return classifyInsert(t);
    case 'REPLACE':
      return target(t, skipWords(t, 1, ['LOW_PRIORITY', 'DELAYED', 'INTO']), 'upsert');
    case 'UPSERT': // CockroachDB
      return target(t, skipWords(t, 1, ['INTO']), 'upsert');
    case 'DELETE':
      return classifyDelete(t);
    case 'MERGE':
      return target(t, skipWords(t, 1, ['INTO']), 'merge');
    case 'TRUNCATE':
      return target(t, skipWords(t, 1, ['TABLE', 'ONLY']), 'delete');
    case 'BEGIN': {
      // An anonymous block (`BEGIN UPDATE …; END`) writes; otherwise a transaction starts.
      const block = t[1]?.kind === 'word' ? classifyStatement(t.slice(1)) : OTHER;
      return block.kind === 'write' || block.kind === 'unresolved' ? block : { kind: 'control', control: 'begin' };
    }
    case 'START':
      return isWord(t[1], 'TRANSACTION') ? { kind: 'control', control: 'begin' } : OTHER;
    case 'COMMIT':
    case 'END':
      return { kind: 'control', control: 'commit' };
    case 'ROLLBACK':
    case 'ABORT': {
      // `ROLLBACK TO SAVEPOINT x` undoes part of a transaction and keeps it open.
      const after = skipWords(t, 1, ['WORK', 'TRANSACTION', 'TRAN']);
      return isWord(t[after], 'TO') ? OTHER : { kind: 'control', control: 'rollback' };
    }
    default:
      return OTHER;
  }
}

/** `WITH [RECURSIVE] a [(cols)] AS [NOT] [MATERIALIZED] (…), …`: a writing CTE body decides, else the main statement. */
function classifyWith(t: Token[], from: number): SqlClass {
  let i = skipWords(t, from, ['RECURSIVE']);
  for (;;) {
    if (t[i]?.kind !== 'word' && t[i]?.kind !== 'quoted') return OTHER;
    i++;
    if (isPunct(t[i], '(')) i = matchingParen(t, i) + 1;
    if (!isWord(t[i], 'AS')) return OTHER;
    i = skipWords(t, i + 1, ['NOT', 'MATERIALIZED']);
    if (!isPunct(t[i], '(')) return OTHER;
    const close = matchingParen(t, i);
    const body = classifyStatement(t.slice(i + 1, close));
    if (body.kind === 'write' || body.kind === 'unresolved') return body;
    i = close + 1;
    if (!isPunct(t[i], ',')) break;
    i++;
  }
  return classifyStatement(t.slice(i));
}

function matchingParen(t: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    if (isPunct(t[i], '(')) depth++;
    if (isPunct(t[i], ')') && --depth === 0) return i;
  }
  return t.length;
}

function classifyInsert(t: Token[]): SqlClass {
  let i = skipWords(t, 1, ['LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'IGNORE']);
  let operation: DbOperation = 'insert';
  if (isWord(t[i], 'OR')) {
    // SQLite: INSERT OR REPLACE is an upsert; OR IGNORE / ABORT / FAIL / ROLLBACK still insert.
    if (isWord(t[i + 1], 'REPLACE')) operation = 'upsert';
    i += 2;
  }
  i = skipWords(t, i, ['INTO']);
  const found = target(t, i, operation);
  const isWrite = found.kind === 'write' || found.kind === 'unresolved';
  return isWrite && operation === 'insert' && hasUpsertClause(t, i) ? { ...found, operation: 'upsert' } : found;
}

/** `ON DUPLICATE KEY UPDATE` or `ON CONFLICT … DO UPDATE` (`DO NOTHING` only inserts). */
function hasUpsertClause(t: Token[], from: number): boolean {
  for (let i = from; i < t.length; i++) {
    if (!isWord(t[i], 'ON')) continue;
    if (isWord(t[i + 1], 'DUPLICATE') && isWord(t[i + 2], 'KEY') && isWord(t[i + 3], 'UPDATE')) return true;
    if (isWord(t[i + 1], 'CONFLICT')) {
      for (let j = i + 2; j < t.length; j++) if (isWord(t[j], 'DO')) return isWord(t[j + 1], 'UPDATE');
      return true;
    }
  }
  return false;
}

function classifyDelete(t: Token[]): SqlClass {
  const i = skipWords(t, 1, ['LOW_PRIORITY', 'QUICK', 'IGNORE']);
  if (isWord(t[i], 'FROM')) return target(t, skipWords(t, i + 1, ['ONLY']), 'delete');
  // MySQL `DELETE p FROM products p JOIN …`: the table is the one after FROM.
  let depth = 0;
  for (let j = i; j < t.length; j++) {
    if (isPunct(t[j], '(')) depth++;
    if (isPunct(t[j], ')')) depth--;
    if (depth === 0 && isWord(t[j], 'FROM')) return target(t, skipWords(t, j + 1, ['ONLY']), 'delete');
  }
  return target(t, i, 'delete'); // Oracle / SQL Server `DELETE products WHERE …`
}

/** Words that cannot be a table name where one is expected: something else sits there. */
const NOT_A_TABLE = new Set(['SET', 'VALUES', 'SELECT', 'WHERE', 'FROM', 'USING', 'DEFAULT', 'AS', 'ON']);

/** The table at `i` (`t`, `s.t`, quoted forms) or unresolved when a hole or non-name sits there. */
function target(t: Token[], i: number, operation: DbOperation): SqlClass {
  if (!t[i]) return OTHER; // a lone keyword is not a statement
  const parts: string[] = [];
  for (;;) {
    const token = t[i];
    const isName = token?.kind === 'quoted' || (token?.kind === 'word' && !(parts.length === 0 && NOT_A_TABLE.has(token.text.toUpperCase())));
    if (!token || !isName) return { kind: 'unresolved', operation };
    const glued = t[i + 1];
    // `products_${suffix}`: a hole glued to the name makes the name unknown.
    if (glued && glued.start === token.end && glued.kind === 'placeholder') return { kind: 'unresolved', operation };
    parts.push(token.text);
    if (!isPunct(t[i + 1], '.')) break;
    i += 2;
  }
  return { kind: 'write', operation, table: parts.join('.') };
}

/**
 * A statement that starts with a hole (`${verb} INTO products …`): its operation is unknown.
 * It is reported as an unresolved write only when a write clause follows; a lone hole is nothing.
 */
function leadingHole(t: Token[]): SqlClass {
  return t.slice(1).some((token) => isWord(token, 'SET', 'INTO')) ? { kind: 'unresolved', operation: null } : OTHER;
}

/**
 * The database-write model shared by the ESLint rules and the analyzer: a write is a call (or a
 * tagged template) that changes rows of one entity (a table or a model).
 */
import type ts from '#typescript';

export type DbOperation = 'insert' | 'update' | 'delete' | 'upsert' | 'merge';

export type OrmKind = 'sql' | 'prisma' | 'typeorm' | 'knex' | 'drizzle' | 'sequelize' | 'mongoose';

export interface DbWrite {
  orm: OrmKind;
  operation: DbOperation;
  /**
   * The table or model as written in the code (`products`, `Product`, `public.products`), or
   * null when the statement is a write whose target cannot be determined: reported as
   * unresolved, never guessed.
   */
  entity: string | null;
  /** The call or tagged template that performs the write (for positions and ordering). */
  node: ts.Node;
  /** For SQL: the statement as resolved, holes shown as `?`, cut to 80 characters (messages). */
  statement?: string;
}

/** SQL transaction control statements (`BEGIN`, `COMMIT`…) issued through the same calls. */
export type SqlControl = 'begin' | 'commit' | 'rollback';

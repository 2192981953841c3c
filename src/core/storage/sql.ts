/**
 * The seam between repositories and a database backend. PGlite's own objects
 * satisfy it as they are; the PostgreSQL server adapter (backends/) returns
 * the same shapes: rows as objects, `affectedRows` for writes, timestamps as
 * Date, bigints as numbers (BigInt beyond 2^53), json/jsonb parsed, arrays as
 * arrays, bytea as Uint8Array, numeric and unknown types (vector) as text.
 * test/core/backend-conformance.test.ts holds both to it.
 */
export interface Field {
  name: string;
  dataTypeID: number;
}

export interface Results<T = Record<string, unknown>> {
  rows: T[];
  /** Rows written by INSERT/UPDATE/DELETE/COPY/MERGE; 0 for reads. */
  affectedRows?: number;
  fields: Field[];
}

/** Anything SQL can run on: the database or an open transaction. */
export interface Sql {
  /** One statement, parameterised ($1, $2, ...). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Results<T>>;
  /** Several statements separated by semicolons, without parameters. */
  exec(text: string): Promise<Results[]>;
}

/** The database plus its transaction entry point, as handed to repositories. */
export interface Db extends Sql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/**
 * A backend that can keep a statement parsed and planned across calls
 * (see prepared-statements.ts); PGlite is handled there directly.
 */
export interface PreparingSql extends Sql {
  queryPrepared<T>(text: string, params: unknown[]): Promise<Results<T>>;
}

export function canPrepare(sql: Sql): sql is PreparingSql {
  return typeof (sql as Partial<PreparingSql>).queryPrepared === 'function';
}

/**
 * A backend that takes COPY input from the client (a server: COPY ... FROM
 * STDIN). PGlite reads it from a blob instead; copy-in.ts picks the way.
 */
export interface CopyingSql extends Sql {
  /** Runs `statement`, a `COPY ... FROM STDIN`, with `data` as its input; returns rows written. */
  copyFromStdin(statement: string, data: Uint8Array): Promise<number>;
}

export function canCopyFromStdin(sql: Sql): sql is CopyingSql {
  return typeof (sql as Partial<CopyingSql>).copyFromStdin === 'function';
}

import type { PGlite, Transaction } from '@electric-sql/pglite';

/** Anything SQL can run on: the database or an open transaction. */
export type Sql = Pick<PGlite | Transaction, 'query' | 'exec'>;

/** The database plus its transaction entry point, as handed to repositories. */
export type Db = Sql & Pick<PGlite, 'transaction'>;

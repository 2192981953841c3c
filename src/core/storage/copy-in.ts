import type { PGlite } from '@electric-sql/pglite';
import { canCopyFromStdin, type Sql } from './sql';

/**
 * Writes rows in Postgres's binary COPY format into `target` (a table and
 * its column list, e.g. `passages (id, text)`), on either backend: a server
 * receives them as COPY ... FROM STDIN through its driver, PGlite reads them
 * from an in-memory blob (/dev/blob). The bytes are the same for both.
 */
export async function copyInBinary(sql: Sql, target: string, data: Uint8Array): Promise<void> {
  if (canCopyFromStdin(sql)) {
    await sql.copyFromStdin(`COPY ${target} FROM STDIN WITH (FORMAT binary)`, data);
    return;
  }
  // PGlite and its transactions take the blob as a query option.
  const pglite = sql as unknown as Pick<PGlite, 'query'>;
  await pglite.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT binary)`, [], {
    blob: new Blob([data]),
  });
}

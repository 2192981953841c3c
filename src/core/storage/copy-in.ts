import { PGlite } from '@electric-sql/pglite';
import { canCopyFromStdin, type Sql } from './sql';

let copies = 0;

/**
 * Writes rows in Postgres's binary COPY format into `target` (a table and
 * its column list, e.g. `passages (id, text)`), on either backend: a server
 * receives them as COPY ... FROM STDIN through its driver; PGlite reads them
 * from a file in its in-memory file system, or inside a transaction from a
 * blob (/dev/blob). The bytes are the same for all three.
 */
export async function copyInBinary(sql: Sql, target: string, data: Uint8Array): Promise<void> {
  if (canCopyFromStdin(sql)) {
    await sql.copyFromStdin(`COPY ${target} FROM STDIN WITH (FORMAT binary)`, data);
    return;
  }
  if (sql instanceof PGlite) {
    // Not /dev/blob: PGlite copies a blob into the WebAssembly heap a byte
    // at a time, after a Blob and its ArrayBuffer copied it twice (~5 µs a
    // row of a bulk load, ~4% of its CPU); a file in Emscripten's memory file
    // system (not the data folder) is read in whole chunks. PGlite runs as
    // the superuser COPY FROM a file needs.
    const fs = sql.Module.FS;
    const file = `/tmp/locus-copy-${process.pid}-${++copies}.bin`;
    fs.writeFile(file, data);
    try {
      await sql.query(`COPY ${target} FROM '${file}' WITH (FORMAT binary)`);
    } finally {
      fs.unlink(file);
    }
    return;
  }
  // A PGlite transaction takes the blob as a query option.
  const pglite = sql as unknown as Pick<PGlite, 'query'>;
  await pglite.query(`COPY ${target} FROM '/dev/blob' WITH (FORMAT binary)`, [], {
    blob: new Blob([data]),
  });
}

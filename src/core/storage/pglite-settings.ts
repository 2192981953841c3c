/**
 * How PGlite runs Locus's memory folder: settings for a laptop app that is
 * the database's only client. Most of a 10k-passage folder (113 of 167 MB)
 * was write-ahead log: Postgres's defaults keep 16 MB segments recycled for
 * reuse up to `min_wal_size` (80 MB) and log every page of an index build,
 * all for crash recovery and replicas that PGlite (fsync off, one process,
 * no replication) does not have.
 */

/**
 * PGlite runs Postgres as a single-user backend, which never checkpoints by
 * itself (`max_wal_size` only wakes a checkpointer process it does not
 * have): the log grew for as long as the folder was open, ~1 GB while
 * importing 100k passages. Locus checkpoints once this much log is written
 * (auto-analyze.ts, passages-bulk-load.ts).
 */
export const WAL_CHECKPOINT_BYTES = 64 * 2 ** 20;

/** Passed to initdb when a folder is created: 1 MB WAL segments instead of 16 MB. */
export const INITDB_PARAMS: readonly string[] = ['--wal-segsize=1'];

/**
 * Passed to the server at every open (valid for folders created with 16 MB
 * segments too).
 * - `wal_level=minimal`: an index build (the HNSW graph after a bulk load)
 *   writes its pages once instead of also into the log; crash safety of
 *   committed rows is unchanged (replication needs more, and PGlite has none).
 * - `wal_recycle=off`: segments behind a checkpoint are deleted, not kept
 *   for reuse, so the log on disk stays near one segment.
 */
export function serverParams(sharedBuffersMb: number): string[] {
  return [
    '-c',
    `shared_buffers=${sharedBuffersMb}MB`,
    '-c',
    'wal_level=minimal',
    '-c',
    'max_wal_senders=0',
    '-c',
    'wal_recycle=off',
  ];
}

interface Exec {
  query<T>(sql: string): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

/**
 * Drops the template databases initdb creates (~7 MB each, a third of a
 * 10k-passage folder): Locus opens one database and never creates another
 * from a template. PGlite only; run after a folder was created or upgraded.
 */
export async function dropTemplateDatabases(pg: Exec): Promise<void> {
  const found = await pg.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname IN ('template0', 'template1')",
  );
  for (const { datname } of found.rows) {
    await pg.exec(`UPDATE pg_database SET datistemplate = false WHERE datname = '${datname}'`);
    await pg.exec(`DROP DATABASE ${datname}`);
  }
}

import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { vector } from '@electric-sql/pglite-pgvector';
import { dataDirLayout } from './data-dir';
import { acquireDataDirLock } from './lock';

export interface IntegrityReport {
  ok: boolean;
  indexesChecked: number;
  problems: string[];
}

/**
 * Postgres's own structural check (amcheck) over every B-tree index of the
 * data folder, plus a heap read of every table. Used after crash trials and
 * before trusting a restored backup.
 */
export async function checkIntegrity(dataDir: string): Promise<IntegrityReport> {
  const lock = acquireDataDirLock({ dataDir });
  let pg: PGlite | undefined;
  const problems: string[] = [];
  let indexesChecked = 0;
  try {
    pg = await PGlite.create(dataDirLayout(dataDir).database, { extensions: { vector, amcheck } });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS amcheck');
    const indexes = await pg.query<{ name: string; oid: number }>(
      `SELECT c.relname AS name, c.oid::int AS oid
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_am a ON a.oid = c.relam
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.amname = 'btree' AND n.nspname = 'public'`,
    );
    for (const index of indexes.rows) {
      try {
        await pg.query('SELECT bt_index_check($1::regclass, true)', [index.oid]);
        indexesChecked++;
      } catch (error) {
        problems.push(`${index.name}: ${(error as Error).message}`);
      }
    }
    const tables = await pg.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
    );
    for (const table of tables.rows) {
      try {
        await pg.query(`SELECT count(*) FROM "${table.name.replace(/"/g, '""')}"`);
      } catch (error) {
        problems.push(`${table.name}: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    problems.push(`open: ${(error as Error).message}`);
  } finally {
    await pg?.close().catch(() => undefined);
    lock.release();
  }
  return { ok: problems.length === 0, indexesChecked, problems };
}

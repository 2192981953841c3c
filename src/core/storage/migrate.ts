import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import type { Migration } from './migrations/registry';
import type { Db } from './sql';

export interface MigrateOptions {
  db: Db;
  migrations: readonly Migration[];
  clock: Clock;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Brings the schema up to date, each migration in its own transaction. Refuses
 * (DATABASE_TOO_NEW) a database whose history this build does not recognise,
 * before touching it, so an older Locus can never damage newer data.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { db, migrations, clock } = options;
  await db.exec(`
    CREATE TABLE IF NOT EXISTS locus_migrations (
      id text PRIMARY KEY,
      position integer NOT NULL UNIQUE,
      applied_at timestamptz NOT NULL
    )
  `);
  const appliedIds = await checkSchemaKnown(db, migrations);

  const applied: string[] = [];
  for (const [index, migration] of migrations.entries()) {
    if (index < appliedIds.length) continue;
    try {
      await db.transaction(async (tx) => {
        await migration.up(tx);
        await tx.query(
          'INSERT INTO locus_migrations (id, position, applied_at) VALUES ($1, $2, $3)',
          [migration.id, index, clock.now()],
        );
      });
    } catch (error) {
      throw new LocusError(
        'MIGRATION_FAILED',
        `Locus could not upgrade its memory database (step "${migration.id}" failed: ${(error as Error).message}). Your data is as it was before this step; restore a backup or report this.`,
        { migration: migration.id },
      );
    }
    applied.push(migration.id);
  }
  return { applied, alreadyApplied: appliedIds.length };
}

/**
 * The migrations a database has had, refusing (DATABASE_TOO_NEW) a history
 * this build does not recognise. Reads only: `locus db use` checks a server
 * with it before saving it, so a database a newer Locus migrated is refused
 * then, not at every later start.
 */
export async function checkSchemaKnown(
  db: Db,
  migrations: readonly Migration[],
): Promise<string[]> {
  const table = await db.query<{ present: boolean }>(
    "SELECT to_regclass('locus_migrations') IS NOT NULL AS present",
  );
  if (!table.rows[0]?.present) return [];
  const done = await db.query<{ id: string }>('SELECT id FROM locus_migrations ORDER BY position');
  const appliedIds = done.rows.map((row) => row.id);
  const known = migrations.map((m) => m.id);
  appliedIds.forEach((id, index) => {
    if (known[index] !== id) {
      throw new LocusError(
        'DATABASE_TOO_NEW',
        `This memory database was written by a newer version of Locus (it has change "${id}" that this version does not know). Update Locus to open it; nothing was changed.`,
        { unknownMigration: id, applied: appliedIds, known },
      );
    }
  });
  return appliedIds;
}

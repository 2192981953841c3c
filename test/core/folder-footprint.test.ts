import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/storage/open-database';
import { createMaintenanceRepo } from '../../src/core/storage/repos/maintenance-repo';
import { tempDir } from '../helpers/test-core';

const MB = 2 ** 20;

function walBytes(dataDir: string): number {
  const wal = path.join(dataDir, 'pgdata', 'pg_wal');
  return fs
    .readdirSync(wal, { withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + fs.statSync(path.join(wal, e.name)).size, 0);
}

describe('memory folder footprint', () => {
  it('keeps the write-ahead log small and no template databases', async () => {
    const dataDir = tempDir();
    const db = await openDatabase({ dataDir });
    const setting = async (name: string) =>
      (
        await db.pg.query<{ setting: string }>('SELECT setting FROM pg_settings WHERE name = $1', [
          name,
        ])
      ).rows[0]?.setting;
    expect(await setting('wal_segment_size')).toBe(String(1 * MB));
    expect(await setting('wal_level')).toBe('minimal');
    const databases = await db.pg.query<{ datname: string }>('SELECT datname FROM pg_database');
    expect(databases.rows.map((r) => r.datname)).toEqual(['postgres']);
    // Some megabytes of writes.
    // An existing table: under wal_level=minimal a table created in the same statement is not logged.
    await db.pg.exec('CREATE TABLE filler (g int, pad text)');
    await db.pg.exec(
      "INSERT INTO filler SELECT g, repeat('x', 1000) FROM generate_series(1, 20000) g",
    );
    // PGlite's single backend never checkpoints by itself: the log grows until one is made.
    expect(walBytes(dataDir)).toBeGreaterThan(16 * MB);
    const maintenance = createMaintenanceRepo(db.pg);
    expect(await maintenance.checkpointIfWalOver(1 * MB)).toBe(true);
    expect(walBytes(dataDir)).toBeLessThan(8 * MB);
    expect(await maintenance.checkpointIfWalOver(1 * MB)).toBe(false);
    await db.close();
    expect(walBytes(dataDir)).toBeLessThan(8 * MB);
    // The folder still opens, with its data.
    const reopened = await openDatabase({ dataDir });
    const count = await reopened.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM filler');
    expect(count.rows[0]?.n).toBe(20000);
    await reopened.close();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/storage/open-database';
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
    // Some megabytes of writes: the log is cut back at checkpoints instead of growing.
    await db.pg.exec(
      `CREATE TABLE filler AS SELECT g, repeat('x', 1000) AS pad FROM generate_series(1, 20000) g`,
    );
    await db.pg.exec('CHECKPOINT');
    await db.close();
    expect(walBytes(dataDir)).toBeLessThan(8 * MB);
    // The folder still opens, with its data.
    const reopened = await openDatabase({ dataDir });
    const count = await reopened.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM filler');
    expect(count.rows[0]?.n).toBe(20000);
    await reopened.close();
  });
});

import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/storage/open-database';
import { queryPrepared } from '../../src/core/storage/prepared-statements';
import { onCleanup, templateBlob } from '../helpers/test-core';

async function freshDb() {
  const db = await openDatabase({ template: templateBlob() });
  onCleanup(() => db.close());
  await db.pg.exec(`CREATE TABLE notes (id int PRIMARY KEY, body text, tags text[], at timestamptz);
    INSERT INTO notes VALUES (1, 'tea', '{a,b}', '2026-05-01T10:00:00Z'),
                             (2, 'coffee', '{b}', '2026-05-02T10:00:00Z'),
                             (3, 'it''s water', NULL, NULL);`);
  return db;
}

const SELECT = `SELECT id, body, tags, at FROM notes
  WHERE ($1::text[] IS NULL OR tags && $1::text[]) AND ($2::timestamptz IS NULL OR at >= $2)
    AND body <> $3 ORDER BY id LIMIT $4`;

async function preparedCount(db: Awaited<ReturnType<typeof freshDb>>): Promise<number> {
  const result = await db.pg.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'locus_%'",
  );
  return result.rows[0]?.n ?? -1;
}

describe('prepared statements', () => {
  it('return what an ordinary query returns, for every parameter type used', async () => {
    const db = await freshDb();
    const cases: unknown[][] = [
      [['a'], null, 'none', 10],
      [null, new Date('2026-05-02T00:00:00Z'), 'none', 10],
      [null, null, "it's water", 2],
      [['b'], '2026-05-01T00:00:00Z', 'tea', 1],
    ];
    for (const params of cases) {
      const expected = await db.pg.query(SELECT, params);
      const actual = await queryPrepared(db.pg, SELECT, params);
      expect(actual.rows).toEqual(expected.rows);
      expect(actual.fields).toEqual(expected.fields);
    }
    expect(await preparedCount(db)).toBe(1);
    expect((await queryPrepared(db.pg, SELECT, [null, null, '', 10])).rows).toHaveLength(3);
  });

  it('plan once, generically, and leave other statements to custom plans', async () => {
    const db = await freshDb();
    for (let i = 0; i < 7; i++) await queryPrepared(db.pg, SELECT, [null, null, 'x', i]);
    await expect(queryPrepared(db.pg, 'SELECT 1 / $1::int', [0])).rejects.toThrow();
    const plans = await db.pg.query<{ generic: number; custom: number }>(
      `SELECT generic_plans::int AS generic, custom_plans::int AS custom
       FROM pg_prepared_statements WHERE statement = $1`,
      [SELECT],
    );
    expect(plans.rows).toEqual([{ generic: 7, custom: 0 }]);
    const mode = await db.pg.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    expect(mode.rows[0]?.plan_cache_mode).toBe('auto');
  });

  it('report errors and leave the connection and the statement usable', async () => {
    const db = await freshDb();
    const divide = 'SELECT 10 / $1::int AS q';
    await expect(queryPrepared(db.pg, divide, [0])).rejects.toThrow(/division by zero/);
    expect((await queryPrepared(db.pg, divide, [5])).rows).toEqual([{ q: 2 }]);
    await expect(queryPrepared(db.pg, 'SELECT nope FROM notes', [])).rejects.toThrow(/nope/);
    expect((await db.pg.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([{ n: 3 }]);
    expect(await preparedCount(db)).toBe(1);
  });

  it('refuse a closed database, as ordinary queries do', async () => {
    const db = await openDatabase({ template: templateBlob() });
    expect((await queryPrepared(db.pg, 'SELECT $1::int AS n', [1])).rows).toEqual([{ n: 1 }]);
    await db.close();
    await expect(queryPrepared(db.pg, 'SELECT $1::int AS n', [1])).rejects.toThrow(/closed/);
  });

  it('are re-planned after the schema changes under them', async () => {
    const db = await freshDb();
    const byBody = 'SELECT id FROM notes WHERE body = $1';
    expect((await queryPrepared(db.pg, byBody, ['coffee'])).rows).toEqual([{ id: 2 }]);
    await db.pg.exec('CREATE INDEX notes_body ON notes (body); DROP INDEX notes_body;');
    await db.pg.exec("INSERT INTO notes VALUES (4, 'coffee', NULL, NULL)");
    expect((await queryPrepared(db.pg, byBody, ['coffee'])).rows).toEqual([{ id: 2 }, { id: 4 }]);
  });

  it('keep at most 64 statements per connection, dropping the least recently used', async () => {
    const db = await freshDb();
    const statement = (i: number) => `SELECT $1::int + ${i} AS n`;
    for (let i = 0; i < 70; i++) await queryPrepared(db.pg, statement(i), [1]);
    expect(await preparedCount(db)).toBe(64);
    // The first six were dropped; asking again prepares them anew.
    expect((await queryPrepared(db.pg, statement(0), [1])).rows).toEqual([{ n: 1 }]);
    expect((await queryPrepared(db.pg, statement(69), [1])).rows).toEqual([{ n: 70 }]);
    expect(await preparedCount(db)).toBe(64);
  });

  it('run as ordinary queries inside a transaction and wait for one outside it', async () => {
    const db = await freshDb();
    const count = 'SELECT count(*)::int AS n FROM notes WHERE id > $1';
    let outside: Promise<unknown> | undefined;
    await db.pg.transaction(async (tx) => {
      await tx.query("INSERT INTO notes VALUES (5, 'juice', NULL, NULL)");
      expect((await queryPrepared(tx, count, [0])).rows).toEqual([{ n: 4 }]);
      // Queued behind the transaction: it must see the committed row, not run inside.
      outside = queryPrepared(db.pg, count, [0]);
    });
    expect(((await outside) as { rows: unknown[] }).rows).toEqual([{ n: 4 }]);
    expect(await preparedCount(db)).toBe(1);
  });
});

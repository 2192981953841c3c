import { describe, expect, it } from 'vitest';
import { copyInBinary } from '../../src/core/storage/copy-in';
import { queryPrepared } from '../../src/core/storage/prepared-statements';
import type { Db } from '../../src/core/storage/sql';
import { testDatabase } from '../helpers/test-core';
import { testBackend } from '../helpers/test-backend';

// One suite, two backends (vitest projects): every expectation here is the
// same for PGlite and for a PostgreSQL server, so repositories written
// against one behave the same on the other.

async function db(): Promise<Db> {
  const database = await testDatabase();
  expect(database.backend).toBe(testBackend());
  await database.pg.exec(`
    CREATE TABLE shapes (
      id int PRIMARY KEY, big bigint, small smallint, real4 real, num numeric, flag boolean,
      at timestamptz, plain timestamp, day date, doc jsonb, js json, words text[], counts bigint[],
      times timestamptz[], bytes bytea, vec vector(3)
    )`);
  return database.pg;
}

describe(`the ${testBackend()} backend`, () => {
  it('returns values in the shapes repositories expect', async () => {
    const sql = await db();
    const insert = await sql.query(
      `INSERT INTO shapes VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::json,
         $12::text[], $13::bigint[], $14::timestamptz[], $15, $16::vector)`,
      [
        1,
        9007199254740993n,
        -7,
        1.5,
        '12345678901234567890.5',
        true,
        new Date('2026-03-01T10:00:00.123Z'),
        new Date('2026-03-01T10:00:00Z'),
        '2026-03-01',
        JSON.stringify({ a: [1, 'two', null], b: { c: true } }),
        '{"x": 1}',
        ['plain', 'with space', 'quote " and \\ backslash', 'comma, brace}', null, 'NULL'],
        [1, 9007199254740993n],
        [new Date('2026-01-02T03:04:05Z')],
        new Uint8Array([0, 1, 254, 255]),
        '[1,2.5,-3]',
      ],
    );
    expect(insert.affectedRows).toBe(1);
    expect(insert.rows).toEqual([]);
    const { rows, fields } = await sql.query<Record<string, unknown>>(
      'SELECT * FROM shapes WHERE id = $1',
      [1],
    );
    expect(fields.map((f) => f.name)).toEqual([
      'id',
      'big',
      'small',
      'real4',
      'num',
      'flag',
      'at',
      'plain',
      'day',
      'doc',
      'js',
      'words',
      'counts',
      'times',
      'bytes',
      'vec',
    ]);
    expect(fields.every((f) => typeof f.dataTypeID === 'number')).toBe(true);
    expect(rows).toEqual([
      {
        id: 1,
        big: 9007199254740993n,
        small: -7,
        real4: 1.5,
        num: '12345678901234567890.5',
        flag: true,
        at: new Date('2026-03-01T10:00:00.123Z'),
        plain: new Date('2026-03-01T10:00:00Z'),
        day: new Date('2026-03-01T00:00:00Z'),
        doc: { a: [1, 'two', null], b: { c: true } },
        js: { x: 1 },
        words: ['plain', 'with space', 'quote " and \\ backslash', 'comma, brace}', null, 'NULL'],
        counts: [1, 9007199254740993n],
        times: [new Date('2026-01-02T03:04:05Z')],
        bytes: new Uint8Array([0, 1, 254, 255]),
        vec: '[1,2.5,-3]',
      },
    ]);
  });

  it('keeps small bigints as numbers and reads counts as numbers', async () => {
    const sql = await db();
    const { rows } = await sql.query<{ n: unknown; c: unknown; s: unknown }>(
      'SELECT 42::bigint AS n, count(*) AS c, sum(x) AS s FROM generate_series(1, 3) x',
    );
    expect(rows).toEqual([{ n: 42, c: 3, s: 6 }]);
  });

  it('counts affected rows of writes, and none for reads', async () => {
    const sql = await db();
    await sql.query(`INSERT INTO shapes (id) SELECT g FROM generate_series(1, 5) g`);
    expect((await sql.query('UPDATE shapes SET flag = true WHERE id > $1', [2])).affectedRows).toBe(
      3,
    );
    expect((await sql.query('DELETE FROM shapes WHERE id = $1', [99])).affectedRows).toBe(0);
    expect((await sql.query('SELECT id FROM shapes')).affectedRows).toBe(0);
    const results = await sql.exec(`
      INSERT INTO shapes (id) VALUES (10), (11);
      SELECT id FROM shapes WHERE id >= 10 ORDER BY id;
    `);
    expect(results).toHaveLength(2);
    expect(results[1]?.rows).toEqual([{ id: 10 }, { id: 11 }]);
  });

  it('passes null and undefined parameters as NULL', async () => {
    const sql = await db();
    const { rows } = await sql.query<{ a: unknown; b: unknown }>(
      'SELECT $1::text AS a, $2::int AS b',
      [null, undefined],
    );
    expect(rows).toEqual([{ a: null, b: null }]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const sql = (await db()) as Db;
    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO shapes (id) VALUES ($1)', [1]);
    });
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO shapes (id) VALUES ($1)', [2]);
        await tx.query('INSERT INTO shapes (id) VALUES ($1)', [1]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql.query<{ id: number }>('SELECT id FROM shapes ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
  });

  it('reports SQL errors with their SQLSTATE, unchanged', async () => {
    const sql = await db();
    await expect(sql.query('SELECT * FROM no_such_table')).rejects.toMatchObject({
      code: '42P01',
      message: expect.stringContaining('no_such_table'),
    });
    await expect(sql.query('SELECT 1 / $1::int', [0])).rejects.toMatchObject({ code: '22012' });
  });

  it('runs prepared statements with the results of ordinary ones', async () => {
    const sql = await db();
    await sql.query(`INSERT INTO shapes (id, words, at) VALUES (1, '{a,b}', '2026-01-01Z')`);
    const text = 'SELECT id, words, at FROM shapes WHERE id = ANY($1::int[])';
    const plain = await sql.query(text, [[1, 2]]);
    for (let i = 0; i < 3; i++) {
      expect((await queryPrepared(sql, text, [[1, 2]])).rows).toEqual(plain.rows);
    }
  });

  it('reads and writes timestamps in UTC', async () => {
    const sql = await db();
    const { rows } = await sql.query<{ tz: string; day: string }>(
      `SELECT current_setting('TimeZone') AS tz, ($1::timestamptz)::date::text AS day`,
      ['2026-03-01T23:30:00-05:00'],
    );
    expect(rows).toEqual([{ tz: 'UTC', day: '2026-03-02' }]);
  });

  it('bulk-loads binary COPY input, inside a transaction or not, and refuses bad input', async () => {
    const sql = (await db()) as Db;
    await copyInBinary(
      sql,
      'shapes (id, doc)',
      copyRows([
        [1, '{"a":1}'],
        [2, '{"b":[true]}'],
      ]),
    );
    // Rolled back with the transaction it was part of.
    await expect(
      sql.transaction(async (tx) => {
        await copyInBinary(tx, 'shapes (id, doc)', copyRows([[3, '{}']]));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    // A duplicate key fails the whole COPY, and the connection stays usable.
    await expect(
      copyInBinary(
        sql,
        'shapes (id, doc)',
        copyRows([
          [4, '{}'],
          [1, '{}'],
        ]),
      ),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await sql.query<{ id: number; doc: unknown }>(
      'SELECT id, doc FROM shapes ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, doc: { a: 1 } },
      { id: 2, doc: { b: [true] } },
    ]);
  });
});

/** Postgres's binary COPY format for (int, jsonb) rows. */
function copyRows(rows: Array<[number, string]>): Uint8Array {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const [id, json] of rows) {
    const head = Buffer.alloc(2 + 4 + 4 + 4 + 1);
    head.writeInt16BE(2, 0);
    head.writeInt32BE(4, 2);
    head.writeInt32BE(id, 6);
    const body = Buffer.from(json, 'utf8');
    head.writeInt32BE(body.length + 1, 10);
    head.writeUInt8(1, 14); // jsonb's binary format version
    parts.push(head, body);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  parts.push(trailer);
  return new Uint8Array(Buffer.concat(parts));
}

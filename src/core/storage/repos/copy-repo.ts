import type { Sql } from '../sql';

/** One table as the copy sees it: its columns that take values, its key, who it depends on. */
export interface TableShape {
  name: string;
  /** Stored columns, in order; generated columns (tsv) are recomputed by the destination. */
  columns: string[];
  primaryKey: string[];
  /** Tables its foreign keys point at (copied first). */
  references: string[];
  /** Columns filled from a sequence (bigserial, identity), whose sequence must move past the copied values. */
  sequenced: string[];
}

/**
 * Locus's own bookkeeping, each database keeping its own: the migrations
 * applied (the copy checks they agree), and the count of deleted vectors
 * that a process's copy of the signs compares against (memory/sign-index.ts).
 */
const NOT_COPIED = ['locus_migrations', 'vector_removals'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Reads the public schema's tables; both ends of a copy are at the same migration. */
export function createCopyRepo(sql: Sql) {
  return {
    async tables(): Promise<TableShape[]> {
      const result = await sql.query<{
        name: string;
        columns: string[];
        primary_key: string[] | null;
        refs: string[] | null;
        sequenced: string[] | null;
      }>(
        `SELECT c.relname AS name,
                ARRAY(SELECT a.attname::text FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        AND a.attgenerated = ''
                      ORDER BY a.attnum) AS columns,
                ARRAY(SELECT a.attname::text FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                      WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY a.attnum) AS primary_key,
                ARRAY(SELECT DISTINCT r.relname::text FROM pg_constraint f
                      JOIN pg_class r ON r.oid = f.confrelid
                      WHERE f.conrelid = c.oid AND f.contype = 'f' AND r.oid <> c.oid) AS refs,
                ARRAY(SELECT a.attname::text FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL
                      ORDER BY a.attnum) AS sequenced
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relname = ANY($1::text[]))
         ORDER BY c.relname`,
        [NOT_COPIED],
      );
      return result.rows.map((row) => ({
        name: row.name,
        columns: row.columns,
        primaryKey: row.primary_key ?? [],
        references: row.refs ?? [],
        sequenced: row.sequenced ?? [],
      }));
    },

    async migrationIds(): Promise<string[]> {
      const result = await sql.query<{ id: string }>(
        'SELECT id FROM locus_migrations ORDER BY position',
      );
      return result.rows.map((row) => row.id);
    },

    async count(table: string): Promise<number> {
      const result = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${quote(table)}`,
      );
      return result.rows[0]?.n ?? 0;
    },

    /** Opens a cursor over a table's rows as JSON text (inside the caller's transaction). */
    async openCursor(table: TableShape, cursor: string): Promise<void> {
      const columns = table.columns.map(quote).join(', ');
      await sql.query(
        `DECLARE ${quote(cursor)} NO SCROLL CURSOR FOR
         SELECT row_to_json(r)::text AS row FROM (SELECT ${columns} FROM ${quote(table.name)}) r`,
      );
    },

    async fetch(cursor: string, count: number): Promise<string[]> {
      const result = await sql.query<{ row: string }>(
        `FETCH FORWARD ${Math.max(1, Math.floor(count))} FROM ${quote(cursor)}`,
      );
      return result.rows.map((r) => r.row);
    },

    async closeCursor(cursor: string): Promise<void> {
      await sql.query(`CLOSE ${quote(cursor)}`);
    },

    /**
     * Writes rows given as JSON objects (from openCursor); each value goes
     * through its column type's input, as if typed in. A row whose key exists
     * replaces the one there (only settings can, in an empty destination).
     */
    async insertJson(table: TableShape, rowsJson: string): Promise<number> {
      const columns = table.columns.map(quote).join(', ');
      const update = table.columns.filter((c) => !table.primaryKey.includes(c));
      const conflict =
        table.primaryKey.length === 0
          ? ''
          : update.length === 0
            ? `ON CONFLICT (${table.primaryKey.map(quote).join(', ')}) DO NOTHING`
            : `ON CONFLICT (${table.primaryKey.map(quote).join(', ')}) DO UPDATE SET ${update
                .map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`)
                .join(', ')}`;
      const result = await sql.query(
        `INSERT INTO ${quote(table.name)} (${columns}) OVERRIDING SYSTEM VALUE
         SELECT ${columns} FROM jsonb_populate_recordset(NULL::${quote(table.name)}, $1::jsonb)
         ${conflict}`,
        [rowsJson],
      );
      return result.affectedRows ?? 0;
    },

    /** Moves a sequence past the copied values, so new rows do not collide with them. */
    async syncSequence(table: string, column: string): Promise<void> {
      await sql.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${quote(column)}), 1),
                       max(${quote(column)}) IS NOT NULL)
         FROM ${quote(table)}`,
        [quote(table), column],
      );
    },

    async deleteAll(table: string): Promise<void> {
      await sql.query(`DELETE FROM ${quote(table)}`);
    },

    async analyze(): Promise<void> {
      await sql.exec('ANALYZE');
    },

    /** Takes a consistent snapshot for the rest of the transaction (the source's read). */
    async snapshot(): Promise<void> {
      await sql.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    },
  };
}
export type CopyRepo = ReturnType<typeof createCopyRepo>;

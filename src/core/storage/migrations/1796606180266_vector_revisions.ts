import type { Migration } from './registry';

/** A table's revision column, its sequence, index and triggers (see vectorRevisions). */
function revisioned(table: 'passages' | 'messages'): string {
  return `
    CREATE SEQUENCE ${table}_vector_rev_seq;
    ALTER TABLE ${table} ADD COLUMN vector_rev bigint;
    ALTER SEQUENCE ${table}_vector_rev_seq OWNED BY ${table}.vector_rev;
    -- Set after the column exists: rows already there keep NULL (a reader
    -- loads them whole) instead of the table being rewritten here.
    ALTER TABLE ${table} ALTER COLUMN vector_rev SET DEFAULT nextval('${table}_vector_rev_seq');
    CREATE INDEX ${table}_vector_rev ON ${table} (vector_rev);
    -- Not UPDATE OF embedding nor a WHEN on it: either would make the column
    -- a dependency, and an embedder switch alters its type.
    CREATE TRIGGER ${table}_vector_revised BEFORE UPDATE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION locus_vector_revised('${table}_vector_rev_seq');
    CREATE TRIGGER ${table}_vector_removed AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
      EXECUTE FUNCTION locus_vector_removed('${table}');
  `;
}

/**
 * What lets a process keep its own copy of the vectors' signs in step with
 * the tables, whoever writes them (memory/sign-index.ts): every row gets a
 * revision from its table's sequence when it is inserted (a column default,
 * so bulk COPY, imports and copies get one without a trigger per row) and a
 * new one whenever its embedding changes (re-embedding, an embedder switch
 * clearing vectors, a conversation no longer remembered), and deletes
 * (forget, an agent's cascade) add the number of embedded rows removed to a
 * counter. A reader asks for rows past the last revision it saw and reloads
 * when many rows it holds were removed. A trigger per inserted row would have
 * cost bulk loads ~20% (docs/benchmarks.md, issue 20); a default costs a
 * sequence step and the index an append.
 */
export const vectorRevisions: Migration = {
  id: '1796606180266_vector_revisions',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE vector_removals (
        tbl text PRIMARY KEY,
        removed bigint NOT NULL
      );
      CREATE FUNCTION locus_vector_revised() RETURNS trigger LANGUAGE plpgsql
        SET search_path = public, pg_catalog AS $$
      BEGIN
        IF NEW.embedding IS DISTINCT FROM OLD.embedding THEN
          NEW.vector_rev := nextval(TG_ARGV[0]::regclass);
        END IF;
        RETURN NEW;
      END $$;
      CREATE FUNCTION locus_vector_removed() RETURNS trigger LANGUAGE plpgsql
        SET search_path = public, pg_catalog AS $$
      BEGIN
        INSERT INTO vector_removals (tbl, removed)
          SELECT TG_ARGV[0], count(*) FROM gone WHERE embedding IS NOT NULL
        ON CONFLICT (tbl) DO UPDATE SET removed = vector_removals.removed + EXCLUDED.removed;
        RETURN NULL;
      END $$;
    `);
    await sql.exec(revisioned('passages'));
    await sql.exec(revisioned('messages'));
  },
};

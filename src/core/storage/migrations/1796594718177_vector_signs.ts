import type { Migration } from './registry';

/**
 * Triggers that keep `signs` (one row per embedded row of `table`) in step
 * with every write to `table`, whoever makes it (imports, edits,
 * re-embedding, deletes, an agent's cascade). Inserts and deletes are
 * statement-level with transition tables, like the counting triggers, which
 * already capture them: a bulk load costs one INSERT ... SELECT. Updates are
 * row-level without a column list: a column list or WHEN clause naming
 * `embedding` would forbid changing its type (vectors-repo resetEmbeddings),
 * and most updates (replies, tags) return at the first comparison.
 */
function signTriggers(table: 'passages' | 'messages', signs: string): string {
  const fn = `locus_${signs}`;
  return `
    CREATE FUNCTION ${fn}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${signs} (id, agent_id, created_at, sign)
        SELECT id, agent_id, created_at, binary_quantize(embedding) FROM added
        WHERE embedding IS NOT NULL;
      RETURN NULL;
    END $$;
    CREATE FUNCTION ${fn}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM ${signs} s USING removed r WHERE s.id = r.id;
      RETURN NULL;
    END $$;
    CREATE FUNCTION ${fn}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = OLD.id AND NEW.agent_id = OLD.agent_id AND NEW.created_at = OLD.created_at
         AND NEW.embedding IS NOT DISTINCT FROM OLD.embedding THEN
        RETURN NULL;
      END IF;
      IF NEW.embedding IS NULL OR NEW.id <> OLD.id THEN
        DELETE FROM ${signs} WHERE id = OLD.id;
      END IF;
      IF NEW.embedding IS NOT NULL THEN
        INSERT INTO ${signs} (id, agent_id, created_at, sign)
          VALUES (NEW.id, NEW.agent_id, NEW.created_at, binary_quantize(NEW.embedding))
        ON CONFLICT (id) DO UPDATE SET agent_id = EXCLUDED.agent_id,
          created_at = EXCLUDED.created_at, sign = EXCLUDED.sign;
      END IF;
      RETURN NULL;
    END $$;
    -- pg_restore and other sessions may run with another search_path (see search_function_path).
    ALTER FUNCTION ${fn}_added() SET search_path = public, pg_catalog;
    ALTER FUNCTION ${fn}_removed() SET search_path = public, pg_catalog;
    ALTER FUNCTION ${fn}_changed() SET search_path = public, pg_catalog;
    CREATE TRIGGER ${table}_signed_in AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${fn}_added();
    CREATE TRIGGER ${table}_signed_out AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION ${fn}_removed();
    CREATE TRIGGER ${table}_signed_changed AFTER UPDATE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION ${fn}_changed();
  `;
}

function signTable(table: 'passages' | 'messages', signs: string): string {
  // No foreign key: its per-row check was the largest removable part of a
  // bulk write (docs/benchmarks.md); the delete trigger removes a row's
  // signs with it, an agent's cascade included.
  return `
    CREATE TABLE ${signs} (
      id text PRIMARY KEY,
      agent_id text NOT NULL,
      created_at timestamptz NOT NULL,
      sign bit varying NOT NULL
    );
    CREATE INDEX ${signs}_agent ON ${signs} (agent_id);
    ${signTriggers(table, signs)}
    INSERT INTO ${signs} (id, agent_id, created_at, sign)
      SELECT id, agent_id, created_at, binary_quantize(embedding) FROM ${table}
      WHERE embedding IS NOT NULL;
  `;
}

/**
 * Each embedded passage's and message's signs (one bit a dimension, 64
 * bytes for 512-d), in narrow tables of their own, so a memory below some
 * size needs no vector graph: a vector search ranks an exact scan of these
 * rows by Hamming distance, then the best by exact cosine
 * (fusion-sql.ts nearestRanked). A scan of the wide rows (~2.3 kB each,
 * most of it the vector) cost ~15 ms of CPU at 10k passages, of this table
 * ~7, as a graph walk does; and an import into such a memory then counts
 * its writes only, not a graph build of ~0.33 ms a row (vector-upkeep
 * GRAPH_FROM_ROWS, docs/benchmarks.md issue 20). Filled here from the
 * stored vectors.
 */
export const vectorSigns: Migration = {
  id: '1796594718177_vector_signs',
  async up(sql) {
    await sql.exec(signTable('passages', 'passage_signs'));
    await sql.exec(signTable('messages', 'message_signs'));
  },
};

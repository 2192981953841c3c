import type { Migration } from './registry';

/** Both directions for one counted table; its counter column has the table's name. */
function countingTriggers(table: 'messages' | 'passages'): string {
  return `
    CREATE FUNCTION memory_counts_${table}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO memory_counts (agent_id, ${table})
        SELECT agent_id, count(*) FROM added GROUP BY agent_id
      ON CONFLICT (agent_id) DO UPDATE SET ${table} = memory_counts.${table} + EXCLUDED.${table};
      RETURN NULL;
    END $$;
    CREATE FUNCTION memory_counts_${table}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE memory_counts c SET ${table} = c.${table} - r.n
        FROM (SELECT agent_id, count(*) AS n FROM removed GROUP BY agent_id) r
        WHERE c.agent_id = r.agent_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ${table}_counted_in AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT
      EXECUTE FUNCTION memory_counts_${table}_added();
    CREATE TRIGGER ${table}_counted_out AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
      EXECUTE FUNCTION memory_counts_${table}_removed();
  `;
}

/**
 * How many messages and passages each agent has, kept by triggers. The
 * context's status line shows both on every agent step, and count(*) there
 * grew linearly with memory (6 ms for 10k messages alone, bench/ scale
 * suite); triggers keep the numbers right whatever writes (imports,
 * deletes, cascades) without any writer having to remember them.
 */
export const memoryCounts: Migration = {
  id: '1764300000000_memory_counts',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE memory_counts (
        agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        messages bigint NOT NULL DEFAULT 0,
        passages bigint NOT NULL DEFAULT 0
      );
    `);
    // Statement-level with transition tables: the rows are grouped per agent,
    // so a bulk insert costs one counter update.
    await sql.exec(countingTriggers('messages'));
    await sql.exec(countingTriggers('passages'));
    await sql.exec(`
      INSERT INTO memory_counts (agent_id, messages, passages)
        SELECT a.id,
               (SELECT count(*) FROM messages m WHERE m.agent_id = a.id),
               (SELECT count(*) FROM passages p WHERE p.agent_id = a.id)
        FROM agents a;
    `);
  },
};

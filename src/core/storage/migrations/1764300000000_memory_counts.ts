import type { Migration } from './registry';

/**
 * How many messages and passages each agent has, kept by statement-level
 * triggers. The context's status line shows both on every agent step, and a
 * count(*) there cost 33 ms at 10k rows and grew linearly (bench/ scale
 * suite); triggers keep the numbers right whatever writes (imports, deletes,
 * cascades) without any writer having to remember them.
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

      -- One function per table and direction: the transition table's rows
      -- are grouped per agent, so a bulk insert costs one counter update.
      CREATE FUNCTION memory_counts_messages_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO memory_counts (agent_id, messages)
          SELECT agent_id, count(*) FROM added GROUP BY agent_id
        ON CONFLICT (agent_id) DO UPDATE SET messages = memory_counts.messages + EXCLUDED.messages;
        RETURN NULL;
      END $$;
      CREATE FUNCTION memory_counts_messages_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE memory_counts c SET messages = c.messages - r.n
          FROM (SELECT agent_id, count(*) AS n FROM removed GROUP BY agent_id) r
          WHERE c.agent_id = r.agent_id;
        RETURN NULL;
      END $$;
      CREATE FUNCTION memory_counts_passages_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO memory_counts (agent_id, passages)
          SELECT agent_id, count(*) FROM added GROUP BY agent_id
        ON CONFLICT (agent_id) DO UPDATE SET passages = memory_counts.passages + EXCLUDED.passages;
        RETURN NULL;
      END $$;
      CREATE FUNCTION memory_counts_passages_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE memory_counts c SET passages = c.passages - r.n
          FROM (SELECT agent_id, count(*) AS n FROM removed GROUP BY agent_id) r
          WHERE c.agent_id = r.agent_id;
        RETURN NULL;
      END $$;

      CREATE TRIGGER messages_counted_in AFTER INSERT ON messages
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION memory_counts_messages_added();
      CREATE TRIGGER messages_counted_out AFTER DELETE ON messages
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
        EXECUTE FUNCTION memory_counts_messages_removed();
      CREATE TRIGGER passages_counted_in AFTER INSERT ON passages
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION memory_counts_passages_added();
      CREATE TRIGGER passages_counted_out AFTER DELETE ON passages
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
        EXECUTE FUNCTION memory_counts_passages_removed();

      INSERT INTO memory_counts (agent_id, messages, passages)
        SELECT a.id,
               (SELECT count(*) FROM messages m WHERE m.agent_id = a.id),
               (SELECT count(*) FROM passages p WHERE p.agent_id = a.id)
        FROM agents a;
    `);
  },
};

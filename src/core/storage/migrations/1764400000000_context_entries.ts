import type { Migration } from './registry';

/**
 * An agent's context window as one row per message instead of a jsonb list
 * in the agent's row. Every message rewrote that list (~200 ids, ~10 KB,
 * TOASTed) together with the row: ~1.5 ms of each ~3.5 ms write at 100k
 * messages, and a dead copy left behind each time (bench/ scale suite).
 * Appending is now one small insert; positions only need to be increasing.
 */
export const contextEntries: Migration = {
  id: '1764400000000_context_entries',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE context_entries (
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        position bigint NOT NULL,
        message_id text NOT NULL,
        PRIMARY KEY (agent_id, position)
      );
      INSERT INTO context_entries (agent_id, position, message_id)
        SELECT a.id, e.position, e.message_id
        FROM agents a,
             jsonb_array_elements_text(a.context_message_ids) WITH ORDINALITY AS e(message_id, position);
      ALTER TABLE agents DROP COLUMN context_message_ids;
    `);
  },
};

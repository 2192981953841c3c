import type { Migration } from './registry';

/**
 * How many times each agent's stored messages were rewritten in place, kept
 * by a trigger. Recall memory is otherwise append-only, so each process
 * caches the messages of a context window by id (agent/context-cache.ts);
 * forgetting, deleting a conversation and "don't remember" rewrite the
 * memories surfaced into other conversations. A process that did not make
 * the rewrite (the CLI beside the app on one PostgreSQL server) kept showing
 * the model the old text. A step reads this count with the context's ids, in
 * the same statement, and drops what it holds when the count moved.
 *
 * A trigger, as for memory_counts: every path that rewrites a message (in
 * the same transaction, whatever its author remembers) bumps it. Only the
 * columns a message shows count, and only when they changed: writing
 * embeddings costs nothing more. Row by row: a statement trigger cannot
 * name its columns, and rewrites are rare and few.
 */
export const messageRewrites: Migration = {
  id: '1796685608776_message_rewrites',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE message_rewrites (
        agent_id text PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
        rewrites bigint NOT NULL DEFAULT 0
      );
      CREATE FUNCTION message_rewrites_count() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO message_rewrites (agent_id, rewrites) VALUES (NEW.agent_id, 1)
        ON CONFLICT (agent_id) DO UPDATE SET rewrites = message_rewrites.rewrites + 1;
        RETURN NULL;
      END $$;
      CREATE TRIGGER messages_rewritten
        AFTER UPDATE OF content, tool_calls, tool_call_id, name, role, kind ON messages
        FOR EACH ROW WHEN ((OLD.content, OLD.tool_calls, OLD.tool_call_id, OLD.name, OLD.role, OLD.kind)
                           IS DISTINCT FROM
                           (NEW.content, NEW.tool_calls, NEW.tool_call_id, NEW.name, NEW.role, NEW.kind))
        EXECUTE FUNCTION message_rewrites_count();
    `);
  },
};

import type { Migration } from './registry';

/**
 * Several conversations per agent (Letta Code's model): each has its own
 * context window and summary; core, archival and recall memory stay the
 * agent's. Every existing agent gets one conversation whose id is the
 * agent's own id, and its messages keep `conversation_id` NULL, read as
 * that conversation (coalesce(conversation_id, agent_id)): filling the
 * column in would rewrite every message row and every index entry,
 * HNSW included (minutes at 100k messages). New messages always name
 * their conversation.
 */
export const conversations: Migration = {
  id: '1796530690761_conversations',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX conversations_agent ON conversations (agent_id, created_at);
      INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
        SELECT a.id, a.id, 'Conversation 1', a.created_at, a.created_at FROM agents a;

      ALTER TABLE messages ADD COLUMN conversation_id text
        REFERENCES conversations(id) ON DELETE CASCADE;
      CREATE INDEX messages_conversation_seq
        ON messages ((coalesce(conversation_id, agent_id)), seq);

      ALTER TABLE context_entries ADD COLUMN conversation_id text;
      UPDATE context_entries SET conversation_id = agent_id;
      ALTER TABLE context_entries ALTER COLUMN conversation_id SET NOT NULL;
      ALTER TABLE context_entries ADD FOREIGN KEY (conversation_id)
        REFERENCES conversations(id) ON DELETE CASCADE;
      ALTER TABLE context_entries DROP CONSTRAINT context_entries_pkey;
      ALTER TABLE context_entries ADD PRIMARY KEY (conversation_id, position);
    `);
  },
};

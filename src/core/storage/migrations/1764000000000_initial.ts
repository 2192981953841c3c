import type { Migration } from './registry';

export const initialSchema: Migration = {
  id: '1764000000000_initial',
  async up(sql) {
    await sql.exec(`
      CREATE TABLE agents (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        system text NOT NULL,
        model jsonb NOT NULL,
        context_message_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE blocks (
        id text PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        label text NOT NULL,
        value text NOT NULL,
        char_limit integer NOT NULL CHECK (char_limit > 0),
        description text NOT NULL DEFAULT '',
        read_only boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (agent_id, label),
        CHECK (char_length(value) <= char_limit)
      );

      -- Every earlier value of a block, so edits can be reviewed and undone.
      CREATE TABLE block_history (
        id bigserial PRIMARY KEY,
        block_id text NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
        value text NOT NULL,
        actor text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX block_history_block ON block_history (block_id, id);

      -- The dimension is set when an embedder is configured (see passages repo),
      -- so switching embedders changes the column instead of mixing dimensions.
      CREATE TABLE passages (
        id text PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        text text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        source_kind text NOT NULL,
        source_ref text,
        created_at timestamptz NOT NULL,
        embedding vector,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
      );
      -- Keeps vectors inline: with the tsvector column the rows would otherwise
      -- be TOASTed and every exact scan gets several times slower.
      ALTER TABLE passages ALTER COLUMN embedding SET STORAGE PLAIN;
      CREATE INDEX passages_tsv ON passages USING gin (tsv);
      CREATE INDEX passages_tags ON passages USING gin (tags);
      CREATE INDEX passages_agent_created ON passages (agent_id, created_at);
      CREATE INDEX passages_pending ON passages (agent_id) WHERE embedding IS NULL;

      CREATE TABLE messages (
        id text PRIMARY KEY,
        seq bigserial UNIQUE,
        agent_id text NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
        kind text NOT NULL DEFAULT 'chat',
        content text NOT NULL,
        tool_calls jsonb,
        tool_call_id text,
        name text,
        created_at timestamptz NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED
      );
      CREATE INDEX messages_tsv ON messages USING gin (tsv);
      CREATE INDEX messages_agent_seq ON messages (agent_id, seq);
      CREATE INDEX messages_agent_created ON messages (agent_id, created_at);

      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL
      );
    `);
  },
};

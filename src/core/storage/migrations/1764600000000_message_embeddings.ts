import type { Migration } from './registry';

/**
 * Recall memory searchable by meaning as well as by words, as Letta's
 * conversation_search is (hybrid text + semantic): words alone cannot find
 * "I made coconut ice cream" for "favourite desserts". Only what was said
 * is embedded (see MESSAGE_SAID in repos/vectors-repo.ts, which this partial
 * index must match); the column takes the embedder's dimension when Locus
 * opens, and existing messages are embedded in the background from then on.
 */
export const messageEmbeddings: Migration = {
  id: '1764600000000_message_embeddings',
  async up(sql) {
    await sql.exec(`
      ALTER TABLE messages ADD COLUMN embedding vector;
      -- Inline, as for passages: TOASTed vectors make exact scans slow.
      ALTER TABLE messages ALTER COLUMN embedding SET STORAGE PLAIN;
      CREATE INDEX messages_unembedded ON messages (seq)
        WHERE embedding IS NULL AND kind = 'chat' AND role IN ('user', 'assistant')
          AND (tool_calls IS NULL OR reply IS NOT NULL) AND coalesce(reply, content) <> '';
    `);
  },
};

import type { Migration } from './registry';

/**
 * messages.quotes: which memories a search tool's result quoted, and where.
 * A conversation_search or archival_memory_search result is stored as the
 * tool message's text and stays in its conversation's context, so after the
 * user forgot a message or passage it found (or marked the conversation it
 * came from "don't remember") the model kept reading it there on every step,
 * and the app kept showing it. The text cannot say which item is which
 * memory (ids are not shown to the model), so this column does: an object
 * from each quoted memory's id to the [start, end) of its item in the
 * result's message. Forget and "don't remember" find the results by key
 * (the index) and rewrite just those items.
 *
 * Only tool results that quote something have it: the partial index holds
 * those rows alone, and GIN without a pending list, as the other GIN
 * indexes here (gin_without_pending_list).
 */
export const searchQuotes: Migration = {
  id: '1796688000000_search_quotes',
  async up(sql) {
    await sql.exec(`
      ALTER TABLE messages ADD COLUMN quotes jsonb;
      CREATE INDEX messages_quotes ON messages USING gin (quotes) WITH (fastupdate = off)
        WHERE quotes IS NOT NULL;
    `);
  },
};

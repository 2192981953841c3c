import type { Migration } from './registry';

/**
 * What the agent says reaches the user as send_message's argument; the
 * message's content is its private thinking. Full text indexed only content,
 * so conversation_search could never find anything the agent had told the
 * user. `reply` holds that text (written by the messages repository, see
 * shared/message-text.ts) and the search column indexes it in place of the
 * thinking. Older rows get the same rule here: the first tool call, when it is
 * send_message with a string `message`; malformed arguments leave it null.
 *
 * Recomputing the generated column rewrites the table once (about a second
 * per ten thousand messages here).
 */
export const messageReply: Migration = {
  id: '1764500000000_message_reply',
  async up(sql) {
    await sql.exec(`
      ALTER TABLE messages ADD COLUMN reply text;
      UPDATE messages m SET reply = parsed.args ->> 'message'
      FROM (
        SELECT id, CASE WHEN pg_input_is_valid(tool_calls -> 0 ->> 'arguments', 'jsonb')
                        THEN (tool_calls -> 0 ->> 'arguments')::jsonb END AS args
        FROM messages
        WHERE jsonb_typeof(tool_calls) = 'array' AND tool_calls -> 0 ->> 'name' = 'send_message'
      ) parsed
      WHERE m.id = parsed.id AND jsonb_typeof(parsed.args -> 'message') = 'string';

      ALTER TABLE messages DROP COLUMN tsv;
      ALTER TABLE messages ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', coalesce(reply, content))) STORED;
      CREATE INDEX messages_tsv ON messages USING gin (tsv) WITH (fastupdate = off);
      ANALYZE messages;
    `);
  },
};

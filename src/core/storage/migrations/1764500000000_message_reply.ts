import type { Migration } from './registry';

/**
 * The message's arguments as jsonb, or null when they are not valid JSON.
 * pg_input_is_valid exists from PostgreSQL 16 (PGlite runs 18); on a 15
 * server the same test is a cast that catches its own error. The SQL run on
 * 16+ is exactly what this migration shipped with.
 */
function argsJsonb(serverVersion: number): { setup: string; expression: string; teardown: string } {
  const args = `tool_calls -> 0 ->> 'arguments'`;
  if (serverVersion >= 160000) {
    return {
      setup: '',
      expression: `CASE WHEN pg_input_is_valid(${args}, 'jsonb') THEN (${args})::jsonb END`,
      teardown: '',
    };
  }
  return {
    setup: `CREATE FUNCTION locus_try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql AS $$
      BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$;`,
    expression: `locus_try_jsonb(${args})`,
    teardown: 'DROP FUNCTION locus_try_jsonb(text);',
  };
}

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
    const version = await sql.query<{ v: number }>(
      "SELECT current_setting('server_version_num')::int AS v",
    );
    const json = argsJsonb(version.rows[0]?.v ?? 0);
    await sql.exec(`
      ${json.setup}
      ALTER TABLE messages ADD COLUMN reply text;
      UPDATE messages m SET reply = parsed.args ->> 'message'
      FROM (
        SELECT id, ${json.expression} AS args
        FROM messages
        WHERE jsonb_typeof(tool_calls) = 'array' AND tool_calls -> 0 ->> 'name' = 'send_message'
      ) parsed
      WHERE m.id = parsed.id AND jsonb_typeof(parsed.args -> 'message') = 'string';
      ${json.teardown}

      ALTER TABLE messages DROP COLUMN tsv;
      ALTER TABLE messages ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('english', coalesce(reply, content))) STORED;
      CREATE INDEX messages_tsv ON messages USING gin (tsv) WITH (fastupdate = off);
      ANALYZE messages;
    `);
  },
};

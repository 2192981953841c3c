import type { Sql } from '../sql';

/** Deletes for "forget": rows removed for good, with whatever points at them. */
export function createForgetRepo(sql: Sql) {
  return {
    /** A message's text as stored (content and reply), or undefined if it is not the agent's. */
    async messageTexts(agentId: string, id: string): Promise<string[] | undefined> {
      const result = await sql.query<{ content: string; reply: string | null }>(
        'SELECT content, reply FROM messages WHERE id = $1 AND agent_id = $2',
        [id, agentId],
      );
      const row = result.rows[0];
      return row ? [row.content, ...(row.reply ? [row.reply] : [])] : undefined;
    },
    /** Removes messages (their vectors with them) and their places in the context window. */
    async deleteMessages(agentId: string, ids: string[]): Promise<number> {
      await sql.query(
        'DELETE FROM context_entries WHERE agent_id = $1 AND message_id = ANY($2::text[])',
        [agentId, ids],
      );
      const result = await sql.query(
        'DELETE FROM messages WHERE agent_id = $1 AND id = ANY($2::text[])',
        [agentId, ids],
      );
      return result.affectedRows ?? 0;
    },
  };
}

import type { Quotes } from '../../../shared/search-quotes';
import type { Sql } from '../sql';
import { MESSAGE_CONVERSATION } from './conversations-repo';

/** A search tool's stored result and what it quoted where (messages.quotes). */
export interface QuotingResult {
  id: string;
  content: string;
  quotes: Quotes;
}

/** Deletes for "forget": rows removed for good, with whatever points at them. */
export function createForgetRepo(sql: Sql) {
  return {
    /**
     * A message and what the agent did in answer to it: for a user message,
     * every step, tool result and notice up to the next user message (they
     * quote it); for any other message, just itself. Texts are content and
     * replies as stored, tool-call arguments included. Undefined if the
     * message is not the agent's.
     */
    async exchange(
      agentId: string,
      id: string,
    ): Promise<{ ids: string[]; texts: string[] } | undefined> {
      const result = await sql.query<{
        id: string;
        content: string;
        reply: string | null;
        tool_calls: Array<{ arguments?: string }> | null;
      }>(
        `WITH target AS (SELECT seq, role, ${MESSAGE_CONVERSATION('x')} AS conversation
                         FROM messages x WHERE id = $1 AND agent_id = $2)
         SELECT m.id, m.content, m.reply, m.tool_calls FROM messages m, target t
         WHERE m.agent_id = $2 AND (m.id = $1 OR (
           t.role = 'user' AND ${MESSAGE_CONVERSATION('m')} = t.conversation
           AND m.seq > t.seq AND m.role <> 'user' AND m.kind <> 'summary'
           AND m.seq < coalesce((SELECT min(n.seq) FROM messages n
                                 WHERE n.agent_id = $2 AND ${MESSAGE_CONVERSATION('n')} = t.conversation
                                   AND n.role = 'user' AND n.seq > t.seq),
                                'infinity'::numeric)))
         ORDER BY m.seq`,
        [id, agentId],
      );
      if (result.rows.length === 0) return undefined;
      return {
        ids: result.rows.map((row) => row.id),
        texts: result.rows.flatMap((row) => [
          row.content,
          ...(row.reply ? [row.reply] : []),
          ...(row.tool_calls ?? []).flatMap((call) => (call.arguments ? [call.arguments] : [])),
        ]),
      };
    },
    /**
     * The surfaced blocks (messages of kind "memories", JSON naming each
     * memory's id) that gave a turn any of these memories.
     */
    async surfacedWith(
      agentId: string,
      ids: string[],
    ): Promise<Array<{ id: string; content: string }>> {
      if (ids.length === 0) return [];
      const result = await sql.query<{ id: string; content: string }>(
        `SELECT m.id, m.content FROM messages m
         WHERE m.agent_id = $1 AND m.kind = 'memories'
           AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS i(id) WHERE strpos(m.content, i.id) > 0)
         ORDER BY m.seq`,
        [agentId, ids],
      );
      return result.rows;
    },
    /**
     * The surfaced blocks of the agent's other conversations that quote a
     * message of this one, with the ids of those messages. The ids are read
     * from the stored JSON by pattern, not by a cast: a block's content is
     * text, and one that is not JSON (an imported file's) must not fail
     * the statement; the caller parses what it rewrites. Only blocks written
     * since the conversation's first message can quote it.
     */
    async surfacedFrom(
      agentId: string,
      conversationId: string,
    ): Promise<Array<{ id: string; content: string; quoted: string[] }>> {
      const result = await sql.query<{ id: string; content: string; quoted: string[] }>(
        `SELECT m.id, m.content, array_agg(DISTINCT s.id) AS quoted
         FROM messages m
         CROSS JOIN LATERAL regexp_matches(m.content, '"id"\\s*:\\s*"([^"\\\\]+)"', 'g') AS r(found)
         JOIN messages s ON s.id = r.found[1]
         WHERE m.agent_id = $1 AND m.kind = 'memories' AND ${MESSAGE_CONVERSATION('m')} <> $2
           AND m.seq > (SELECT min(f.seq) FROM messages f
                        WHERE f.agent_id = $1 AND ${MESSAGE_CONVERSATION('f')} = $2)
           AND s.agent_id = $1 AND ${MESSAGE_CONVERSATION('s')} = $2
         GROUP BY m.id, m.content, m.seq
         ORDER BY m.seq`,
        [agentId, conversationId],
      );
      return result.rows;
    },
    /**
     * The search tools' results (messages with quotes) that quoted any of
     * these memories (message or passage ids), found by the quotes' keys.
     */
    async resultsQuoting(agentId: string, ids: string[]): Promise<QuotingResult[]> {
      if (ids.length === 0) return [];
      const result = await sql.query<QuotingResult>(
        `SELECT id, content, quotes FROM messages
         WHERE agent_id = $1 AND quotes IS NOT NULL AND quotes ?| $2::text[]
         ORDER BY seq`,
        [agentId, ids],
      );
      return result.rows;
    },
    /**
     * The search tools' results in the agent's other conversations that
     * quoted a message of this one, with the ids of those messages. As for
     * surfaced blocks, only results written since its first message can.
     */
    async resultsQuotingConversation(
      agentId: string,
      conversationId: string,
    ): Promise<Array<QuotingResult & { quoted: string[] }>> {
      const result = await sql.query<QuotingResult & { quoted: string[] }>(
        `SELECT r.id, r.content, r.quotes, r.quoted FROM (
           SELECT m.id, m.content, m.quotes, m.seq,
                  array(SELECT s.id FROM jsonb_object_keys(m.quotes) AS k(id)
                        JOIN messages s ON s.id = k.id
                        WHERE s.agent_id = $1 AND ${MESSAGE_CONVERSATION('s')} = $2) AS quoted
           FROM messages m
           WHERE m.agent_id = $1 AND m.quotes IS NOT NULL AND ${MESSAGE_CONVERSATION('m')} <> $2
             AND m.seq > (SELECT min(f.seq) FROM messages f
                          WHERE f.agent_id = $1 AND ${MESSAGE_CONVERSATION('f')} = $2)) r
         WHERE cardinality(r.quoted) > 0
         ORDER BY r.seq`,
        [agentId, conversationId],
      );
      return result.rows;
    },
    /**
     * Rewrites a search tool's result with some quoted items replaced, and
     * where the others are now (null once none is left). The role guards
     * against rewriting any other message; the trigger counts the rewrite,
     * as for rewriteDerived.
     */
    async rewriteResult(id: string, content: string, quotes: Quotes | null): Promise<void> {
      await sql.query(
        `UPDATE messages SET content = $2, quotes = $3::jsonb WHERE id = $1 AND role = 'tool'`,
        [id, content, quotes ? JSON.stringify(quotes) : null],
      );
    },
    /**
     * Summaries that may have folded in any of these messages: written after
     * one in its conversation that has left the context window (a message
     * still in it was never summarised). Summaries are recursive: each one
     * since carries what it said.
     */
    async summariesSince(
      agentId: string,
      ids: string[],
    ): Promise<Array<{ id: string; content: string }>> {
      if (ids.length === 0) return [];
      const result = await sql.query<{ id: string; content: string }>(
        `SELECT s.id, s.content FROM messages s
         WHERE s.agent_id = $1 AND s.kind = 'summary'
           AND EXISTS (SELECT 1 FROM messages f
                       WHERE f.agent_id = $1 AND f.id = ANY($2::text[])
                         AND ${MESSAGE_CONVERSATION('f')} = ${MESSAGE_CONVERSATION('s')}
                         AND f.seq < s.seq
                         AND NOT EXISTS (SELECT 1 FROM context_entries c
                                         WHERE c.agent_id = $1 AND c.message_id = f.id))
         ORDER BY s.seq`,
        [agentId, ids],
      );
      return result.rows;
    },
    /**
     * Rewrites a surfaced block or a summary without what was forgotten;
     * the kind guards against rewriting any other message. A trigger counts
     * the rewrite (migration message_rewrites): every process's context
     * cache then reads the message again.
     */
    async rewriteDerived(id: string, kind: 'memories' | 'summary', content: string): Promise<void> {
      await sql.query(`UPDATE messages SET content = $3 WHERE id = $1 AND kind = $2`, [
        id,
        kind,
        content,
      ]);
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

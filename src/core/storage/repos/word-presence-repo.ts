import type { Sql } from '../sql';
import { MESSAGE_CONVERSATION } from './conversations-repo';
import { lexemeQuery } from './rows';

/** Rows counted per word and table at most: past this a word is common, and how common hardly matters. */
const COUNT_CAP = 1000;

export interface WordPresence {
  /** The agent's messages and passages. */
  rows: number;
  /** Each of the query's search terms, with how many of those rows hold it (at most COUNT_CAP a table). */
  words: Array<{ word: string; rows: number }>;
}

/**
 * Which of a query's words an agent's memory holds at all, and in how many
 * rows: the messages surfacing searches (user and assistant, outside
 * conversations it must not remember) and the passages. A separate read
 * from search, so search's own queries and results stay as they are.
 */
export function createWordPresenceRepo(sql: Sql) {
  return {
    async of(
      agentId: string,
      text: string,
      options: { excludeConversations?: readonly string[] } = {},
    ): Promise<WordPresence> {
      const hidden = options.excludeConversations ?? [];
      const messageRows = (alias: string) => `${alias}.agent_id = $1 AND ${alias}.kind <> 'memories'
                AND ${alias}.role IN ('user', 'assistant')
                AND ${MESSAGE_CONVERSATION(alias)} <> ALL($3::text[])`;
      const result = await sql.query<{ word: string; messages: number; passages: number }>(
        `WITH query AS MATERIALIZED (
           SELECT DISTINCT unnest(tsvector_to_array(locus_search_tsv($2::text))) AS word),
         -- Words past a long text's first 1 MB are in its overflow parts
         -- (storage/repos/rows.ts, OVERFLOW), read only when the agent has any.
         spill AS MATERIALIZED (
           SELECT EXISTS (SELECT 1 FROM message_search_overflow o WHERE o.agent_id = $1) AS messages,
                  EXISTS (SELECT 1 FROM passage_search_overflow o WHERE o.agent_id = $1) AS passages)
         SELECT q.word,
           ((SELECT count(*) FROM (SELECT 1 FROM messages m
              WHERE ${messageRows('m')}
                AND m.tsv @@ ${lexemeQuery('q.word')} LIMIT $4) found)
            + CASE WHEN (SELECT messages FROM spill) THEN (
                SELECT count(DISTINCT m.id) FROM message_search_overflow o
                JOIN messages m ON m.id = o.message_id
                WHERE ${messageRows('m')} AND o.tsv @@ ${lexemeQuery('q.word')}
                  AND NOT m.tsv @@ ${lexemeQuery('q.word')}) ELSE 0 END)::int AS messages,
           ((SELECT count(*) FROM (SELECT 1 FROM passages p
              WHERE p.agent_id = $1 AND p.tsv @@ ${lexemeQuery('q.word')} LIMIT $4) found)
            + CASE WHEN (SELECT passages FROM spill) THEN (
                SELECT count(DISTINCT p.id) FROM passage_search_overflow o
                JOIN passages p ON p.id = o.passage_id
                WHERE p.agent_id = $1 AND o.tsv @@ ${lexemeQuery('q.word')}
                  AND NOT p.tsv @@ ${lexemeQuery('q.word')}) ELSE 0 END)::int AS passages
         FROM query q ORDER BY q.word`,
        [agentId, text, hidden, COUNT_CAP],
      );
      const counts = await sql.query<{ rows: number }>(
        `SELECT (coalesce(messages, 0) + coalesce(passages, 0))::int AS rows
         FROM memory_counts WHERE agent_id = $1`,
        [agentId],
      );
      return {
        rows: counts.rows[0]?.rows ?? 0,
        words: result.rows.map((row) => ({ word: row.word, rows: row.messages + row.passages })),
      };
    },
  };
}

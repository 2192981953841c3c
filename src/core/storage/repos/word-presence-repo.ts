import type { Sql } from '../sql';
import { MESSAGE_CONVERSATION } from './conversations-repo';
import { lexemeQuery, overflowHeld, overflowOf } from './rows';

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
      // Words past a long text's first 1 MB are in its overflow parts
      // (rows.ts, OVERFLOW), read only when the agent has any: otherwise
      // the statement is the one it was before them.
      const spilled = {
        messages: await overflowHeld(sql, 'messages', agentId),
        passages: await overflowHeld(sql, 'passages', agentId),
      };
      const messageRows = (
        alias: string,
      ) => `${alias}.agent_id = $1 AND ${alias}.kind <> 'memories' AND ${alias}.role IN ('user', 'assistant')
                AND ${MESSAGE_CONVERSATION(alias)} <> ALL($3::text[])`;
      // A word's rows, plus those holding it only in overflow parts.
      const counted = (table: 'messages' | 'passages', alias: string, rows: string) => {
        const column = `(SELECT count(*) FROM (SELECT 1 FROM ${table} ${alias}
              WHERE ${rows} AND ${alias}.tsv @@ ${lexemeQuery('q.word')} LIMIT $4) found)`;
        if (!spilled[table]) return column;
        const { side, owner } = overflowOf(table);
        return `(${column}
            + (SELECT count(DISTINCT ${alias}.id) FROM ${side} o JOIN ${table} ${alias} ON ${alias}.id = o.${owner}
               WHERE ${rows} AND o.tsv @@ ${lexemeQuery('q.word')}
                 AND NOT ${alias}.tsv @@ ${lexemeQuery('q.word')}))`;
      };
      const result = await sql.query<{ word: string; messages: number; passages: number }>(
        `WITH query AS MATERIALIZED (
           SELECT DISTINCT unnest(tsvector_to_array(locus_search_tsv($2::text))) AS word)
         SELECT q.word,
           ${counted('messages', 'm', messageRows('m'))}::int AS messages,
           ${counted('passages', 'p', 'p.agent_id = $1')}::int AS passages
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

import type { Sql } from '../sql';
import { iso } from './rows';

/**
 * Messages whose every fact has been replaced: what consolidation (or the
 * agent's tools) derived from them is now past, so what they said is too.
 */
export function createPastSourcesRepo(sql: Sql) {
  return {
    /**
     * For each of these messages that facts were derived from and all of
     * them are past (a block line replaced and kept as a past fact, or a
     * passage superseded), the latest date one stopped being true. A
     * message with one fact still current ("My name is Claire and I live in
     * Paris") is left out: it is not wholly past.
     */
    async untilOf(agentId: string, messageIds: string[]): Promise<Map<string, string>> {
      if (messageIds.length === 0) return new Map();
      const result = await sql.query<{ message_id: string; until: Date }>(
        `WITH derived AS (
           SELECT s.message_id, p.valid_until
             FROM block_line_sources s
             JOIN blocks b ON b.id = s.block_id
             LEFT JOIN passages p ON p.agent_id = b.agent_id AND p.superseded_by = b.id
                                 AND p.text = s.line AND p.valid_until IS NOT NULL
                                 AND s.line <> ALL(string_to_array(b.value, E'\\n'))
            WHERE b.agent_id = $1 AND s.message_id = ANY($2::text[])
           UNION ALL
           SELECT p.source_ref, CASE WHEN p.superseded_by IS NOT NULL THEN p.valid_until END
             FROM passages p
            WHERE p.agent_id = $1 AND p.source_kind = 'message'
              AND p.source_ref = ANY($2::text[])
         )
         SELECT message_id, max(valid_until) AS until FROM derived
          GROUP BY message_id HAVING bool_and(valid_until IS NOT NULL)`,
        [agentId, messageIds],
      );
      return new Map(result.rows.map((row) => [row.message_id, iso(row.until)]));
    },
  };
}

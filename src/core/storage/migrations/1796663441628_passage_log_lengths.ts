import type { Migration } from './registry';

/**
 * One passage's share of the sum, as SQL over `row`: the natural log of its
 * indexed text's length in bytes (octet_length, read from the value's
 * header), in millionths, rounded. An integer, so the running sum is exact:
 * inserts, edits and deletes in any order and in any batches (a bulk COPY,
 * an import, `db copy`) give the recount's value to the unit, and years of
 * edits accumulate no floating-point drift. A millionth of a log is a
 * millionth of the length, far below anything a ranking could notice.
 *
 * An empty text counts as one byte (log 0): it adds nothing to the sum but
 * stays in the row count the mean divides by, the count the triggers
 * already keep. Skipping it would need a second count, and an empty passage
 * matches no word, so it is never scored against the mean anyway.
 */
export function passageLogLength(row: string): string {
  return `round(ln(greatest(coalesce(octet_length(${row}.text), 0), 1)::float8) * 1000000)::bigint`;
}

const length = (row: string) => `coalesce(octet_length(${row}.text), 0)`;

/**
 * Archival search normalises a passage's length by the agent's typical
 * length on a log scale, exp(mean log length), instead of the arithmetic
 * mean it used. Archival holds documents of any length: imported files,
 * captured pages, long pasted texts beside one-line facts. A few long
 * documents pull the arithmetic mean far above what most passages are, and
 * length then hardly counts against anything; a mean of logs is the
 * typical length such a spread has. Recall search (messages, conversation
 * turns) keeps the arithmetic mean: measured on it, the log scale lost 0.9
 * at LoCoMo R@1, over the bound issue 19 holds every method to.
 *
 * Measured on the dev sets (docs/benchmarks.md, issue 19, sessions 10 and
 * 13): LongMemEval oracle archival full text R@1 40.4 -> 42.6, above
 * textbook BM25's 40.8; every LoCoMo figure within 0.5.
 *
 * The sum is kept beside passages_length by the same counting triggers, so
 * every path that writes a passage keeps it (the app, the APIs, imports,
 * bulk loads, copies). The trigger functions below are the search_lengths
 * migration's, the latest versions, with the new column added.
 */
export const passageLogLengths: Migration = {
  id: '1796663441628_passage_log_lengths',
  async up(sql) {
    await sql.exec(`
      ALTER TABLE memory_counts ADD COLUMN passages_log_length bigint NOT NULL DEFAULT 0;

      CREATE OR REPLACE FUNCTION memory_counts_passages_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO memory_counts (agent_id, passages, passages_length, passages_log_length)
          SELECT a.agent_id, count(*), sum(${length('a')}), sum(${passageLogLength('a')})
          FROM added a GROUP BY a.agent_id
        ON CONFLICT (agent_id) DO UPDATE SET
          passages = memory_counts.passages + EXCLUDED.passages,
          passages_length = memory_counts.passages_length + EXCLUDED.passages_length,
          passages_log_length = memory_counts.passages_log_length + EXCLUDED.passages_log_length;
        RETURN NULL;
      END $$;
      CREATE OR REPLACE FUNCTION memory_counts_passages_removed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE memory_counts c SET passages = c.passages - r.n, passages_length = c.passages_length - r.len,
                                   passages_log_length = c.passages_log_length - r.log_len
          FROM (SELECT o.agent_id, count(*) AS n, sum(${length('o')}) AS len,
                       sum(${passageLogLength('o')}) AS log_len
                FROM removed o GROUP BY o.agent_id) r
          WHERE c.agent_id = r.agent_id;
        RETURN NULL;
      END $$;
      -- Fired only when the text changed (the search_lengths trigger's condition).
      CREATE OR REPLACE FUNCTION memory_counts_passages_edited() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE memory_counts c SET
            passages_length = c.passages_length - ${length('OLD')} + ${length('NEW')},
            passages_log_length = c.passages_log_length - ${passageLogLength('OLD')} + ${passageLogLength('NEW')}
          WHERE c.agent_id = NEW.agent_id;
        RETURN NULL;
      END $$;

      UPDATE memory_counts c SET passages_log_length = (
        SELECT coalesce(sum(${passageLogLength('p')}), 0) FROM passages p WHERE p.agent_id = c.agent_id);
    `);
  },
};

import type { Migration } from './registry';

/** The text each table's full-text column indexes (see the search_text migration), as SQL over `row`. */
function indexedText(table: 'messages' | 'passages', row: string): string {
  return table === 'messages' ? `coalesce(${row}.reply, ${row}.content)` : `${row}.text`;
}

/**
 * The counting triggers again, now also summing the indexed text's length
 * (octet_length: read from the value's header, never detoasted). A text
 * that is edited (a passage's update, a message's reply) moves its
 * agent's total by the difference, row by row and only when it changed,
 * so writing embeddings or marking a fact as past costs nothing more.
 */
function lengthTriggers(table: 'messages' | 'passages'): string {
  const length = (row: string) => `coalesce(octet_length(${indexedText(table, row)}), 0)`;
  const columns = table === 'messages' ? 'content, reply' : 'text';
  return `
    CREATE OR REPLACE FUNCTION memory_counts_${table}_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO memory_counts (agent_id, ${table}, ${table}_length)
        SELECT a.agent_id, count(*), sum(${length('a')}) FROM added a GROUP BY a.agent_id
      ON CONFLICT (agent_id) DO UPDATE SET
        ${table} = memory_counts.${table} + EXCLUDED.${table},
        ${table}_length = memory_counts.${table}_length + EXCLUDED.${table}_length;
      RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION memory_counts_${table}_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE memory_counts c SET ${table} = c.${table} - r.n, ${table}_length = c.${table}_length - r.len
        FROM (SELECT o.agent_id, count(*) AS n, sum(${length('o')}) AS len
              FROM removed o GROUP BY o.agent_id) r
        WHERE c.agent_id = r.agent_id;
      RETURN NULL;
    END $$;
    CREATE FUNCTION memory_counts_${table}_edited() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE memory_counts c SET ${table}_length = c.${table}_length - ${length('OLD')} + ${length('NEW')}
        WHERE c.agent_id = NEW.agent_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ${table}_length_edited AFTER UPDATE OF ${columns} ON ${table}
      FOR EACH ROW WHEN (${indexedText(table, 'OLD')} IS DISTINCT FROM ${indexedText(table, 'NEW')})
      EXECUTE FUNCTION memory_counts_${table}_edited();
  `;
}

/**
 * Each agent's total length of the text its messages and passages index,
 * kept by the same triggers as the counts, so full-text search normalises a
 * text's length by its memory's average as textbook BM25 does. It used the
 * average over the rows the query matched, and the number of distinct
 * stemmed words as the length: long texts repeat their words and stop words
 * are not indexed, so a 550-token reply looked barely longer than a
 * one-line answer, and the average moved with each query. On the LongMemEval
 * dev split padded to 40 sessions, archival full text went from under
 * textbook BM25 at R@5/R@10 (69.2/79.5 vs 69.9/80.1) to above it
 * (docs/benchmarks.md, issue 19).
 */
export const searchLengths: Migration = {
  id: '1796575877662_search_lengths',
  async up(sql) {
    await sql.exec(`
      ALTER TABLE memory_counts
        ADD COLUMN messages_length bigint NOT NULL DEFAULT 0,
        ADD COLUMN passages_length bigint NOT NULL DEFAULT 0;
    `);
    await sql.exec(lengthTriggers('messages'));
    await sql.exec(lengthTriggers('passages'));
    await sql.exec(`
      UPDATE memory_counts c SET
        messages_length = (SELECT coalesce(sum(coalesce(octet_length(${indexedText('messages', 'm')}), 0)), 0)
                           FROM messages m WHERE m.agent_id = c.agent_id),
        passages_length = (SELECT coalesce(sum(coalesce(octet_length(${indexedText('passages', 'p')}), 0)), 0)
                           FROM passages p WHERE p.agent_id = c.agent_id);
    `);
  },
};

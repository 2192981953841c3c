import { queryPrepared } from '../prepared-statements';
import type { Sql } from '../sql';

/** PGlite returns timestamptz as Date; entities carry ISO strings across the contract. */
export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** Builds `$n` placeholders while collecting their values, so dynamic filters stay parameterised. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * How embeddings are stored: pgvector's single-precision vectors. Half
 * precision (halfvec) took a quarter less disk at 10k passages, but PGlite's
 * WebAssembly has no hardware half-to-float conversion: a 512-d halfvec
 * cosine distance cost ~15-19 µs against ~1.5-2.5 µs for \`vector\`, so
 * building the HNSW graph over 10k passages took 48 s of CPU instead of 9 s
 * and every graph walk and exact scan paid the same (docs/benchmarks.md).
 */
export const VECTOR_TYPE = 'vector';

/**
 * The expression the vector index is built on: a vector's signs, one bit a
 * dimension (pgvector's binary_quantize), compared by Hamming distance. A
 * 512-d graph over 2 kB float vectors cost ~1 ms of CPU a row to build in
 * PGlite's WebAssembly and took as much disk as the rows; over 64-byte bit
 * strings it builds ~3x faster in 1/7 of the space, and with the exact
 * rerank (nearestRanked) it finds the true nearest rows more often than the
 * float graph did (docs/benchmarks.md, issue 20). Searches must spell it
 * exactly so for the planner to use the index.
 */
export function signBits(vector: string, dimensions: number): string {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 64000) {
    throw new RangeError(`vector dimensions must be a positive integer, got ${dimensions}`);
  }
  return `binary_quantize(${vector})::bit(${dimensions})`;
}

/**
 * Whether a query vector's signs say where it points: not when most of its
 * components are exactly zero, as in the word-hash fallback's vectors (a
 * few hashed words in 384 dimensions), where zero and negative share a bit
 * and the Hamming distance mostly counts how many words a text has. Such a
 * search ranks by exact cosine over the rows instead (LoCoMo, vector search
 * with the fallback embedder: R@10 19.3 through the sign graph, 32.5 exact).
 * A sentence model's vectors have no zeros.
 */
export function signsCarryMeaning(vector: Float32Array): boolean {
  let zeros = 0;
  for (const value of vector) if (value === 0) zeros++;
  return zeros * 2 <= vector.length;
}

/**
 * How many rows the sign-bit graph yields per candidate wanted, to be
 * ranked by exact cosine. With 3, for 200 LoCoMo questions at 10k passages,
 * 99.95% of an exact scan's top 10 and 95.5% of its top 100 were found (the
 * float graph: 99.1% and 95.4%) for the same CPU per search; 4 found 100%
 * and 97.8% for ~15% more (docs/benchmarks.md).
 */
export const VECTOR_OVERFETCH = 3;

/** pgvector's text form; JSON number formatting round-trips float32 exactly enough. */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * Okapi BM25's constants (k1, b) and the bounds that keep a search's cost
 * flat as memory grows: a word's document frequency is counted exactly only
 * up to `maxTermRows` rows; rows are found by the query's rarest words whose
 * document frequencies add up to at most `maxHits`, and at most `maxHits`
 * rows are scored. Without the bounds a query of common words scored a
 * fifth of the table (87 ms p95 at 10k passages, bench/ scale suite).
 */
export interface Bm25Tuning {
  k1: number;
  b: number;
  maxTermRows: number;
  maxHits: number;
  /** Query words that stand together count again where the text has them so (see PHRASES). */
  phrases: boolean;
  /** A question in the first person counts the person's own words as a word (see SELF). */
  self: boolean;
}

export const BM25_DEFAULTS: Bm25Tuning = {
  k1: 1.2,
  b: 0.3,
  maxTermRows: 1000,
  maxHits: 1000,
  phrases: false,
  self: false,
};

/**
 * PHRASES: two query words next to each other (at most PHRASE_SPAN
 * positions apart: up to two stop words between them) count once more in
 * a text that has them in the same order and spacing, weighed as the rarer
 * of the two is common (the lower idf of the pair). "support group",
 * "name of my cat", "vintage cameras": a question that repeats words as the
 * person put them together points to where they did, rather than to a long
 * text using each word somewhere. Words alone cannot tell those apart, and
 * stemming merges more forms, so without it a long reply holding every
 * query word apart outranked the turn that said them together. The pairs
 * count in the query's total weight too, so a text holding every word and
 * every pair at average length still scores 1. Measured on LoCoMo and the
 * LongMemEval dev split (docs/benchmarks.md, issue 19): archival full text
 * R@1 33.2 -> 33.7 and 37.6 -> 38.3. Only for the searches the agent and
 * the person run (with the common-word tail): surfacing's floors were set
 * on the scores without it.
 */
const PHRASE_SPAN = 3;

/**
 * SELF: a question the person asks in the first person ("where did I buy
 * my bookshelf?") is about what they said themselves, and a text in their
 * own first person ("the new bookshelf is from IKEA, I'm happy with it")
 * is where they said it. "I", "me", "my", "myself" are stop words, so the
 * search column never holds them, and a long reply using the question's
 * content words outranked the person's own short turn. Each of these words
 * the query holds counts, in a scored text that holds it too, as one more
 * query word, as textbook BM25 counts it: for a message only in the
 * person's own (role user: the assistant's "I" is the assistant), for a
 * passage in any text. Its idf is taken from the share of the scored rows
 * that hold it, so it counts little where nearly every text is in the
 * first person, and it adds to the query's total weight like a word. A
 * question about someone else ("what did Caroline research?") scores as
 * before. The other stop words stay out: counted too (as textbook BM25
 * does) they cost LoCoMo 3.6 points at R@5, whose questions are about
 * others; these four name the person asking. Measured on the LongMemEval
 * dev split and LoCoMo (docs/benchmarks.md, issue 19). Only for the
 * searches the agent and the person run, as PHRASES; they are looked for
 * in a text's first TAIL_TEXT_CHARS characters, by whole word (\m, \M:
 * "my" is not "myself").
 */
const SELF_WORD_LIST: readonly string[] = ['i', 'me', 'my', 'myself'];
const SELF_WORDS = `ARRAY[${SELF_WORD_LIST.map((w) => `'${w}'`).join(', ')}]`;

/**
 * ABOUT SELF: a question in the first person (holding one of SELF's words),
 * in the searches the agent and the person run, reads archival lengths as
 * textbook BM25 does (FIRST_PERSON_B, b 0.75, not BM25_DEFAULTS.b), and a
 * hybrid search, archival or recall, reads its word list against at least
 * WEAK_WORDS (fusion-sql.ts). Such a question asks what the person said,
 * and in archival, where one-line notes sit beside long documents and
 * replies, that is short: a long text holds the question's words in
 * passing, and b 0.3 hardly counted length. On the LongMemEval dev split
 * the person's own turn answering "how many musical instruments do I own?"
 * sat under replies 6-17 times its length holding "many" or "music".
 * Measured there, 229 of whose 240 questions are in the first person
 * (docs/benchmarks.md, issue 19): oracle archival full text R@25 97.3 ->
 * 97.8 (textbook BM25 97.7; b 0.5 gave 97.4). The cost: a note a third as
 * long holding the question's words apart ranks above one holding them as
 * the question puts them (PHRASES), as in textbook BM25. Recall keeps b
 * 0.3: there b 0.75 put the assistant's "I love a new bookshelf" above the
 * person's own "My new bookshelf came from IKEA" (SELF). LoCoMo's 1,540
 * questions are all about others (none in the first person): it is
 * unchanged, and there the same rules for every question cost 3-4 points at
 * R@1 (its informative turns are its longer ones), which is why they are
 * not for every question.
 */
export const FIRST_PERSON_B = 0.75;

/** Whether a query is in the first person (see ABOUT SELF): by whole word, as SELF counts them. */
export function asksAboutSelf(text: string): boolean {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.some((word) => SELF_WORD_LIST.includes(word));
}

/**
 * The query's first-person words (see SELF) that row `alias` of `table`
 * holds in the person's own words, as text[] (empty when none).
 */
function ownWords(table: 'messages' | 'passages', alias: string): string {
  const held = `ARRAY(SELECT w FROM unnest((SELECT words FROM self_query)) w
      WHERE left(${indexedText(table, alias)}, ${TAIL_TEXT_CHARS}) ~* ('\\m' || w || '\\M'))`;
  return table === 'messages'
    ? `CASE WHEN ${alias}.role = 'user' THEN ${held} ELSE '{}'::text[] END`
    : held;
}

/**
 * LENGTHS: a text's length is the length of the text it indexes (bytes, as
 * octet_length reads them), over the agent's average, kept by triggers in
 * memory_counts (migration search_lengths): textbook BM25's normalisation.
 * It was the number of distinct stemmed words over the average of the rows
 * the query matched. Long texts repeat their words and stop words are not
 * indexed, so a 550-token reply counted barely longer than a one-line
 * answer, and the average moved with the query. Measured on the LongMemEval
 * dev split padded to 40 sessions, archival full text R@1/5/10 went from
 * 34.5/69.2/79.5 to 35.4/70.6/80.4 (textbook BM25 38.0/69.9/80.1), with
 * every LoCoMo figure within 0.5 of before on each half (docs/benchmarks.md,
 * issue 19). b stays 0.3 (chosen on LoCoMo, where 0.4 and 0.5 lose 0.7-1.1),
 * except for a question in the first person (ABOUT SELF).
 *
 * Archival's average is the typical length on a log scale, exp(mean log
 * length), from a sum of log lengths kept beside the total (migration
 * passage_log_lengths). Archival holds documents of any length (imported
 * files, captures, long pasted texts beside one-line facts), and a few long
 * ones pull the arithmetic mean so far up that length hardly counts against
 * anything. Recall (conversation turns) keeps the arithmetic mean, and its
 * statement is the one it was, byte for byte: the log scale cost recall
 * words 0.9 at LoCoMo R@1, over issue 19's bound.
 */

/** The sum of log lengths is kept in millionths (the passage_log_lengths migration's unit). */
const LOG_LENGTH_UNIT = 1000000;

/**
 * For the corpus step of bm25Scores (see LENGTHS): `total`, the agent's
 * memory_counts column(s) summed over its rows, as SQL over `c`; `average`,
 * the typical length from `total_length` (that total as float8) and `n`.
 */
function typicalLength(table: 'messages' | 'passages'): { total: string; average: string } {
  return table === 'messages'
    ? { total: `c.${table}_length`, average: 'greatest(total_length / n, 1)' }
    : {
        total: `c.passages_log_length::float8 / ${LOG_LENGTH_UNIT}`,
        average: 'greatest(exp(total_length / n), 1)',
      };
}

/**
 * The text a row is searched, measured and embedded by: for a message, what
 * it said to the user (send_message's text, in reply) rather than the
 * agent's private thinking in content. The search_lengths migration keeps
 * its own frozen copy.
 */
export function indexedText(table: 'messages' | 'passages', alias: string): string {
  return table === 'messages' ? `coalesce(${alias}.reply, ${alias}.content)` : `${alias}.text`;
}

/**
 * OVERFLOW: the words of a text past its search column's 1 MB, in a side
 * table of further parts (migration search_overflow), only ever for a text
 * over 100,000 characters (so over that many bytes, which octet_length
 * reads from the value's header). Search reads the side table wherever it
 * reads the column: a word's row count, the candidates, each candidate's
 * matched words. Whether the memory searched holds such a text at all is
 * asked first (overflowHeld, one index probe); for the usual memory, which
 * holds none, search runs the very statement it ran before the side tables,
 * so its plan, and with it the order floating-point sums are added in and
 * every near tie, stay as they were (a statement gated inside SQL changed
 * one padded LongMemEval ranking).
 */
export function overflowOf(table: 'messages' | 'passages'): { side: string; owner: string } {
  return table === 'messages'
    ? { side: 'message_search_overflow', owner: 'message_id' }
    : { side: 'passage_search_overflow', owner: 'passage_id' };
}

const OVERFLOW_BYTES = 100000;

/**
 * Whether an agent holds any text with overflow parts in `table` (see
 * OVERFLOW). Asked before every word search, so prepared: parsed and planned
 * on each call it took ~0.3 ms of CPU, prepared ~0.1 (a 10k-passage search
 * takes ~16 ms, and its lead over LanceDB's is a few percent).
 */
export async function overflowHeld(
  sql: Sql,
  table: 'messages' | 'passages',
  agentId: string,
): Promise<boolean> {
  const result = await queryPrepared<{ held: boolean }>(
    sql,
    `SELECT EXISTS (SELECT 1 FROM ${overflowOf(table).side} WHERE agent_id = $1) AS held`,
    [agentId],
  );
  return result.rows[0]?.held === true;
}

const SCORED_PER_RESULT = 20;
const MIN_SCORED = 300;

/**
 * The tuning for a result list of `limit` rows: a deeper list needs more
 * candidates scored. The agent's usual 10 results score at most 300 rows
 * (LoCoMo R@5/10 unchanged; BM25 p95 at 100k passages about halved), a list
 * of 50 scores 1000 (with 300, R@25/50 lost 1.4/3.6 points). It ignores the
 * offset so the pages of one search agree. `commonWords` marks the
 * searches the agent and the person run: query phrases (PHRASES) and the
 * person's own words (SELF) count there, and nowhere else; `aboutSelf`
 * (asksAboutSelf, archival only) then takes textbook length normalisation
 * (ABOUT SELF).
 */
export function bm25TuningFor(limit: number, commonWords = false, aboutSelf = false): Bm25Tuning {
  const wanted = Math.ceil(limit) * SCORED_PER_RESULT;
  return {
    ...BM25_DEFAULTS,
    b: commonWords && aboutSelf ? FIRST_PERSON_B : BM25_DEFAULTS.b,
    maxHits: Math.min(BM25_DEFAULTS.maxHits, Math.max(MIN_SCORED, wanted)),
    phrases: commonWords,
    self: commonWords,
  };
}

/**
 * A stored lexeme as tsquery text, quoted so it is taken as it is: through
 * to_tsquery a parser would read it again and drop what it does not see as
 * a word (🍕 became an empty query).
 */
function lexemeText(term: string): string {
  return `('''' || replace(replace(${term}, '\\', '\\\\'), '''', '''''') || '''')`;
}

export function lexemeQuery(term: string): string {
  return `${lexemeText(term)}::tsquery`;
}

/**
 * When an agent holds at least this share of a table's rows, the planner's
 * table-wide word frequencies are taken as the agent's own (off by at most
 * ~10%) instead of counting its rows: the usual desktop memory has one agent.
 */
const TABLE_STATS_SHARE = 0.9;

/**
 * ...and only in a table of at least this many rows, whose frequencies were
 * measured on at least FRESH_STATS_SHARE of the rows it holds now
 * (pg_class.reltuples, which ANALYZE sets with them). A new user's first
 * note was analysed alone: every word of it then read as in 100% of the
 * rows for as long as the statistics stood (auto-analyze.ts re-analyses a
 * table once it grew by 100 rows or more), so with three notes "sister"
 * weighed a twentieth of "call" and a question naming both surfaced the
 * boat note over the sister one. Below this size counting a word visits at
 * most this many rows. (Building an index also sets reltuples, without new
 * frequencies: the size floor covers the small memories that happens to.)
 */
const MIN_STATS_ROWS = 1000;
const FRESH_STATS_SHARE = 0.5;

/**
 * A query that ranks rows of `table` (aliased `alias`, limited by `where`)
 * against the query words with Okapi BM25 over the tsvector column, yielding
 * (id, tiebreak, score). Postgres's ts_rank has no inverse document frequency, so a
 * word every row has (a speaker's name, "like") weighed as much as a rare
 * one; on LoCoMo BM25 gained about ten points of recall.
 *
 * Statistics are the agent's own: how rare a word is in one memory must not
 * depend on what other agents store. Over the table, a name in half of one
 * agent's messages looked rare beside other agents' memories; per agent,
 * LoCoMo's ten conversations score as each would alone (recall search
 * @5..@50 +0.8 to +1.3 points, plain archival full text -0.4 to -0.8, which
 * had gained from names looking rare). They are approximate so no query
 * scans the table: the row count is the agent's, kept by triggers; a word's
 * document frequency is counted through the GIN index up to `maxTermRows`
 * rows (a word found that often takes the larger of the cap and the
 * planner's table-wide frequency scaled to the agent), and an agent holding
 * nearly the whole table is counted as the table (see TABLE_STATS_SHARE),
 * words the planner lists taking its frequency; lengths are as LENGTHS says.
 */
export function bm25Scores(
  table: 'messages' | 'passages',
  alias: string,
  where: string,
  /** The `$n` placeholder of the agent whose memory is searched (`where` limits rows to it). */
  agentParam: string,
  textParam: string,
  /** A column carried out as `tiebreak`, so callers order ties without joining back. */
  tiebreak: string,
  tuning: Bm25Tuning = BM25_DEFAULTS,
  /** Whether the agent holds overflow parts (overflowHeld): only then are they read. */
  overflow = false,
): string {
  const { k1, b } = tuning;
  const cap = Math.max(1, Math.floor(tuning.maxTermRows));
  const maxHits = Math.max(1, Math.floor(tuning.maxHits));
  const { side, owner } = overflowOf(table);
  const typical = typicalLength(table);
  // The rows holding the term only in their overflow parts (see OVERFLOW).
  const spilledCount = (agentFilter: string) =>
    overflow
      ? ` + (SELECT count(DISTINCT d.id)::float8 FROM ${side} o JOIN ${table} d ON d.id = o.${owner}
                 WHERE ${agentFilter} AND o.tsv @@ ${lexemeQuery('t.term')}
                   AND NOT d.tsv @@ ${lexemeQuery('t.term')})`
      : '';
  // MATERIALIZED: each step runs once, never per matching row.
  return `WITH query AS MATERIALIZED (
      SELECT tsvector_to_array(locus_search_tsv(${textParam}::text)) AS terms),
    ${
      tuning.self
        ? `self_query AS MATERIALIZED (
      SELECT array_agg(w) AS words
      FROM unnest(tsvector_to_array(to_tsvector('simple', ${textParam}::text))) w
      WHERE w = ANY (${SELF_WORDS})),`
        : ''
    }
    -- memory_counts has one counter column per table, named after it.
    corpus AS MATERIALIZED (
      -- The table's size is the sum of the agents' counts, never the
      -- planner's estimate: before the first ANALYZE that is -1, and every
      -- agent looked like it held the whole table, so word frequencies were
      -- counted over all agents (issue 19).
      -- The average length is the agent's, from the same counters (see
      -- LENGTHS).
      SELECT n, n >= table_n * ${TABLE_STATS_SHARE} AND table_n >= ${MIN_STATS_ROWS}
                AND stats_n >= table_n * ${FRESH_STATS_SHARE} AS dominant,
             ${typical.average} AS avgdl FROM (
        SELECT greatest(coalesce(mine.n, 0), 1)::float8 AS n,
               coalesce(mine.total_length, 0)::float8 AS total_length,
               greatest((SELECT sum(c.${table}) FROM memory_counts c), 1)::float8 AS table_n,
               (SELECT greatest(r.reltuples, 0) FROM pg_class r
                WHERE r.oid = to_regclass('public.${table}'))::float8 AS stats_n
        FROM (SELECT 1) one LEFT JOIN (
          SELECT c.${table} AS n, ${typical.total} AS total_length FROM memory_counts c
          WHERE c.agent_id = ${agentParam}) mine ON true) sizes),
    lexeme_stats AS MATERIALIZED (
      SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
      FROM pg_stats WHERE schemaname = 'public' AND tablename = '${table}' AND attname = 'tsv'),
    -- An agent that holds (nearly) the whole table is counted as the table,
    -- the plan Locus had before statistics were per agent: the agent filter
    -- would make the planner intersect the GIN hits with the agent's whole
    -- row list, per word. Then a word the planner lists (a common one) is
    -- not counted at all: that visits up to the cap of rows (BM25 for 10
    -- results at 100k passages, warm: p50/p95 15/27.5 -> 13.3/25 ms without).
    -- With several agents every word is counted within the agent (about 2
    -- ms a word at 10k messages an agent).
    counted AS MATERIALIZED (
      SELECT t.term, known.freq,
             CASE WHEN corpus.dominant AND known.freq IS NOT NULL THEN NULL
                  WHEN corpus.dominant THEN (
               SELECT count(*)::float8 FROM (
                 SELECT 1 FROM ${table} d
                 WHERE d.tsv @@ ${lexemeQuery('t.term')} LIMIT ${cap}) found)${spilledCount('true')}
                  ELSE (
               SELECT count(*)::float8 FROM (
                 SELECT 1 FROM ${table} d
                 WHERE d.agent_id = ${agentParam}
                   AND d.tsv @@ ${lexemeQuery('t.term')} LIMIT ${cap}) found)${spilledCount(`d.agent_id = ${agentParam}`)}
             END AS n
      FROM query, corpus, unnest(query.terms) AS t(term),
           LATERAL (SELECT (SELECT s.freqs[array_position(s.elems, t.term)]
                            FROM lexeme_stats s) AS freq) known),
    weights AS MATERIALIZED (
      SELECT term, ${lexemeQuery('term')} AS tsq, df,
             ln(1 + greatest(corpus.n - df + 0.5, 0.5) / (df + 0.5)) AS idf
      FROM corpus, LATERAL (
        SELECT counted.term,
               CASE WHEN counted.n IS NULL THEN greatest(counted.freq * corpus.n, 1)
                    WHEN counted.n >= ${cap}
                      THEN greatest(coalesce(counted.freq * corpus.n, 0), ${cap})
                    ELSE counted.n END AS df
        FROM counted) d),
    -- Rows are found by the query's words, rarest first, as long as together
    -- they are in at most maxHits rows: the budget bounds the work, not a
    -- share of the memory. In a small memory every matching row is scored;
    -- in a large one a common word, which adds little to a row's score, is
    -- left out of the search (the rows found still count it). The rarest
    -- word always counts. A share cut-off used to drop words in a fifth of
    -- the rows even when the memory held 20 rows, so a search asked for 50
    -- results returned 5 (issue 19).
    selective AS MATERIALIZED (
      SELECT string_agg(${lexemeText('term')}, ' | ')::tsquery AS tsq FROM (
        SELECT term, sum(df) OVER (ORDER BY df, term) AS running,
               row_number() OVER (ORDER BY df, term) AS rank
        FROM weights WHERE df > 0) ranked
      WHERE rank = 1 OR running <= ${maxHits}),
    -- Only a query whose rarest word is common reaches the limit; which of
    -- its equally weak matches are scored then hardly matters.
    -- The length is read here, from the table's row (octet_length reads a
    -- value's header, never the value).
    found AS MATERIALIZED (
      SELECT ${alias}.id, ${alias}.tsv,
             coalesce(octet_length(${indexedText(table, alias)}), 0)::float8 AS len,
             ${tuning.self ? `CASE WHEN (SELECT words FROM self_query) IS NULL THEN '{}'::text[] ELSE ${ownWords(table, alias)} END` : `'{}'::text[]`} AS own,
             ${alias}.${tiebreak} AS tiebreak FROM ${table} ${alias}
      -- A scalar subquery, so the planner can take the GIN index with it.
      WHERE ${where} AND ${alias}.tsv @@ (SELECT tsq FROM selective)
      LIMIT ${maxHits})${
        overflow
          ? `,
    -- Rows matched only in their overflow parts (see OVERFLOW).
    spilled AS MATERIALIZED (
      SELECT ${alias}.id, ${alias}.tsv,
             coalesce(octet_length(${indexedText(table, alias)}), 0)::float8 AS len,
             ${tuning.self ? `CASE WHEN (SELECT words FROM self_query) IS NULL THEN '{}'::text[] ELSE ${ownWords(table, alias)} END` : `'{}'::text[]`} AS own,
             ${alias}.${tiebreak} AS tiebreak FROM ${table} ${alias}
      WHERE ${where}
        AND ${alias}.id IN (SELECT o.${owner} FROM ${side} o WHERE o.tsv @@ (SELECT tsq FROM selective))
        AND ${alias}.id NOT IN (SELECT id FROM found))`
          : ''
      }
    -- Each query word is looked up in each found row's tsvector; term
    -- frequency is taken as 1 because unnesting every row's tsvector to count
    -- repeats doubled the cost of a search (and notes rarely repeat a word).
    -- Divided by the query's total weight (see Fusion in fusion-sql.ts): a
    -- text holding every query word once, at average length, scores 1.
    ${tuning.phrases ? `, ${phrasePairs(textParam)}` : ''}
    ${tuning.self ? `, ${selfWeight()}` : ''},
    terms AS (
      SELECT tsq, idf FROM weights WHERE df > 0
      ${tuning.phrases ? 'UNION ALL SELECT tsq, idf FROM pairs' : ''})
    SELECT found.id, found.tiebreak, (sum(w.idf) ${tuning.self ? '+ coalesce((SELECT sum(o.idf) FROM own_weight o WHERE o.word = ANY (found.own)), 0)' : ''}) * ${k1 + 1} /
             (1 + ${k1} * (1 - ${b} + ${b} * found.len / corpus.avgdl)) / max(q.total) AS score
    FROM ${overflow ? '(SELECT * FROM found UNION ALL SELECT * FROM spilled) found' : 'found'} CROSS JOIN corpus
      CROSS JOIN (SELECT greatest(sum(idf), 1e-9) AS total FROM (
        SELECT idf FROM weights ${tuning.phrases ? 'UNION ALL SELECT idf FROM pairs' : ''}
        ${tuning.self ? 'UNION ALL SELECT idf FROM own_weight' : ''}) all_terms) q
      JOIN terms w ON found.tsv @@ w.tsq${
        overflow
          ? `
        OR (found.len > ${OVERFLOW_BYTES}
            AND EXISTS (SELECT 1 FROM ${side} o WHERE o.${owner} = found.id AND o.tsv @@ w.tsq))`
          : ''
      }
    GROUP BY found.id, found.tiebreak, found.len, found.own, corpus.avgdl`;
}

/**
 * The CTE `pairs` (tsq, idf) for PHRASES: each two consecutive query words
 * both found in the memory (`weights`, df > 0), as a phrase query with
 * their distance in the query. A word repeated next to itself is no pair.
 * Positions come from the query's own search vector; texts over 100,000
 * characters are indexed without positions, so they match words only.
 */
function phrasePairs(textParam: string): string {
  return `pairs AS MATERIALIZED (
      SELECT DISTINCT (${lexemeText('x.term')} || ' <' || (x.next_pos - x.pos) || '> '
                || ${lexemeText('x.next_term')})::tsquery AS tsq,
             least(wa.idf, wb.idf) AS idf
      FROM (SELECT u.lexeme AS term, p.pos,
                   lead(u.lexeme) OVER (ORDER BY p.pos) AS next_term,
                   lead(p.pos) OVER (ORDER BY p.pos) AS next_pos
            FROM unnest(locus_search_tsv(${textParam}::text)) u,
                 unnest(u.positions) AS p(pos)) x
      JOIN weights wa ON wa.term = x.term AND wa.df > 0
      JOIN weights wb ON wb.term = x.next_term AND wb.df > 0
      WHERE x.next_term <> x.term AND x.next_pos - x.pos <= ${PHRASE_SPAN})`;
}

/**
 * The CTE `own_weight` (word, idf) for SELF: a row for each of the query's
 * first-person words some scored row holds (`found.own`), its document
 * frequency their share of the scored rows taken over the agent's rows.
 */
function selfWeight(): string {
  return `own_weight AS MATERIALIZED (
      SELECT held.word, ln(1 + greatest(corpus.n - held.df + 0.5, 0.5) / (held.df + 0.5)) AS idf
      FROM corpus, (
        SELECT u.word, count(*)::float8 / max(scored.n) * max(c.n) AS df
        FROM found CROSS JOIN unnest(found.own) AS u(word)
          CROSS JOIN (SELECT count(*)::float8 AS n FROM found) scored CROSS JOIN corpus c
        GROUP BY u.word) held)`;
}

/**
 * Whether any row of `table` within `where` holds one of the query's
 * words: a query that shares no word with the memory searched gets the
 * strict relevance floor (see fusedPage). Through the full-text index.
 */
export function anyWordMatches(
  table: 'messages' | 'passages',
  alias: string,
  where: string,
  textParam: string,
  /** Whether the agent holds overflow parts (overflowHeld): only then are they read. */
  overflow = false,
): string {
  const column = `EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${where} AND ${alias}.tsv @@ (
      SELECT string_agg(${lexemeText('t')}, ' | ')::tsquery
      FROM unnest(tsvector_to_array(locus_search_tsv(${textParam}::text))) t))`;
  if (!overflow) return column;
  const { side, owner } = overflowOf(table);
  // Overflow parts (see OVERFLOW) are read only when the column found nothing.
  return `(${column}
    OR EXISTS (SELECT 1 FROM ${side} o JOIN ${table} ${alias} ON ${alias}.id = o.${owner}
               WHERE ${where} AND o.tsv @@ (
      SELECT string_agg(${lexemeText('t')}, ' | ')::tsquery
      FROM unnest(tsvector_to_array(locus_search_tsv(${textParam}::text))) t)))`;
}

/** The part of a text looked at for common words: they occur early in any text. */
const TAIL_TEXT_CHARS = 10000;

/**
 * COMMON-WORD TAIL: the rows of `table` within `where` that share only
 * common words with the query ("can", "my", "I": the words the english
 * parser drops as stop words, so the search column never holds them), for
 * a word search whose matches (the `head` CTE, (id, tiebreak, score)) do
 * not fill the page ending at `end`. Yields (id, tiebreak, share): the
 * row's part of the query's common-word weight (idf over the rows looked
 * at). Ranked after every word match (fusedPage).
 *
 * Whether a query matches at all stays the question its content words
 * answer: with no match the tail is empty, so "xyzzy" and "what is xyzzy"
 * still return nothing. Once it matches, a search asked for more results
 * than its words find returns the rest of the memory that shares a common
 * word with it, weakest last, instead of stopping short: in a new user's
 * 20-turn memory 26 of LongMemEval's 403 evidence turns share only such
 * words with their question, and archival full text returned at most 94%
 * of the evidence at any depth (textbook BM25, which keeps stop words,
 * 97.7% at 25; docs/benchmarks.md, issue 19). Counting the common words in
 * the word score instead cost LoCoMo 3.6 points at R@5.
 *
 * They are read from the text (to_tsvector 'simple'), not an index, so
 * the rows looked at are bounded like `maxHits` bounds the word search:
 * the `window` most recent ones, and only when the page is not full.
 */
export function commonWordTail(options: {
  table: 'messages' | 'passages';
  where: (alias: string) => string;
  textParam: string;
  tiebreak: string;
  head: string;
  end: string;
  window: number;
}): string {
  const { table, tiebreak, head } = options;
  const window = Math.max(1, Math.floor(options.window));
  return `WITH tail_words AS MATERIALIZED (
      SELECT array_agg(DISTINCT w) AS words
      FROM unnest(tsvector_to_array(to_tsvector('simple', ${options.textParam}::text))) w
      WHERE to_tsvector('english', w) = ''::tsvector),
    -- One-time conditions: nothing is read when the words filled the page
    -- or found nothing.
    recent AS MATERIALIZED (
      SELECT r.id, r.tiebreak,
             tsvector_to_array(to_tsvector('simple',
               left(${indexedText(table, 'body')}, ${TAIL_TEXT_CHARS}))) AS words
      FROM (SELECT tw.id, tw.${tiebreak} AS tiebreak FROM ${table} tw
            WHERE ${options.where('tw')}
              AND (SELECT count(*) FROM ${head}) BETWEEN 1 AND ${options.end} - 1
              AND (SELECT words FROM tail_words) IS NOT NULL
            ORDER BY tw.${tiebreak} DESC LIMIT ${window}) r
      JOIN ${table} body ON body.id = r.id),
    held AS MATERIALIZED (
      SELECT r.id, r.tiebreak, w.word FROM tail_words q, recent r
        CROSS JOIN LATERAL unnest(r.words) AS w(word)
      WHERE w.word = ANY (q.words)),
    weights AS MATERIALIZED (
      SELECT held.word, ln(1 + greatest(n.n - count(*) + 0.5, 0.5) / (count(*) + 0.5)) AS idf
      FROM held CROSS JOIN (SELECT count(*)::float8 AS n FROM recent) n
      GROUP BY held.word, n.n)
    SELECT h.id, max(h.tiebreak) AS tiebreak,
           sum(w.idf) / greatest((SELECT sum(idf) FROM weights), 1e-9) AS share
    FROM held h JOIN weights w ON w.word = h.word
    WHERE NOT EXISTS (SELECT 1 FROM ${head} x WHERE x.id = h.id)
    GROUP BY h.id`;
}

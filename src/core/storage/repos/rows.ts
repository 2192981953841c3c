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

/** pgvector's text form; JSON number formatting round-trips float32 exactly enough. */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

/** Okapi BM25's usual constants. */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Words in more than this share of rows do not make a row a hit on their own. */
const COMMON_SHARE = 0.2;

/**
 * A query that ranks rows of `table` (aliased `alias`, limited by `where`)
 * against the query words with Okapi BM25 over the tsvector column, yielding
 * (id, score). Postgres's ts_rank has no inverse document frequency, so a
 * word every row has (a speaker's name, "like") weighed as much as a rare
 * one; on LoCoMo BM25 gained about ten points of recall.
 *
 * Statistics are approximate so no query scans the table: the row count is
 * the planner's (kept fresh by auto-analyze), document frequencies are
 * counted over the whole table through the GIN index, and the average
 * length is that of the matching rows.
 */
export function bm25Scores(table: string, alias: string, where: string, textParam: string): string {
  const terms = `tsvector_to_array(to_tsvector('english', ${textParam}::text))`;
  // MATERIALIZED: the per-word statistics are computed once, never per matching row.
  return `WITH corpus AS MATERIALIZED (
      SELECT greatest((SELECT reltuples FROM pg_class WHERE oid = '${table}'::regclass), 1)::float8 AS n),
    weights AS MATERIALIZED (
      SELECT t.term, df.n AS df,
             ln(1 + greatest(corpus.n - df.n + 0.5, 0.5) / (df.n + 0.5)) AS idf, corpus.n AS total
      FROM corpus, unnest(${terms}) AS t(term),
           LATERAL (SELECT count(*)::float8 AS n FROM ${table} d
                    WHERE d.tsv @@ to_tsquery('simple', quote_literal(t.term))) df),
    -- Rows are found by the query's selective words only: a word in a fifth
    -- of all rows adds little to the ranking but would make every row a hit.
    selective AS MATERIALIZED (
      SELECT to_tsquery('simple', string_agg(quote_literal(w.term), ' | ')) AS tsq
      FROM weights w
      WHERE w.df > 0
        AND w.df <= greatest(w.total * ${COMMON_SHARE}, (SELECT min(df) FROM weights WHERE df > 0))),
    hit AS MATERIALIZED (
      SELECT ${alias}.id, length(${alias}.tsv)::float8 AS dl, u.lexeme,
             coalesce(array_length(u.positions, 1), 1)::float8 AS tf
      FROM ${table} ${alias}, unnest(${alias}.tsv) u
      -- A scalar subquery, so the planner can take the GIN index with it.
      WHERE ${where} AND ${alias}.tsv @@ (SELECT tsq FROM selective)
        AND u.lexeme = ANY(${terms})),
    lengths AS MATERIALIZED (SELECT greatest(avg(dl), 1) AS avgdl FROM hit)
    SELECT hit.id, sum(w.idf * hit.tf * ${BM25_K1 + 1} /
             (hit.tf + ${BM25_K1} * (1 - ${BM25_B} + ${BM25_B} * hit.dl / lengths.avgdl))) AS score
    FROM hit JOIN weights w ON w.term = hit.lexeme CROSS JOIN lengths
    GROUP BY hit.id`;
}

import { VECTOR_OVERFETCH, VECTOR_TYPE, signBits, signsCarryMeaning, type Params } from './rows';

export type SearchMode = 'hybrid' | 'vector' | 'text';

/**
 * How a result's word score and meaning score are combined (docs/benchmarks.md,
 * issue 19).
 *
 * - Words: the BM25 score divided by the query's total word weight (the
 *   sum of its words' idf): about the share of the query's information the
 *   text holds, 1 for a text of average length holding every query word.
 *   A word the memory never used still counts in the total.
 * - Meaning: how far the cosine similarity stands above the query's
 *   similarity to unrelated text, in standard deviations (see
 *   VectorCalibration), divided by `vectorScale` and clipped to 0-1.5.
 *
 * RELATIVE_FUSION: results rank by the sum of each list's score over that
 * list's best score among the candidates, the meaning weighted. Each list
 * then counts by how close a result comes to its own best match, whatever
 * the scale of its scores for this query. Summed as they were (words plus
 * meaning, each on its absolute scale), a word list came to weigh more than
 * meaning whenever a sentence model put the evidence a few deviations above
 * unrelated text, which a good match usually is (far below the 10 at which
 * meaning scores 1): in a small memory, long turns sharing a word or two
 * with the question outranked the turn that answers it, and hybrid search
 * fell below meaning alone on LongMemEval (conversation_search R@5 79.8 vs
 * 82.9 on the oracle form). Reciprocal rank fusion, before that, counted
 * only places, so a weak list's unrelated top hits took places from exact
 * matches. Relative to each list's best, the same equal weights gain on
 * all three dev sets (LongMemEval oracle and padded, LoCoMo, each half).
 *
 * The score returned keeps the absolute scale: the page's scores are the
 * relative fusion rescaled so the best result scores what its words plus
 * meaning give it on the absolute scale (at most 1.5 + the words' score).
 * A query whose best match is weak still scores low, so floors on scores
 * (surfacing's) mean what they did; ranking within a search is the
 * relative one.
 *
 * Words alone, or meaning alone, score on the same absolute scale, so a
 * floor means the same with any embedder.
 */
export interface Fusion {
  /** Weight of the meaning score; words weigh 1. */
  vectorWeight: number;
  /** Standard deviations above unrelated text at which the meaning score is 1. */
  vectorScale: number;
}

export const HYBRID_FUSION: Fusion = {
  vectorWeight: 1,
  vectorScale: 10,
};

/**
 * A past fact (a passage a newer one superseded, see memory's consolidation)
 * counts half: it must match twice as well as the current fact to rank
 * above it. It is still found (what was true then, "until 2026-03"), never
 * hidden; a constant, not tuned, since no dev set here has facts that change.
 */
export const PAST_FACT_WEIGHT = 0.5;

/** The meaning score's ceiling: a near duplicate counts at most 1.5x a perfect word match. */
const VECTOR_CAP = 1.5;

/**
 * WEAK_MEANING: the meaning list is read relative to its best row only when
 * that row stands at least this many standard deviations above unrelated
 * text; a weaker list is read relative to this level instead. Rescaled
 * against its own best, a list of rows a hair above unrelated text counted
 * as much as the best word match: for a query the model cannot read (one
 * emoji, whose vector is hashed), unrelated CJK passages a collision above
 * it tied with the passage holding the emoji. A real match stands a few
 * deviations above unrelated text (relevance.ts), so this rarely binds.
 */
const WEAK_MEANING_DEVIATIONS = 2;

/**
 * WEAK_WORDS: for a question in the first person (rows.ts, ABOUT SELF), the
 * word list is read relative to its best row only when that row scores at
 * least this share of the query's word weight; a weaker list is read
 * relative to this level instead, as a weak meaning list is read against
 * WEAK_MEANING. In a memory about one subject (flights, instruments) the
 * subject's word is in most rows; when the best word match holds only that
 * word, every row holding it counted as a perfect word match, above the
 * person's own turn that answered in other words ("I flew JetBlue on the
 * 14th"): on the LongMemEval dev split, oracle form, conversation_search
 * and archival hybrid R@25 were 99.2 and 99.4 against vector search's 99.9,
 * and are 99.9 and 99.8 with it (archival also with ABOUT SELF's length
 * normalisation; the rest is one turn marked as evidence that reads "No,
 * that's all for now. Thanks for your help!", which vector search lists
 * only because it lists the whole memory; the relevance floor drops it).
 * Chosen there: at 0.6 conversation_search stayed at 99.4, and at 0.8 and
 * above its R@1 fell to 39-40. Not for questions about others: on LoCoMo
 * (none in the first person) 0.6 for every question cost 1.6 points at R@1.
 */
export const WEAK_WORDS = 0.7;

/**
 * What a cosine similarity means for this query and embedder: the mean and
 * spread of the query's similarity to unrelated text (memory/relevance.ts).
 * Embedders differ wildly (one puts unrelated sentences at 0.1, another at
 * 0.7), so similarity is only ever read against this.
 */
export interface VectorCalibration {
  mean: number;
  spread: number;
  /**
   * The relevance floor for a query none of whose words occur in the
   * searched memory ("xyzzy"): a result found by meaning alone must be at
   * least this similar, or nothing is returned. Null: such results are
   * never returned (an embedder whose vectors only hash words).
   */
  strictSimilarity: number | null;
}

/** The fewest candidates a ranking contributes (candidatesFor). */
export const MIN_CANDIDATES = 100;

/** Candidates each ranking contributes for a page ending at `end`; at least 100, so pages agree. */
export function candidatesFor(end: number): number {
  return Math.max(MIN_CANDIDATES, end);
}

/**
 * A vector ranking (id, tiebreak, sim): the `candidates` nearest rows of
 * `table` by cosine similarity, within `where`. VECTOR_OVERFETCH times the
 * candidates are chosen by the Hamming distance of each vector's signs (one
 * bit a dimension, 64 bytes for 512-d instead of 2 kB) and then ranked by
 * their exact cosine on the stored vectors, so a candidate's similarity is
 * exact and only which rows are candidates depends on the bits. PGlite's
 * process chooses them itself (`picked`, memory/sign-index.ts); a server
 * walks its graph over the signs (vectors-repo). A vector whose signs say
 * little (signsCarryMeaning) is ranked against every row instead.
 */
export function nearestRanked(options: {
  table: 'passages' | 'messages';
  alias: string;
  tiebreak: string;
  where: string;
  /** The query vector's placeholder. */
  vectorParam: string;
  /** The query vector: its length is the column's, and its signs decide whether the graph is used. */
  vector: Float32Array;
  candidates: string;
  /**
   * Rows already chosen by their signs (memory/sign-index.ts): the
   * placeholder of their ids, ranked here by exact cosine within `where`
   * instead of walking the graph.
   */
  picked?: {
    idsParam: string;
    /**
     * Whether the ids may not hold enough rows within `where`: they are not
     * every row of the agent, and `where` filters more than the agent.
     * Then, when fewer than `candidates` of them pass, every row within
     * `where` is ranked instead, so a narrow filter still finds its rows.
     */
    narrow: boolean;
  };
}): string {
  const { table, alias: a } = options;
  const query = `${options.vectorParam}::${VECTOR_TYPE}`;
  const dimensions = options.vector.length;
  const exact = `SELECT ${a}.id, ${a}.${options.tiebreak} AS tiebreak, ${a}.embedding <=> ${query} AS distance
      FROM ${table} ${a}
      WHERE ${a}.embedding IS NOT NULL AND ${options.where}
      ORDER BY distance LIMIT ${options.candidates}`;
  if (options.picked) {
    const picked = `SELECT ${a}.id, ${a}.${options.tiebreak} AS tiebreak, ${a}.embedding <=> ${query} AS distance
      FROM ${table} ${a}
      WHERE ${a}.id = ANY(${options.picked.idsParam}::text[]) AND ${a}.embedding IS NOT NULL
        AND ${options.where}
      ORDER BY distance LIMIT ${options.candidates}`;
    if (!options.picked.narrow) {
      return `SELECT id, tiebreak, 1 - distance AS sim FROM (${picked}) nearest`;
    }
    // Both branches are gated on a count the planner evaluates once, so the
    // exact ranking runs only when the chosen rows fall short.
    return `SELECT id, tiebreak, 1 - distance AS sim FROM (
      WITH picked AS MATERIALIZED (${picked})
      SELECT id, tiebreak, distance FROM picked
      WHERE (SELECT count(*) FROM picked) >= ${options.candidates}
      UNION ALL
      SELECT id, tiebreak, distance FROM (${exact}) exact
      WHERE (SELECT count(*) FROM picked) < ${options.candidates}) nearest`;
  }
  if (!signsCarryMeaning(options.vector)) {
    return `SELECT id, tiebreak, 1 - distance AS sim FROM (${exact}) nearest`;
  }
  return `SELECT id, tiebreak, 1 - distance AS sim FROM (
      SELECT coarse.id, coarse.tiebreak, coarse.embedding <=> ${query} AS distance FROM (
        SELECT ${a}.id, ${a}.${options.tiebreak} AS tiebreak, ${a}.embedding
        FROM ${table} ${a}
        WHERE ${a}.embedding IS NOT NULL AND ${options.where}
        ORDER BY ${signBits(`${a}.embedding`, dimensions)} <~> ${signBits(query, dimensions)}
        LIMIT ${options.candidates} * ${VECTOR_OVERFETCH}) coarse
      ORDER BY distance LIMIT ${options.candidates}) nearest`;
}

/** Rows a search's caller already chose by their signs (memory/sign-index.ts). */
export interface ChosenRows {
  ids: string[];
  /** Whether they are every embedded row of the agent. */
  exhaustive: boolean;
}

/**
 * nearestRanked's `picked` for `chosen` (nothing without them): narrow when
 * the ids are not every row of the agent and the search filters more than
 * the agent (`filtered`).
 */
export function pickedOption(
  chosen: ChosenRows | null | undefined,
  params: Params,
  filtered: boolean,
): { picked?: { idsParam: string; narrow: boolean } } {
  if (!chosen) return {};
  return { picked: { idsParam: params.add(chosen.ids), narrow: !chosen.exhaustive && filtered } };
}

/** The best `candidates` rows of a (id, tiebreak, score) query. */
export function scoreRanked(scores: string, candidates: string): string {
  return `SELECT s.id, s.tiebreak, s.score FROM (${scores}) s
      ORDER BY s.score DESC, s.tiebreak DESC, s.id LIMIT ${candidates}`;
}

/**
 * CTEs `vec` (id, tiebreak, sim) and/or `fts` (id, tiebreak, score), then
 * `hits`: one page of their fusion (id, tiebreak, score, rank), in `rank`
 * order (best first), above the relevance floor. The page is cut before the caller joins back to its
 * rows, so only the rows shown are read again.
 *
 * The floor: a result must share a word with the query, unless the query
 * shares a word with something in the searched memory (then its nearest
 * rows by meaning that stand above unrelated text are related context,
 * ranked with the word matches by how close they come to the best by
 * meaning), or it is at least `strictSimilarity` similar. So a query that
 * matches nothing returns nothing, whatever the embedder, and a hybrid
 * search lists nothing at score 0.
 */
export function fusedPage(options: {
  params: Params;
  table: 'passages' | 'messages';
  vec: string | null;
  fts: string | null;
  /** Required with `vec`: the query vector's placeholder. */
  vectorParam?: string;
  /** Required with `vec` and no `fts`: whether any row within the filter holds a query word. */
  lexicalSupport?: string;
  calibration?: VectorCalibration;
  fusion: Fusion;
  /**
   * Passages only: a past fact's score (one a newer passage superseded) is
   * multiplied by this, so the current fact ranks first (see PAST_FACT_WEIGHT).
   */
  pastWeight?: number;
  /**
   * Hybrid only: the word list is read relative to at least this score
   * (WEAK_WORDS); otherwise relative to its own best row.
   */
  weakWords?: number;
  /**
   * Words only: the rows sharing only common words with the query, (id,
   * tiebreak, share) from the SQL this returns given the word matches' CTE
   * name and the page's end (see commonWordTail). They rank after every
   * word match and score a share of half the weakest one's score, so a
   * floor on scores sees them as weaker still.
   */
  tail?: (head: string, end: string) => string;
  limit: number;
  offset: number;
}): string {
  const { params, vec, fts, fusion, table } = options;
  const weighed = (score: string, alias: string) =>
    options.pastWeight === undefined
      ? score
      : `(${score}) * CASE WHEN EXISTS (SELECT 1 FROM ${table} past WHERE past.id = ${alias}.id
           AND past.superseded_by IS NOT NULL) THEN ${params.add(options.pastWeight)}::float8 ELSE 1 END`;
  if (!vec && !fts) throw new RangeError('a search needs at least one ranking');
  const parts: string[] = [];
  const page = `LIMIT ${params.add(options.limit)} OFFSET ${params.add(options.offset)}`;
  if (fts) parts.push(`fts AS MATERIALIZED (${fts})`);
  if (!vec) {
    const tail = options.tail?.('fts', `${params.add(options.offset + options.limit)}::int`);
    if (tail) parts.push(`tail AS MATERIALIZED (${tail})`);
    const tailRows = tail
      ? `UNION ALL SELECT id, tiebreak, ${weighed('(SELECT min(score) FROM fts) * t.share / 2', 't')}, 1
         FROM tail t`
      : '';
    parts.push(`hits AS (
      SELECT id, tiebreak, score,
             row_number() OVER (ORDER BY tier, score DESC, tiebreak DESC, id) AS rank
      FROM (SELECT id, tiebreak, ${weighed('f.score', 'f')} AS score, 0 AS tier FROM fts f
            ${tailRows}) weighed
      ORDER BY rank ${page})`);
    return parts.join(',\n');
  }
  const calibration = options.calibration ?? { mean: 0, spread: 1, strictSimilarity: null };
  const mean = `${params.add(calibration.mean)}::float8`;
  const spread = `${params.add(Math.max(calibration.spread, 1e-6) * fusion.vectorScale)}::float8`;
  const strict = `${params.add(calibration.strictSimilarity)}::float8`;
  // Capped only where it is weighed against words.
  const meaning = (sim: string, capped: boolean) =>
    capped
      ? `least(${VECTOR_CAP}, greatest(0, (${sim} - ${mean}) / ${spread}))`
      : `greatest(0, (${sim} - ${mean}) / ${spread})`;
  const weight = `${params.add(fusion.vectorWeight)}::float8`;
  parts.push(`vec AS MATERIALIZED (${vec})`);
  const lexical = fts ? 'EXISTS (SELECT 1 FROM fts)' : (options.lexicalSupport ?? 'false');
  const floor = `(${lexical} OR sim >= ${strict})`;
  if (!fts) {
    parts.push(`hits AS (
      SELECT id, tiebreak, score,
             row_number() OVER (ORDER BY score DESC, sim DESC, tiebreak DESC, id) AS rank
      FROM (SELECT id, tiebreak, sim, ${weighed(`${weight} * ${meaning('sim', false)}`, 'v')} AS score
            FROM vec v WHERE ${floor}) weighed
      ORDER BY rank ${page})`);
    return parts.join(',\n');
  }
  if (!options.vectorParam) throw new RangeError('a hybrid search needs the query vector');
  const weak = `${params.add(WEAK_MEANING_DEVIATIONS / fusion.vectorScale)}::float8`;
  // Without weakWords the statement is the one it always was (no new placeholder).
  const weakWords =
    options.weakWords === undefined ? '1e-12' : `${params.add(options.weakWords)}::float8`;
  parts.push(`pool AS (
      SELECT id, max(tiebreak) AS tiebreak, max(t) AS t, max(sim) AS sim FROM (
        SELECT id, tiebreak, score AS t, NULL::float8 AS sim FROM fts
        UNION ALL SELECT id, tiebreak, NULL, sim FROM vec) both_ GROUP BY id),
    -- Word matches outside the nearest rows still get their similarity.
    scored AS (
      SELECT pool.id, pool.tiebreak, coalesce(pool.t, 0) AS t,
             coalesce(pool.sim, 1 - (x.embedding <=> ${options.vectorParam}::${VECTOR_TYPE}), 0) AS sim
      FROM pool LEFT JOIN ${table} x ON pool.sim IS NULL AND x.id = pool.id),
    -- A row without a word match is kept only for its meaning: one no
    -- closer than unrelated text (v = 0) would be listed at score 0 under
    -- the real matches.
    meant AS (SELECT id, tiebreak, sim, t, ${meaning('sim', true)} AS v FROM scored),
    kept AS MATERIALIZED (
      SELECT id, tiebreak, sim, t, v FROM meant s WHERE t > 0 OR (v > 0 AND ${floor})),
    -- Each list over its own best (see RELATIVE_FUSION), meaning over no
    -- less than a weak match (WEAK_MEANING), words too when asked
    -- (WEAK_WORDS); the page keeps the absolute scale of its best absolute
    -- match.
    tops AS MATERIALIZED (
      SELECT greatest(max(t), ${weakWords}) AS tmax, greatest(max(v), ${weak}) AS vmax,
             max(t + ${weight} * v) AS best FROM kept),
    relative AS MATERIALIZED (
      SELECT k.id, k.tiebreak, k.sim, k.t / tops.tmax + ${weight} * k.v / tops.vmax AS rel
      FROM kept k CROSS JOIN tops),
    hits AS (
      SELECT id, tiebreak, score, row_number() OVER (ORDER BY score DESC, sim DESC, tiebreak DESC, id) AS rank
      FROM (SELECT r.id, r.tiebreak, r.sim,
                   ${weighed('tops.best * r.rel / greatest(top_rel.rel, 1e-12)', 'r')} AS score
            FROM relative r CROSS JOIN tops
              CROSS JOIN (SELECT max(rel) AS rel FROM relative) top_rel) fused
      ORDER BY rank ${page})`);
  return parts.join(',\n');
}

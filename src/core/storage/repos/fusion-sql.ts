import { VECTOR_TYPE, type Params } from './rows';

/** Reciprocal-rank-fusion constant and per-ranker weights. */
export interface Fusion {
  rrfK: number;
  vectorWeight: number;
  textWeight: number;
}

export type SearchMode = 'hybrid' | 'vector' | 'text';

/**
 * Reciprocal rank fusion tuned on LoCoMo (bench/, docs/benchmarks.md): the
 * textbook k = 60 with equal weights let a weak embedder's ranking dilute
 * BM25's top hits (R@5 47 vs 56); a small k keeps each ranker's top results
 * on top, and words count double because small local embedders are weaker.
 * Tuned on archival search; recall search takes the same constants untuned.
 */
export const HYBRID_FUSION: Fusion = { rrfK: 10, vectorWeight: 0.5, textWeight: 1 };

/** Candidates each ranker contributes for a page ending at `end`; at least 100, so pages agree. */
export function candidatesFor(end: number): number {
  return Math.max(100, end);
}

/**
 * A vector ranking (id, tiebreak, r): the `candidates` nearest rows of
 * `table` by cosine distance, through its HNSW index, within `where`.
 */
export function nearestRanked(options: {
  table: 'passages' | 'messages';
  alias: string;
  tiebreak: string;
  where: string;
  vectorParam: string;
  candidates: string;
}): string {
  const { table, alias: a } = options;
  return `SELECT id, tiebreak, row_number() OVER (ORDER BY distance) AS r FROM (
      SELECT ${a}.id, ${a}.${options.tiebreak} AS tiebreak,
             ${a}.embedding <=> ${options.vectorParam}::${VECTOR_TYPE} AS distance
      FROM ${table} ${a}
      WHERE ${a}.embedding IS NOT NULL AND ${options.where}
      ORDER BY distance LIMIT ${options.candidates}) nearest`;
}

/** A text ranking (id, tiebreak, r) of the best `candidates` rows of a (id, tiebreak, score) query. */
export function scoreRanked(scores: string, candidates: string): string {
  return `SELECT id, tiebreak, row_number() OVER (ORDER BY score DESC, tiebreak DESC, id) AS r FROM (
      SELECT s.id, s.score, s.tiebreak FROM (${scores}) s
      ORDER BY s.score DESC, s.tiebreak DESC, s.id LIMIT ${candidates}) matched`;
}

/**
 * CTEs `vec` and/or `fts` (each ranking id, tiebreak, r) and `hits`: one page
 * of their reciprocal rank fusion (id, tiebreak, score), best first. The
 * page is cut before the caller joins back to its rows, so only the rows
 * shown are read again.
 */
export function fusedPage(options: {
  params: Params;
  vec: string | null;
  fts: string | null;
  fusion: Fusion;
  limit: number;
  offset: number;
}): string {
  const { params, vec, fts, fusion } = options;
  if (!vec && !fts) throw new RangeError('a search needs at least one ranking');
  const k = `${params.add(fusion.rrfK)}::float8`;
  const parts: string[] = [];
  const terms: string[] = [];
  if (vec) {
    parts.push(`vec AS (${vec})`);
    terms.push(`coalesce(${params.add(fusion.vectorWeight)}::float8 / (${k} + vec.r), 0)`);
  }
  if (fts) {
    parts.push(`fts AS (${fts})`);
    terms.push(`coalesce(${params.add(fusion.textWeight)}::float8 / (${k} + fts.r), 0)`);
  }
  const both = vec !== null && fts !== null;
  const from = both ? 'vec FULL OUTER JOIN fts ON vec.id = fts.id' : vec ? 'vec' : 'fts';
  const column = (name: string) =>
    both ? `coalesce(vec.${name}, fts.${name})` : `${vec ? 'vec' : 'fts'}.${name}`;
  parts.push(`hits AS (
      SELECT ${column('id')} AS id, ${column('tiebreak')} AS tiebreak, ${terms.join(' + ')} AS score
      FROM ${from}
      ORDER BY score DESC, tiebreak DESC, id
      LIMIT ${params.add(options.limit)} OFFSET ${params.add(options.offset)})`);
  return parts.join(',\n');
}

/**
 * Under this score a search hit is weak on the scale search scores on
 * (core/storage/repos/fusion-sql.ts, Fusion): it holds less than about a
 * third of the query's information by words, and stands only a few
 * deviations above unrelated text by meaning. It is the level surfacing
 * asks of what it puts before the model (SURFACING_FLOOR).
 */
export const WEAK_SCORE = 0.3;

/**
 * A hit scoring under this share of the best one shown is weak too: beside
 * a strong match, such hits mostly share a common word with the query (the
 * share surfacing uses, SURFACING_RELATIVE_FLOOR).
 */
export const WEAK_SHARE_OF_BEST = 0.5;

/**
 * Whether a hit should be shown as a weak match, so that a list that
 * returns everything sharing a word with the query does not make the
 * stragglers look as good as the match. `best` is the best score shown.
 */
export function isWeakMatch(score: number, best: number): boolean {
  return score < WEAK_SCORE || score < WEAK_SHARE_OF_BEST * best;
}

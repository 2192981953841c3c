import { isWeakMatch, WEAK_SCORE } from '../../../shared/match-strength';

/**
 * A search hit's score, marked "weak" by the rule the CLI uses
 * (isWeakMatch): search lists everything sharing a word with the query, and
 * without the mark a straggler reads like a match. `best` is the best score
 * shown.
 */
export function MatchScore(props: { score: number; best: number }): React.JSX.Element {
  const weak = isWeakMatch(props.score, props.best);
  return (
    <span
      className={weak ? 'score muted weak' : 'score muted'}
      title={
        weak
          ? `A weak match: under ${WEAK_SCORE}, or under half the best score; it shares little with the search.`
          : 'How well it matches the search (higher is closer)'
      }
    >
      score {props.score.toFixed(3)}
      {weak && ' · weak'}
    </span>
  );
}

/** The best score of a list of hits (what isWeakMatch compares each one to). */
export const bestScore = (hits: ReadonlyArray<{ score: number }>): number =>
  Math.max(0, ...hits.map((h) => h.score));

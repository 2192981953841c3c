/**
 * The part of a long text that matched a search, so results (the agent's
 * tools, surfacing, the UI, the CLI) show where a long document or message
 * answers the query instead of its first lines.
 *
 * Matching mirrors the search column (storage/migrations/*_search_text.ts):
 * the query's search terms are english stems (a stem is a prefix of its
 * words, save "happy" -> "happi"), character grams of unspaced scripts and
 * pictographs; the text is folded the same way (accents, compatibility
 * forms, case) word by word, so offsets stay those of the original.
 */

import { foldWord } from '../../shared/fold-word';
import { MATCH_TOKEN, tokenMatches } from '../../shared/unspaced-script';

function matches(word: string, term: string): boolean {
  if (tokenMatches(word, term)) return true;
  // The english stemmer turns a final y into i: "happi" for happy.
  return term.endsWith('i') && word.startsWith(`${term.slice(0, -1)}y`);
}

/** The search terms, lower-cased, each once. */
function wantedTerms(terms: readonly string[]): string[] {
  return [...new Set(terms.map((t) => t.toLowerCase()).filter((t) => t.length > 0))];
}

/** Each word of the text that matches a wanted term: its offsets and the term's index. */
function* termHits(
  text: string,
  wanted: readonly string[],
): Generator<{ start: number; end: number; term: number }> {
  if (wanted.length === 0) return;
  for (const match of text.matchAll(MATCH_TOKEN)) {
    const folded = foldWord(match[0]);
    const term = wanted.findIndex((t) => matches(folded, t));
    if (term >= 0) yield { start: match.index, end: match.index + match[0].length, term };
  }
}

/** Whether the text holds any of the search terms, matched as snippets match them. */
export function holdsAnyTerm(text: string, terms: readonly string[]): boolean {
  return !termHits(text, wantedTerms(terms)).next().done;
}

export interface SnippetOptions {
  /** Defaults to 300 characters. */
  maxChars?: number;
}

/**
 * At most `maxChars` of `text`: all of it when it fits, else the window
 * holding the most distinct query terms (then the most matches), cut at
 * word boundaries with "…" where text was left out; the beginning when no
 * term matches (a hit found by meaning alone).
 */
export function snippetOf(text: string, terms: readonly string[], options: SnippetOptions = {}) {
  const maxChars = options.maxChars ?? 300;
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  const hits: Array<{ start: number; end: number; term: number }> = [];
  for (const hit of termHits(trimmed, wantedTerms(terms))) {
    hits.push(hit);
    if (hits.length >= 5000) break;
  }
  let from = 0;
  if (hits.length > 0) {
    let best = { distinct: -1, count: -1, first: 0 };
    for (let i = 0; i < hits.length; i++) {
      const start = (hits[i] as (typeof hits)[number]).start;
      const seen = new Set<number>();
      let count = 0;
      for (let j = i; j < hits.length; j++) {
        const hit = hits[j] as (typeof hits)[number];
        if (hit.end - start > maxChars) break;
        seen.add(hit.term);
        count++;
      }
      if (seen.size > best.distinct || (seen.size === best.distinct && count > best.count)) {
        best = { distinct: seen.size, count, first: i };
      }
    }
    // A little text before the first match, for context.
    const first = (hits[best.first] as (typeof hits)[number]).start;
    from = Math.max(0, first - Math.floor(maxChars / 5));
  }
  let to = Math.min(trimmed.length, from + maxChars);
  if (to === trimmed.length) from = Math.max(0, to - maxChars);
  // Whole words only: move inward to the nearest space.
  if (from > 0) {
    const space = trimmed.indexOf(' ', from);
    if (space >= 0 && space < from + 40) from = space + 1;
  }
  if (to < trimmed.length) {
    const space = trimmed.lastIndexOf(' ', to);
    if (space > to - 40 && space > from) to = space;
  }
  return `${from > 0 ? '…' : ''}${trimmed.slice(from, to).trim()}${to < trimmed.length ? '…' : ''}`;
}

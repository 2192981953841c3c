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
import { MATCH_TOKEN, isUnspaced, tokenMatches } from '../../shared/unspaced-script';

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

/** A cut may not land before these: a combining mark belongs to the letter before it. */
const MARK = /\p{M}/u;
const SPACE = /\s/;

/**
 * Whether `text` may be cut before index `i` without splitting a word:
 * beside a space, or next to a character of an unspaced script (each of
 * its characters reads on its own), never before a combining mark. A
 * surrogate pair is neither, so an emoji is never cut in half.
 */
function cuttable(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const before = text[i - 1] as string;
  const after = text[i] as string;
  if (MARK.test(after)) return false;
  if (SPACE.test(before) || SPACE.test(after)) return true;
  return isUnspaced(before) || isUnspaced(after);
}

/** The first index in [from, limit] where text may be cut, or -1. */
function nextCut(text: string, from: number, limit: number): number {
  for (let i = from; i <= limit; i++) if (cuttable(text, i)) return i;
  return -1;
}

/** The last index in [limit, from] where text may be cut, or -1. */
function previousCut(text: string, from: number, limit: number): number {
  for (let i = from; i >= limit; i--) if (cuttable(text, i)) return i;
  return -1;
}

/**
 * A cut that must land inside a word (one longer than the window) still
 * keeps a surrogate pair whole, moving by `step` (+1 inward at the start,
 * -1 at the end) off the pair's second half.
 */
function wholeCodePoint(text: string, i: number, step: 1 | -1): number {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff ? i + step : i;
}

/**
 * At most `maxChars` of `text`, "…" included: all of it when it fits, else
 * the window holding the most distinct query terms (then the most
 * matches), cut between words with "…" where text was left out; the
 * beginning when no term matches (a hit found by meaning alone). Only a
 * word longer than the window is cut inside.
 */
export function snippetOf(text: string, terms: readonly string[], options: SnippetOptions = {}) {
  const maxChars = options.maxChars ?? 300;
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  // Room for the text between the two ellipses.
  const budget = Math.max(1, maxChars - 2);
  const hits: Array<{ start: number; end: number; term: number }> = [];
  for (const hit of termHits(trimmed, wantedTerms(terms))) {
    hits.push(hit);
    if (hits.length >= 5000) break;
  }
  let from = 0;
  /** The first match the window was chosen for: the start is not moved past it. */
  let first = Infinity;
  if (hits.length > 0) {
    let best = { distinct: -1, count: -1, first: 0 };
    for (let i = 0; i < hits.length; i++) {
      const start = (hits[i] as (typeof hits)[number]).start;
      const seen = new Set<number>();
      let count = 0;
      for (let j = i; j < hits.length; j++) {
        const hit = hits[j] as (typeof hits)[number];
        if (hit.end - start > budget) break;
        seen.add(hit.term);
        count++;
      }
      if (seen.size > best.distinct || (seen.size === best.distinct && count > best.count)) {
        best = { distinct: seen.size, count, first: i };
      }
    }
    // A little text before the first match, for context.
    first = (hits[best.first] as (typeof hits)[number]).start;
    from = Math.max(0, first - Math.floor(budget / 5));
  }
  let to = Math.min(trimmed.length, from + budget);
  if (to === trimmed.length) from = Math.max(0, to - budget);
  // Whole words only. The start moves inward to the next cut, short of the
  // match; else back to the start of its word, the end following it.
  const reach = Math.floor(budget / 3);
  if (!cuttable(trimmed, from)) {
    const ahead = nextCut(trimmed, from, Math.min(first, from + reach, to));
    const back = ahead < 0 ? previousCut(trimmed, from, Math.max(0, from - reach)) : -1;
    if (ahead >= 0) from = ahead;
    else if (back >= 0) [from, to] = [back, Math.min(to, back + budget)];
    else from = wholeCodePoint(trimmed, from, 1);
  }
  // The end moves back to the last cut in the window.
  if (!cuttable(trimmed, to)) {
    const back = previousCut(trimmed, to, from + 1);
    to = back >= 0 ? back : wholeCodePoint(trimmed, to, -1);
  }
  return `${from > 0 ? '…' : ''}${trimmed.slice(from, to).trim()}${to < trimmed.length ? '…' : ''}`;
}

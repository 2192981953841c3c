/**
 * Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer,
 * kana, bopomofo, CJK, Hangul): search indexes their characters and pairs of
 * characters, not words, so a query's word matches anywhere inside a run of
 * them. The same ranges as the search column's (storage/migrations/
 * *_search_text.ts, *_search_grams_linear.ts), which keep frozen copies.
 * Shared by the core's snippets and the app's marking of matched words.
 */
const UNSPACED =
  /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/** Words, runs of unspaced scripts, and single pictographs, as text is cut for matching. */
export const MATCH_TOKEN = /[\p{L}\p{N}\p{M}]+|\p{Extended_Pictographic}/gu;

/** Whether the text holds a character of an unspaced script. */
export function isUnspaced(text: string): boolean {
  return UNSPACED.test(text);
}

/**
 * Whether a folded token matches a folded query word or search term as the
 * search column does: by its start ("key" finds "keys"), or anywhere inside
 * a run of an unspaced script ("東京" inside "東京タワー"). A short word of
 * a spaced script (Cyrillic "до") matches only at the start of a word.
 */
export function tokenMatches(token: string, word: string): boolean {
  return token.startsWith(word) || (isUnspaced(word) && token.includes(word));
}

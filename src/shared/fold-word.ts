/**
 * Folding a word as the search column does (storage/migrations/*_search_text.ts):
 * accents, compatibility forms and case, so "naive" finds "naïve". Shared by
 * the core's snippets and the app's marking of matched words.
 */

/** Combining accents, as removed by the search column. */
// The class is of lone combining marks on purpose (the same ranges as the migration's).
// eslint-disable-next-line no-misleading-character-class
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
};

/** Folds a word as the search column does, lower-cased. */
export function foldWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(MARKS, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[ßæœøłđħıŀ]/g, (c) => LETTERS[c] ?? c);
}

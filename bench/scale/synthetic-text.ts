import { seededRandom } from '../stats';

const SYLLABLES = 'ka lo mi ne ru sa ti vo ze ba da fe gi ho ju ly po qu re su'.split(' ');

/**
 * Seeded pseudo-English: a 20k-word vocabulary drawn with a Zipf-like
 * skew, so full-text posting lists and embedding neighbourhoods look like
 * those of real notes (a few very common words, a long tail of rare ones).
 */
export function createTextGenerator(seed = 1, vocabularySize = 20_000) {
  const random = seededRandom(seed);
  const vocabulary: string[] = [];
  const seen = new Set<string>();
  while (vocabulary.length < vocabularySize) {
    const length = 2 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(word)) {
      seen.add(word);
      vocabulary.push(word);
    }
  }
  // Inverse-CDF sampling of rank ~ 1/r: rank = N^u gives density ∝ 1/r.
  const word = () =>
    vocabulary[Math.min(vocabularySize - 1, Math.floor(vocabularySize ** random()) - 1)] as string;
  return {
    sentence(): string {
      const n = 8 + Math.floor(random() * 23);
      return Array.from({ length: n }, word).join(' ');
    },
    /** A few words of a given text, like a user half-remembering a note. */
    queryFrom(text: string, words = 4): string {
      const all = text.split(' ');
      const start = Math.floor(random() * Math.max(1, all.length - words));
      return all.slice(start, start + words).join(' ');
    },
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(random() * items.length)] as T;
    },
  };
}

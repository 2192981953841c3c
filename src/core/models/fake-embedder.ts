import { normalize, type Embedder } from './embedder';
import { featureHashVector } from './feature-hashing';

export interface FakeEmbedderOptions {
  /** Defaults to 64. */
  dimensions?: number;
  /** Defaults to "fake-hash". Change it to simulate switching models. */
  name?: string;
}

const STOP_WORDS = new Set(
  'a an and are as at be by did do does for from had has have he her his i in is it its me my of on or our she so that the their them they this to was we were what when where which who will with you your'.split(
    ' ',
  ),
);

/** Lowercased words with a naive plural strip, so "cats" and "cat" land together. */
export function fakeTokens(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((word) => !STOP_WORDS.has(word))
    .map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word));
}

/**
 * A deterministic embedder for tests, the CLI's --fake mode and e2e runs: a
 * signed feature-hashing bag of words. Texts that share words are close, which
 * is enough to make ranking assertions meaningful without a model.
 */
export function createFakeEmbedder(options: FakeEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 64;
  const name = options.name ?? 'fake-hash';
  return {
    name: `${name}-${dimensions}`,
    dimensions,
    lexical: true,
    basic: true,
    async embed(texts) {
      return texts.map((text) => normalize(featureHashVector(fakeTokens(text), dimensions)));
    },
    async dispose() {},
  };
}

import type { Embedder } from '../src/core/models/embedder';

/**
 * Wraps an embedder so texts embedded ahead of time in large batches (the
 * benchmark's questions) are not embedded again one by one during search.
 */
export function cachedEmbedder(
  inner: Embedder,
): Embedder & { prime(texts: string[]): Promise<void> } {
  const cache = new Map<string, Float32Array>();
  return {
    name: inner.name,
    dimensions: inner.dimensions,
    async prime(texts) {
      const missing = [...new Set(texts)].filter((t) => !cache.has(t));
      const vectors = await inner.embed(missing);
      missing.forEach((t, i) => cache.set(t, vectors[i] as Float32Array));
    },
    async embed(texts) {
      const missing = texts.filter((t) => !cache.has(t));
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((t, i) => cache.set(t, vectors[i] as Float32Array));
      }
      return texts.map((t) => cache.get(t) as Float32Array);
    },
    dispose: () => inner.dispose(),
  };
}

import { createHash } from 'node:crypto';
import { normalize, type Embedder } from '../../src/core/models/embedder';

const DIMENSIONS = 64;

/**
 * A sentence model made deterministic: every text is noise in 63
 * dimensions (seeded by the text) plus `topic` of its length along the
 * first, so texts on the query's topic stand out of unrelated ones by a
 * chosen margin, as a real model's do (by a few deviations, not by 10).
 */
export function topicEmbedder(topic: Record<string, number>): Embedder {
  return {
    name: 'topic-test',
    dimensions: DIMENSIONS,
    async embed(texts) {
      return texts.map((text) => {
        const along = topic[text] ?? 0;
        const seed = createHash('sha256').update(text).digest();
        const noise = Array.from(
          { length: DIMENSIONS - 1 },
          (_, i) => ((seed[i % 32]! ^ (i * 37)) % 255) / 127 - 1,
        );
        const norm = Math.hypot(...noise);
        const rest = Math.sqrt(1 - along * along);
        return normalize(Float32Array.from([along, ...noise.map((x) => (x / norm) * rest)]));
      });
    },
    async dispose() {},
  };
}

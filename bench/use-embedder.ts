import type { Embedder } from '../src/core/models/embedder';
import { loadBuiltinEmbedder } from '../src/core/models/builtin-embedder';

/**
 * Universal Sentence Encoder lite (512-d): the app's built-in sentence model
 * (src/core/models/builtin-embedder.ts), loaded at once, so retrieval is
 * measured with the embedder users get without a download.
 */
export function createUseEmbedder(batchSize = 64): Promise<Embedder> {
  return loadBuiltinEmbedder(batchSize);
}

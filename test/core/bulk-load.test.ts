import { describe, expect, it } from 'vitest';
import { BULK_FROM } from '../../src/core/memory/archival-memory';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { onServer } from '../helpers/test-backend';
import { testCore } from '../helpers/test-core';

/** A word of its own for each row: the word-hash test embedder ignores digits. */
const word = (i: number) =>
  [i % 26, Math.floor(i / 26) % 26, Math.floor(i / 676)]
    .map((n) => String.fromCharCode(97 + n))
    .join('');

describe('bulk writes of archival passages', () => {
  it('stores an import of many passages exactly, with no graph built in PGlite', async () => {
    // Long enough that the index cannot be rebuilt behind the test's back.
    // At the default 64 dimensions the 1,005 word-hash vectors held about a
    // hundred distinct values (three hashed words, one varying), and HNSW over so many exact duplicates missed
    // the nearest one now and then (its graph is random, on a server from
    // one build to the next); 384 keeps the test about storage, not recall.
    const embedder = createFakeEmbedder({ dimensions: 384 });
    const core = await testCore({ indexAfterIdleMs: 10 * 60_000, embedder });
    const agent = await core.agents.create({ name: 'Importer' });
    const inputs = Array.from({ length: BULK_FROM + 5 }, (_, i) => ({
      text: i === 7 ? 'Zoë’s café — naïve “quotes” 🐝 in June' : `imported note ${word(i)}`,
      tags: i % 3 === 0 ? [] : ['Import', `batch-${i % 2}`],
      source: i % 2 === 0 ? { kind: 'import' as const, ref: `row-${i}` } : undefined,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    }));
    const stored = await core.archival.insertMany(agent.id, inputs);
    const vectors = createVectorsRepo(core.database.pg, 'passages');
    // PGlite has no graph (its process ranks the signs, memory/sign-index.ts).
    // A server keeps its graph (rebuilding it would hold up other devices' writes).
    expect(await vectors.hasVectorIndex()).toBe(onServer());

    const odd = await core.archival.get(stored[7]!.id);
    expect(odd).toMatchObject({
      text: 'Zoë’s café — naïve “quotes” 🐝 in June',
      tags: ['import', 'batch-1'],
      source: { kind: 'agent', ref: null },
      createdAt: '2024-01-01T00:00:07.000Z',
      embedded: true,
    });
    expect(await core.archival.get(stored[0]!.id)).toMatchObject({
      tags: [],
      source: { kind: 'import', ref: 'row-0' },
    });
    expect(await core.archival.count()).toEqual({ total: BULK_FROM + 5, pending: 0 });
    // Every float arrives as written (COPY sends them high byte first).
    const [sent] = await embedder.embed([inputs[7]!.text]);
    const written = await core.database.pg.query<{ v: string }>(
      'SELECT embedding::text AS v FROM passages WHERE id = $1',
      [stored[7]!.id],
    );
    expect(Float32Array.from(JSON.parse(written.rows[0]!.v) as number[])).toEqual(sent);

    // Found by words (the generated tsvector) and by meaning (the vector) alike.
    const byWords = await core.archival.search(agent.id, { query: 'café quotes', mode: 'text' });
    expect(byWords.items[0]?.id).toBe(stored[7]!.id);
    // Each stored vector is the embedder's, to single precision.
    const [expected] = await core.embedder.embed([`imported note ${word(42)}`]);
    const vectorOf = async (id: string) => {
      const row = await core.database.pg.query<{ v: string }>(
        'SELECT embedding::text AS v FROM passages WHERE id = $1',
        [id],
      );
      return JSON.parse(row.rows[0]?.v ?? '[]') as number[];
    };
    const matches = async (id: string | undefined) => {
      const actual = await vectorOf(id ?? '');
      expect(actual).toHaveLength(expected!.length);
      actual.forEach((value, i) => expect(value).toBeCloseTo(expected![i]!, 6));
    };
    await matches(stored[42]!.id);
    const byMeaning = await core.archival.search(agent.id, {
      query: `imported note ${word(42)}`,
      mode: 'vector',
      limit: 1,
    });
    // The nearest row has that very vector (word-hash vectors of other rows may equal it).
    await matches(byMeaning.items[0]?.id);
    const tagged = await core.archival.search(agent.id, {
      query: 'imported note',
      tags: ['batch-0'],
      mode: 'text',
      limit: 50,
    });
    expect(tagged.items.every((p) => p.tags.includes('batch-0'))).toBe(true);

    await core.upkeep.flush();
    expect(await vectors.hasVectorIndex()).toBe(onServer());
    const again = await core.archival.search(agent.id, {
      query: `imported note ${word(42)}`,
      mode: 'vector',
      limit: 1,
    });
    await matches(again.items[0]?.id);
  });

  it('analyses a bulk load by itself once the writes pause', async () => {
    const core = await testCore({ indexAfterIdleMs: 0 });
    const agent = await core.agents.create({ name: 'Importer' });
    await core.archival.insertMany(
      agent.id,
      Array.from({ length: BULK_FROM }, (_, i) => ({ text: `note ${word(i)}` })),
    );
    const analysed = async () =>
      (
        await core.database.pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'passages' AND attname = 'agent_id'",
        )
      ).rows[0]?.n;
    // The config's poll bound (5 min) only catches a hang; a loaded machine is slow.
    await expect.poll(analysed).toBe(1);
  });

  it('leaves the full-text index merged and the statistics fresh once the writes pause', async () => {
    const core = await testCore({ indexAfterIdleMs: 10 * 60_000 });
    const pg = core.database.pg;
    const agent = await core.agents.create({ name: 'Importer' });
    const planned = async () =>
      (
        await pg.query<{ n: number }>(
          "SELECT reltuples::int AS n FROM pg_class WHERE oid = 'passages'::regclass",
        )
      ).rows[0]?.n;
    await core.archival.insertMany(
      agent.id,
      Array.from({ length: BULK_FROM * 2 }, (_, i) => ({ text: `note ${word(i)}` })),
    );
    // The word index took the rows into its pending list, which searches read until it is merged.
    const fastUpdate = async () =>
      (
        await pg.query<{ reloptions: string[] }>(
          "SELECT reloptions FROM pg_class WHERE oid = 'passages_tsv'::regclass",
        )
      ).rows[0]?.reloptions;
    expect(await fastUpdate()).toEqual(['fastupdate=on']);
    const found = await core.archival.search(agent.id, { query: word(1234), mode: 'text' });
    expect(found.items.map((p) => p.text)).toEqual([`note ${word(1234)}`]);
    // Analysed once the writes pause, not after every batch.
    const analysed = async () =>
      (
        await pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'passages' AND attname = 'agent_id'",
        )
      ).rows[0]?.n;
    expect(await planned()).not.toBe(BULK_FROM * 2);
    expect(await analysed()).toBe(0);
    await core.upkeep.flush();
    // Merged once the writes pause (nothing left to clean), and back to inserting row by row.
    expect(await fastUpdate()).toEqual(['fastupdate=off']);
    const left = await pg.query<{ pages: number }>(
      "SELECT gin_clean_pending_list('passages_tsv'::regclass)::int AS pages",
    );
    expect(left.rows[0]?.pages).toBe(0);
    const again = await core.archival.search(agent.id, { query: word(1234), mode: 'text' });
    expect(again.items.map((p) => p.text)).toEqual([`note ${word(1234)}`]);
    expect(await planned()).toBe(BULK_FROM * 2);
    // Statistics, not just the row count the index build leaves: without
    // them the planner took the agent's rows for 0.5% of the table and
    // scanned them exactly instead of walking the vector index.
    expect(await analysed()).toBe(1);
  });
});

describe('bulk writes into a large memory', () => {
  it('keeps the vector graph on a server through an import into a large memory, every new row embedded', async () => {
    const core = await testCore({
      indexAfterIdleMs: 10 * 60_000,
      embedder: createFakeEmbedder({ dimensions: 384 }),
    });
    const agent = await core.agents.create({ name: 'Importer' });
    const vectors = createVectorsRepo(core.database.pg, 'passages');
    await core.archival.insertMany(
      agent.id,
      Array.from({ length: BULK_FROM * 4 }, (_, i) => ({ text: `old note ${word(i)}` })),
    );
    await core.upkeep.flush();
    expect(await vectors.hasVectorIndex()).toBe(onServer());

    const added = await core.archival.insertMany(
      agent.id,
      Array.from({ length: BULK_FROM }, (_, i) => ({ text: `new note ${word(5000 + i)}` })),
    );
    // Rebuilding would cost every old row again; the new ones go into the live graph.
    expect(await vectors.hasVectorIndex()).toBe(onServer());
    const found = await core.archival.search(agent.id, {
      query: word(5007),
      mode: 'text',
      limit: 1,
    });
    expect(found.items[0]?.id).toBe(added[7]!.id);
    // Every new row has its vector (in the live graph: the index was never dropped).
    expect(await core.archival.count()).toEqual({ total: BULK_FROM * 5, pending: 0 });
  });
});

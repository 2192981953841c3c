import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/storage/migrations/registry';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';

const FULL = '1796565865905_full_precision_embeddings';

const columnType = async (pg: {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}): Promise<string | undefined> =>
  (
    await pg.query<{ type: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'passages'::regclass AND attname = 'embedding'`,
    )
  ).rows[0]?.type;

describe('single-precision embeddings', () => {
  it('converts stored half-precision vectors in place, keeping their values', async () => {
    const at = migrations.findIndex((m) => m.id === FULL);
    const old = await testDatabase({ migrations: migrations.slice(0, at) });
    await old.pg.exec(`
      ALTER TABLE passages ALTER COLUMN embedding TYPE halfvec(3);
      CREATE INDEX passages_embedding_hnsw ON passages USING hnsw (embedding halfvec_cosine_ops);
      INSERT INTO agents (id, name, system, model, created_at, updated_at)
        VALUES ('a1', 'Ada', '', '{}', now(), now());
      INSERT INTO passages (id, agent_id, text, source_kind, created_at, embedding)
        VALUES ('p1', 'a1', 'bees', 'user', now(), '[0.5,0.75,0]');
    `);

    const upgraded = await reopenTestDatabase(old, { migrations: migrations.slice(0, at + 1) });
    expect(upgraded.migration.applied).toEqual([FULL]);
    expect(await columnType(upgraded.pg)).toBe('vector(3)');
    const repo = createVectorsRepo(upgraded.pg, 'passages');
    // The old graph indexed half-precision vectors; it is rebuilt on the new column.
    expect(await repo.hasVectorIndex()).toBe(false);
    await repo.createVectorIndex();
    const value = await upgraded.pg.query<{ v: string }>(
      "SELECT embedding::text AS v FROM passages WHERE id = 'p1'",
    );
    // Halves that are exact binary fractions convert exactly.
    expect(JSON.parse(value.rows[0]?.v ?? '[]')).toEqual([0.5, 0.75, 0]);
  });

  it('stores new memories as vector and still finds them by meaning', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Bee keeper' });
    await core.archival.insertMany(agent.id, [
      { text: 'the bees swarmed in june' },
      { text: 'my tax return is due' },
    ]);
    expect(await columnType(core.database.pg)).toMatch(/^vector\(\d+\)$/);
    const found = await core.archival.search(agent.id, {
      query: 'the bees swarmed',
      mode: 'vector',
      limit: 1,
    });
    expect(found.items[0]?.text).toBe('the bees swarmed in june');
  });

  it('keeps a 512-d passage whole in its row, text and tsvector with it', async () => {
    const core = await testCore({ embedder: createFakeEmbedder({ dimensions: 512 }) });
    const agent = await core.agents.create({ name: 'Reader' });
    // ~1.5 kB of words that do not compress away: with the vector the row is
    // well over Postgres's 2 kB TOAST threshold and under a page.
    const words = Array.from({ length: 200 }, (_, i) => `w${(i * 7919) % 100000}x${i}`);
    await core.archival.insert(agent.id, { text: words.join(' ') });
    const sizes = await core.database.pg.query<{ toast: number }>(
      `SELECT pg_relation_size(reltoastrelid)::int AS toast FROM pg_class
       WHERE oid = 'passages'::regclass`,
    );
    expect(sizes.rows[0]?.toast).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/storage/migrations/registry';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { reopenTestDatabase, testDatabase } from '../helpers/test-core';

const HALFVEC = '1796533858950_halfvec_embeddings';

describe('half-precision embeddings', () => {
  it('converts stored full-precision vectors in place, keeping their values', async () => {
    const at = migrations.findIndex((m) => m.id === HALFVEC);
    const old = await testDatabase({ migrations: migrations.slice(0, at) });
    await old.pg.exec(`
      ALTER TABLE passages ALTER COLUMN embedding TYPE vector(3);
      CREATE INDEX passages_embedding_hnsw ON passages USING hnsw (embedding vector_cosine_ops);
      INSERT INTO agents (id, name, system, model, created_at, updated_at)
        VALUES ('a1', 'Ada', '', '{}', now(), now());
      INSERT INTO passages (id, agent_id, text, source_kind, created_at, embedding)
        VALUES ('p1', 'a1', 'bees', 'user', now(), '[0.6,0.8,0]');
    `);

    const upgraded = await reopenTestDatabase(old, { migrations: migrations.slice(0, at + 1) });
    expect(upgraded.migration.applied).toEqual([HALFVEC]);
    const column = await upgraded.pg.query<{ type: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'passages'::regclass AND attname = 'embedding'`,
    );
    expect(column.rows[0]?.type).toBe('halfvec(3)');
    const repo = createVectorsRepo(upgraded.pg, 'passages');
    // The old graph indexed full-precision vectors; it is rebuilt on the new column.
    expect(await repo.hasVectorIndex()).toBe(false);
    const value = await upgraded.pg.query<{ v: string }>(
      "SELECT embedding::text AS v FROM passages WHERE id = 'p1'",
    );
    const parsed = JSON.parse(value.rows[0]?.v ?? '[]') as number[];
    expect(parsed[0]).toBeCloseTo(0.6, 3);
    expect(parsed[1]).toBeCloseTo(0.8, 3);
  });
});

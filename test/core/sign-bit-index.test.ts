import { describe, expect, it } from 'vitest';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import type { Embedder } from '../../src/core/models/embedder';
import { migrations } from '../../src/core/storage/migrations/registry';
import { nearestRanked } from '../../src/core/storage/repos/fusion-sql';
import { Params, toVectorLiteral } from '../../src/core/storage/repos/rows';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';

const SIGN_BITS = '1796575552245_sign_bit_vector_index';

/**
 * Vectors chosen so that signs and cosine disagree: "bee alpha" points
 * almost exactly where the query does but one of its signs differs (it is
 * -0.05 where the query is +0.01); "bee beta" has every sign of the query
 * and a poor cosine. Any other text gets a word-hash vector.
 */
const FIXED: Record<string, number[]> = {
  'bee query': [1, 1, 1, 0.01],
  'bee alpha': [1, 1, 1, -0.05],
  'bee beta': [0.1, 0.1, 0.1, 1],
  'bee gamma': [-1, 0.2, 0.3, 0.4],
  // Mostly zeros, like a word-hash vector: zero and negative share a bit.
  'bee sparse query': [0, 0, 0, 1],
  'bee near': [0.001, 0.001, 0.001, 1],
};

function fixedEmbedder(): Embedder {
  const fallback = createFakeEmbedder({ dimensions: 4, name: 'fixed' });
  return {
    ...fallback,
    lexical: false,
    basic: false,
    async embed(texts) {
      const hashed = await fallback.embed(texts);
      return texts.map((text, i) => {
        const low = /^bee low (\d+)$/.exec(text);
        // The sparse query's one positive sign, and a poor cosine.
        if (low) return Float32Array.from([-0.5, -0.5, -0.5 - Number(low[1]) / 1000, 0.2]);
        const filler = /^bee filler (\d+)$/.exec(text);
        // Every sign of the query, and a poor cosine.
        if (filler) return Float32Array.from([0.1, 0.1, 0.1 + Number(filler[1]) / 1000, 1]);
        const fixed = FIXED[text];
        return fixed ? Float32Array.from(fixed) : (hashed[i] as Float32Array);
      });
    },
  };
}

const indexDefinition = async (pg: {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}): Promise<string[]> =>
  (
    await pg.query<{ def: string }>(
      `SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'passages'
       AND indexdef ILIKE '%USING hnsw%'`,
    )
  ).rows.map((row) => row.def);

describe('vector index over signs, ranked by exact cosine', () => {
  it('returns the nearest passage by cosine even when its signs differ from the query', async () => {
    const core = await testCore({ embedder: fixedEmbedder() });
    const agent = await core.agents.create({ name: 'Bee keeper' });
    // More rows with every sign of the query than a search takes candidates
    // (100): taken by Hamming distance alone, "bee alpha" would not be among them.
    await core.archival.insertMany(agent.id, [
      ...Array.from({ length: 150 }, (_, i) => ({ text: `bee filler ${i}` })),
      { text: 'bee beta' },
      { text: 'bee alpha' },
      { text: 'bee gamma' },
    ]);
    const found = await core.archival.search(agent.id, {
      query: 'bee query',
      mode: 'vector',
      limit: 2,
    });
    expect(found.items.map((item) => item.text)).toEqual(['bee alpha', 'bee filler 149']);
  });

  it('ranks a mostly-zero query vector by exact cosine, whose signs say little', async () => {
    const core = await testCore({ embedder: fixedEmbedder() });
    const agent = await core.agents.create({ name: 'Bee keeper' });
    // More rows with the sparse query's exact signs than the graph yields
    // candidates (300): by Hamming distance "bee near" would not be among them.
    await core.archival.insertMany(agent.id, [
      ...Array.from({ length: 310 }, (_, i) => ({ text: `bee low ${i}` })),
      { text: 'bee near' },
    ]);
    const found = await core.archival.search(agent.id, {
      query: 'bee sparse query',
      mode: 'vector',
      limit: 1,
    });
    expect(found.items.map((item) => item.text)).toEqual(['bee near']);
  });

  it('indexes the signs of the vectors, and searches use that index', async () => {
    const core = await testCore({ embedder: fixedEmbedder() });
    const agent = await core.agents.create({ name: 'Bee keeper' });
    await core.archival.insert(agent.id, { text: 'bee alpha' });
    // Built by vector upkeep on a server; PGlite ranks the signs in its process instead.
    await createVectorsRepo(core.database.pg, 'passages').createVectorIndex();
    const defs = await indexDefinition(core.database.pg);
    expect(defs).toHaveLength(1);
    expect(defs[0]).toMatch(/binary_quantize\(embedding\)\)::bit\(4\)\) bit_hamming_ops/);

    // The search's expression must be the index's, or the planner scans.
    // (Unfiltered: with one agent's few rows it would rather take the agent index.)
    const params = new Params();
    const vector = Float32Array.from([1, 1, 1, 0.01]);
    const sql = nearestRanked({
      table: 'passages',
      alias: 'p',
      tiebreak: 'created_at',
      where: 'true',
      vectorParam: params.add(toVectorLiteral(vector)),
      vector,
      candidates: `${params.add(10)}::int`,
    });
    const pg = core.database.pg;
    await pg.query('SET enable_seqscan = off');
    try {
      const plan = await pg.query<Record<string, string>>(`EXPLAIN ${sql}`, params.values);
      const text = plan.rows.map((row) => Object.values(row).join(' ')).join('\n');
      expect(text).toContain('passages_embedding_bits');
    } finally {
      await pg.query('RESET enable_seqscan');
    }
  });

  it('replaces the float graph of an older folder with the sign graph', async () => {
    const at = migrations.findIndex((m) => m.id === SIGN_BITS);
    const old = await testDatabase({ migrations: migrations.slice(0, at) });
    await old.pg.exec(`
      ALTER TABLE passages ALTER COLUMN embedding TYPE vector(3);
      CREATE INDEX passages_embedding_hnsw ON passages USING hnsw (embedding vector_cosine_ops);
    `);
    const upgraded = await reopenTestDatabase(old, { migrations: migrations.slice(0, at + 1) });
    expect(upgraded.migration.applied).toEqual([SIGN_BITS]);
    expect(await indexDefinition(upgraded.pg)).toEqual([]);
    const repo = createVectorsRepo(upgraded.pg, 'passages');
    expect(await repo.hasVectorIndex()).toBe(false);
    await repo.createVectorIndex();
    const defs = await indexDefinition(upgraded.pg);
    expect(defs).toHaveLength(1);
    expect(defs[0]).toContain('bit_hamming_ops');
  });
});

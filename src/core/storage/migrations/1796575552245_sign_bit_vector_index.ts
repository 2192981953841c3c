import type { Migration } from './registry';

/**
 * The vector graphs index each embedding's signs (one bit a dimension,
 * compared by Hamming distance) instead of the float vectors, and searches
 * rank the graph's candidates by exact cosine on the stored vectors
 * (repos/rows.ts signBits, fusion-sql.ts nearestRanked). The float graph
 * took as much disk as the rows and ~1 ms of CPU a row to build in PGlite's
 * WebAssembly; the bit graph is 1/7 of its size, builds ~3x faster and,
 * with the rerank, finds the exact nearest rows at least as often
 * (docs/benchmarks.md, issue 20). The old graphs are dropped here; vector
 * upkeep builds the new ones when Locus next opens (searches scan until then).
 */
export const signBitVectorIndex: Migration = {
  id: '1796575552245_sign_bit_vector_index',
  async up(sql) {
    await sql.exec(`
      DROP INDEX IF EXISTS passages_embedding_hnsw;
      DROP INDEX IF EXISTS messages_embedding_hnsw;
    `);
  },
};

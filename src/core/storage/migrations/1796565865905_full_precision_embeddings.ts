import type { Migration } from './registry';

/**
 * Embeddings go back to single precision (pgvector's vector). PGlite's
 * WebAssembly converts every half-precision number in software, which made
 * each halfvec distance ~8x dearer than a vector one: the HNSW build after an
 * import ran ~5x slower, and every graph walk and exact scan paid more
 * (docs/benchmarks.md). Values convert exactly. A 512-d row is then over
 * Postgres's 2 kB threshold, past which it moves the text and its tsvector
 * out to the TOAST table: every full-text score then read them back from
 * there (10k passages: 6 MB of TOAST, ~25 ms instead of ~12 ms of CPU per
 * hybrid search), so rows stay whole up to a page (toast_tuple_target; set
 * before the column is rewritten, so the rewrite keeps rows whole too).
 * The graphs are dropped here
 * and built again over the converted vectors when Locus next opens (vector
 * upkeep creates a missing index); searches until then scan exactly.
 */
export const fullPrecisionEmbeddings: Migration = {
  id: '1796565865905_full_precision_embeddings',
  async up(sql) {
    for (const table of ['passages', 'messages'] as const) {
      const result = await sql.query<{ typmod: number }>(
        `SELECT atttypmod AS typmod FROM pg_attribute
         WHERE attrelid = '${table}'::regclass AND attname = 'embedding'`,
      );
      const typmod = result.rows[0]?.typmod ?? -1;
      const type = typmod > 0 ? `vector(${Math.trunc(typmod)})` : 'vector';
      await sql.exec(`
        DROP INDEX IF EXISTS ${table}_embedding_hnsw;
        ALTER TABLE ${table} SET (toast_tuple_target = 8160);
        ALTER TABLE ${table} ALTER COLUMN embedding TYPE ${type} USING embedding::${type};
        ALTER TABLE ${table} ALTER COLUMN embedding SET STORAGE PLAIN;
      `);
    }
  },
};

import type { Migration } from './registry';

/**
 * Embeddings move to half precision (pgvector's halfvec): half the bytes in
 * every row and in both HNSW graphs. The graphs are dropped here and built
 * again over the converted vectors when Locus next opens (vector upkeep
 * creates a missing index once nothing waits for a vector); searches until
 * then scan exactly. A column not yet fixed to a dimension stays untyped.
 */
export const halfvecEmbeddings: Migration = {
  id: '1796533858950_halfvec_embeddings',
  async up(sql) {
    for (const table of ['passages', 'messages'] as const) {
      const result = await sql.query<{ typmod: number }>(
        `SELECT atttypmod AS typmod FROM pg_attribute
         WHERE attrelid = '${table}'::regclass AND attname = 'embedding'`,
      );
      const typmod = result.rows[0]?.typmod ?? -1;
      const type = typmod > 0 ? `halfvec(${Math.trunc(typmod)})` : 'halfvec';
      await sql.exec(`
        DROP INDEX IF EXISTS ${table}_embedding_hnsw;
        ALTER TABLE ${table} ALTER COLUMN embedding TYPE ${type} USING embedding::${type};
        ALTER TABLE ${table} ALTER COLUMN embedding SET STORAGE PLAIN;
      `);
    }
  },
};

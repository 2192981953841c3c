import type { Migration } from './registry';

/**
 * GIN's fast-update pending list is merged only by VACUUM, which PGlite
 * never runs on its own: every full-text search then read the whole list
 * (4 ms per word at 2k passages, growing). Writes go straight into the index.
 */
export const ginWithoutPendingList: Migration = {
  id: '1764200000000_gin_without_pending_list',
  async up(sql) {
    await sql.exec(`
      ALTER INDEX passages_tsv SET (fastupdate = off);
      ALTER INDEX messages_tsv SET (fastupdate = off);
      SELECT gin_clean_pending_list('passages_tsv'::regclass);
      SELECT gin_clean_pending_list('messages_tsv'::regclass);
    `);
  },
};

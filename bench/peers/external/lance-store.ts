import * as lancedb from '@lancedb/lancedb';
import type { PeerRow, PeerSystem } from '../systems/peer-store';

const TABLE = 'passages';

/** LanceDB: tantivy-style full-text index plus a flat (exact) vector scan, fused by its RRF reranker. */
export const lanceSystem: PeerSystem = {
  name: 'LanceDB hybrid (FTS + flat vector, RRF)',
  async open(dir) {
    const db = await lancedb.connect(dir);
    let table: lancedb.Table | null = (await db.tableNames()).includes(TABLE)
      ? await db.openTable(TABLE)
      : null;
    const reranker = await lancedb.rerankers.RRFReranker.create();
    const toRecords = (rows: PeerRow[]) =>
      rows.map((r) => ({ ref: r.id, grp: r.group, text: r.text, vector: Array.from(r.vector) }));
    return {
      async insert(rows) {
        if (table) await table.add(toRecords(rows));
        else table = await db.createTable(TABLE, toRecords(rows));
      },
      async finish() {
        await table?.createIndex('text', { config: lancedb.Index.fts(), replace: true });
      },
      async search(query, k) {
        if (!table) return [];
        const rows = await table
          .query()
          .nearestTo(Array.from(query.vector))
          .distanceType('cosine')
          .fullTextSearch(query.text)
          .where(`grp = ${query.group}`)
          .rerank(reranker)
          .select(['ref'])
          .limit(k)
          .toArray();
        return rows.map((r: { ref: string }) => r.ref);
      },
      async close() {
        table?.close();
        db.close();
      },
    };
  },
};

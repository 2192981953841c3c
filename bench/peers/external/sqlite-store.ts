import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import path from 'node:path';
import { fuseRanks, wordsQuery, type PeerSystem } from '../systems/peer-store';

const CANDIDATES = 100;

/** SQLite with FTS5 (bm25) and sqlite-vec (exact scan), fused by RRF. */
export const sqliteSystem: PeerSystem = {
  name: 'SQLite FTS5 + sqlite-vec, RRF',
  async open(dir) {
    const db = new Database(path.join(dir, 'memory.sqlite'));
    sqliteVec.load(db);
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS passages (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, grp INTEGER NOT NULL, text TEXT NOT NULL);
      CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, content='passages', content_rowid='id');
      CREATE VIRTUAL TABLE IF NOT EXISTS passages_vec USING vec0(grp integer partition key, embedding float[512] distance_metric=cosine);
    `);
    const insertRow = db.prepare('INSERT INTO passages (ref, grp, text) VALUES (?, ?, ?)');
    const insertFts = db.prepare('INSERT INTO passages_fts (rowid, text) VALUES (?, ?)');
    const insertVec = db.prepare(
      'INSERT INTO passages_vec (rowid, grp, embedding) VALUES (?, ?, ?)',
    );
    const byWords = db.prepare(
      `SELECT p.ref FROM passages_fts f JOIN passages p ON p.id = f.rowid
       WHERE passages_fts MATCH ? AND p.grp = ? ORDER BY bm25(passages_fts) LIMIT ${CANDIDATES}`,
    );
    const byVector = db.prepare(
      `SELECT p.ref FROM passages_vec v JOIN passages p ON p.id = v.rowid
       WHERE v.embedding MATCH ? AND v.k = ${CANDIDATES} AND v.grp = ? ORDER BY v.distance`,
    );
    const insertAll = db.transaction(
      (rows: Array<{ text: string; group: number; id: string; vector: Float32Array }>) => {
        for (const row of rows) {
          const id = insertRow.run(row.id, row.group, row.text).lastInsertRowid;
          insertFts.run(id, row.text);
          insertVec.run(
            BigInt(id),
            BigInt(row.group),
            Buffer.from(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength),
          );
        }
      },
    );
    return {
      async insert(rows) {
        insertAll(rows);
      },
      async finish() {
        db.pragma('wal_checkpoint(TRUNCATE)');
      },
      async search(query, k) {
        const match = wordsQuery(query.text);
        const words = match
          ? (byWords.all(match, query.group) as Array<{ ref: string }>).map((r) => r.ref)
          : [];
        const vector = Buffer.from(
          query.vector.buffer,
          query.vector.byteOffset,
          query.vector.byteLength,
        );
        const near = (byVector.all(vector, BigInt(query.group)) as Array<{ ref: string }>).map(
          (r) => r.ref,
        );
        return fuseRanks([words, near], k);
      },
      async close() {
        db.close();
      },
    };
  },
};

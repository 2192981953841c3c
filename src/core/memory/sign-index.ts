import type { ChosenRows } from '../storage/repos/fusion-sql';
import { signsCarryMeaning } from '../storage/repos/rows';
import { createSignsRepo, type SignsRepo } from '../storage/repos/signs-repo';
import type { VectorTable } from '../storage/repos/vectors-repo';
import type { Sql } from '../storage/sql';
import { SignTable, packSigns, wordsFor } from './sign-table';

/** Rows read per statement when catching up: the results of one are held at once, in JS and in PGlite. */
const PAGE_ROWS = 5000;
/**
 * Table blocks (8 kB) read per statement when loading: ~3 rows of 512-d
 * vectors each, so ~750 rows a statement. What a statement aggregates stays
 * in PGlite's WebAssembly memory for good: at 100k passages the process
 * peaked ~30 MB higher with 2,048 blocks a statement than with 256, for
 * ~0.1 s less.
 */
const PAGE_BLOCKS = 256;
/** A first guess at the rows a block holds, to size the arrays once. */
const ROWS_PER_BLOCK = 3;
/**
 * Deleted rows the copy may still hold before it is read again. Until then
 * each search takes that many more candidates, so the rows deleted cannot
 * push a live one out (they are dropped when the database ranks the
 * candidates); deletes are rare (forget, an agent deleted, which reloads).
 */
const RELOAD_AFTER_REMOVED = 256;

/** The candidates of one search: row ids, and whether they are every embedded row of the agent. */
export type NearestSigns = ChosenRows;

interface Loaded {
  signs: SignTable | null;
  /** The newest revision applied. */
  rev: number;
  /** The table's removal count when it was read whole. */
  removed: number;
  /** Extra candidates to take: removals since the load. */
  overfetch: number;
}

/** A row whose signs no longer fit the copy (another embedder's dimension): read it all again. */
class Reload extends Error {}

/**
 * The signs of every embedded passage and message, held by the one process
 * PGlite serves, and searched here in JavaScript: an exact top-N by Hamming
 * distance over 64 bytes a row (a few ms at 100k rows) instead of a graph
 * PGlite would have to build in WebAssembly after every bulk load (~0.3 ms a
 * row, during which it answers nothing else; docs/benchmarks.md, issue 20).
 * The database then ranks only these ids by exact cosine, with every filter.
 *
 * Read whole on a table's first search, then kept in step before each
 * search from what the database records on every write whoever makes it
 * (the vector_revisions migration): rows with a newer revision are read
 * again, and deletions counted since the load widen the search until it
 * reloads. A server keeps its graph instead: other processes write there.
 */
export function createSignIndex(db: Sql) {
  const loaded = new Map<VectorTable, Loaded>();
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;

  async function catchUp(repo: SignsRepo, state: Loaded): Promise<void> {
    for (;;) {
      const rows = await repo.since(state.rev, PAGE_ROWS);
      for (const row of rows) {
        if (row.signs !== null) {
          state.signs ??= new SignTable(row.signs.length);
          if (wordsFor(row.signs.length) !== state.signs.words) throw new Reload();
        }
        state.signs?.set(row.id, row.agent, row.signs);
        state.rev = Math.max(state.rev, row.rev);
      }
      if (rows.length < PAGE_ROWS) return;
    }
  }

  async function load(repo: SignsRepo): Promise<Loaded> {
    // Read first: whatever is written during the load has a newer revision or
    // count, or lies past these blocks (and has a newer revision).
    const { rev, removed } = await repo.state();
    const { blocks, rows, dimensions } = await repo.extent();
    const bytes = Math.ceil(dimensions / 8);
    // Sized once where the estimate allows: arrays grown by doubling held up to twice the rows.
    const capacity = Math.max(1024, Math.ceil(rows > 0 ? rows * 1.05 : blocks * ROWS_PER_BLOCK));
    const state: Loaded = { signs: null, rev, removed, overfetch: 0 };
    const add = (id: string, agent: string, signs: Uint8Array) => {
      state.signs ??= new SignTable(signs.length, capacity);
      if (wordsFor(signs.length) !== state.signs.words) throw new Reload();
      state.signs.set(id, agent, signs);
    };
    for (let from = 0; from < blocks; from += PAGE_BLOCKS) {
      const to = Math.min(blocks, from + PAGE_BLOCKS);
      for (const batch of await repo.blocks(from, to)) {
        if (batch.signs.length !== batch.ids.length * bytes) {
          // An id with a space in it split in two: these blocks row by row.
          for (const row of await repo.blockRows(from, to)) add(row.id, row.agent, row.signs!);
          break;
        }
        batch.ids.forEach((id, i) =>
          add(id, batch.agent, batch.signs.subarray(i * bytes, (i + 1) * bytes)),
        );
      }
    }
    await catchUp(repo, state);
    return state;
  }

  async function current(table: VectorTable): Promise<Loaded> {
    const repo = createSignsRepo(db, table);
    const held = loaded.get(table);
    if (held) {
      const now = await repo.state();
      const removed = now.removed - held.removed;
      // A counter or revision going back means another database is behind the same handle.
      const stale =
        removed > RELOAD_AFTER_REMOVED ||
        removed < 0 ||
        now.rev < held.rev ||
        (held.signs !== null && held.signs.deadSlots > Math.max(held.signs.size, PAGE_ROWS));
      if (!stale) {
        try {
          if (now.rev > held.rev) await catchUp(repo, held);
          held.overfetch = removed;
          return held;
        } catch (error) {
          if (!(error instanceof Reload)) throw error;
        }
      }
      loaded.delete(table);
    }
    let state: Loaded;
    try {
      state = await load(repo);
    } catch (error) {
      if (!(error instanceof Reload)) throw error;
      // Vectors were being replaced by another embedder's while read: once more, settled.
      state = await load(repo);
    }
    loaded.set(table, state);
    return state;
  }

  return {
    /**
     * The `n` rows of `agentId` in `table` nearest `vector` by the Hamming
     * distance of their signs, or null when the signs cannot rank (a vector
     * whose signs say little, see signsCarryMeaning; another dimension than
     * the stored vectors'; after dispose): the database ranks it then.
     */
    nearest(
      table: VectorTable,
      agentId: string,
      vector: Float32Array,
      n: number,
    ): Promise<NearestSigns | null> {
      if (disposed || !signsCarryMeaning(vector)) return Promise.resolve(null);
      // One load or catch-up at a time: searches at once would each read the table.
      const run = queue.then(async () => {
        const state = await current(table);
        if (state.signs === null) return { ids: [], exhaustive: true };
        const words = wordsFor(Math.ceil(vector.length / 8));
        if (words !== state.signs.words) return null;
        return state.signs.nearest(agentId, packSigns(vector, words), n + state.overfetch);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    /** Drops the copies; later searches rank in the database. */
    dispose(): void {
      disposed = true;
      loaded.clear();
    },
  };
}
export type SignIndex = ReturnType<typeof createSignIndex>;

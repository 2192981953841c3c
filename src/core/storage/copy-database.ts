import { LocusError } from '../../shared/errors';
import { dataDirLayout } from './data-dir';
import type { Database } from './open-database';
import { createCopyRepo, type CopyRepo, type TableShape } from './repos/copy-repo';
import { createVectorsRepo, type VectorTable } from './repos/vectors-repo';

export interface CopyProgress {
  table: string;
  done: number;
  total: number;
}

export interface CopyOptions {
  onProgress?: (progress: CopyProgress) => void;
  /** Rows per write; defaults to 500 (a few MB of JSON with vectors). */
  batchSize?: number;
}

export interface CopyReport {
  /** Rows per table, the same at both ends (checked after the copy). */
  tables: Record<string, number>;
}

const VECTOR_TABLES: readonly VectorTable[] = ['passages', 'messages'];
/**
 * Tables the destination's triggers fill as the others are copied (counts
 * per agent): copied last, their rows replace what the triggers wrote, so
 * both ends agree exactly.
 */
const DERIVED_TABLES = ['memory_counts'];

/** Tables ordered so that every table comes after those its foreign keys point at. */
function dependencyOrder(tables: TableShape[]): TableShape[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const visit = (table: TableShape, path: Set<string>) => {
    if (placed.has(table.name) || path.has(table.name)) return;
    path.add(table.name);
    for (const ref of table.references) {
      const target = byName.get(ref);
      if (target) visit(target, path);
    }
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return [
    ...ordered.filter((t) => !DERIVED_TABLES.includes(t.name)),
    ...ordered.filter((t) => DERIVED_TABLES.includes(t.name)),
  ];
}

async function counts(repo: CopyRepo, tables: TableShape[]): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of tables) result[table.name] = await repo.count(table.name);
  return result;
}

/** What a database holds, in the words the user knows (not every table's name). */
function describeMemory(occupied: Record<string, number>): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [
    occupied.agents ? plural(occupied.agents, 'agent', 'agents') : null,
    occupied.messages ? plural(occupied.messages, 'message', 'messages') : null,
    occupied.passages ? plural(occupied.passages, 'archival passage', 'archival passages') : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : 'settings and history from an earlier start';
}

/** How to get a destination the copy accepts: the user cannot "delete memory" by hand. */
function emptyDestinationAdvice(destination: Database): string {
  if (destination.backend === 'postgres') {
    return "Copy into a new, empty database instead (as the server's administrator: CREATE DATABASE <name> OWNER <role>; then CREATE EXTENSION vector in it).";
  }
  const folder = destination.dataDir;
  return folder
    ? `Copy into a new folder instead (--data-dir <new folder>), or, to replace this memory, close Locus, move ${dataDirLayout(folder).database} aside and copy again.`
    : 'Copy into a new, empty data folder instead (--data-dir <new folder>).';
}

/**
 * Copies all of memory (agents, blocks and their history, passages, messages
 * with their vectors, context windows, settings, and whatever tables later
 * migrations add) from one database into another, e.g. from the embedded
 * folder to a PostgreSQL server or back. Both must be at the same schema
 * version and the destination must hold no memory yet. The source is read in
 * one snapshot, the destination written in one transaction: a failed copy
 * leaves it as it was. Afterwards every table's row count is compared.
 */
export async function copyDatabase(
  source: Database,
  destination: Database,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const from = createCopyRepo(source.pg);
  const to = createCopyRepo(destination.pg);
  const [sourceMigrations, destinationMigrations] = [
    await from.migrationIds(),
    await to.migrationIds(),
  ];
  if (sourceMigrations.join() !== destinationMigrations.join()) {
    throw new LocusError(
      'DATABASE_TOO_NEW',
      `The two databases are at different versions of Locus's schema (${sourceMigrations.length} and ${destinationMigrations.length} changes). Open each with this version of Locus first, then copy again.`,
    );
  }
  const tables = dependencyOrder(await from.tables());
  const occupied = Object.entries(await counts(to, tables)).filter(
    // Settings (which embedder filled the vectors) are written by any start; the copy replaces them.
    ([name, n]) => n > 0 && name !== 'settings',
  );
  if (occupied.length > 0) {
    throw new LocusError(
      'DATABASE_NOT_EMPTY',
      `${destination.location} already holds memory (${describeMemory(Object.fromEntries(occupied))}); nothing was copied. ${emptyDestinationAdvice(destination)}`,
      { occupied: Object.fromEntries(occupied) },
    );
  }

  // Vectors keep their dimension; the index is built once, after the rows.
  const dimensions = new Map<VectorTable, number | null>();
  for (const table of VECTOR_TABLES) {
    dimensions.set(table, await createVectorsRepo(source.pg, table).columnDimensions());
  }
  const batchSize = Math.max(1, options.batchSize ?? 500);

  let expected: Record<string, number> = {};
  await destination.pg.transaction(async (tx) => {
    const write = createCopyRepo(tx);
    for (const table of VECTOR_TABLES) {
      const vectors = createVectorsRepo(tx, table);
      const dims = dimensions.get(table) ?? null;
      await vectors.dropVectorIndex();
      if (dims !== null && (await vectors.columnDimensions()) !== dims) {
        await vectors.resetEmbeddings(dims);
      }
    }
    await write.deleteAll('settings');
    await source.pg.transaction(async (readTx) => {
      const read = createCopyRepo(readTx);
      await read.snapshot();
      expected = await counts(read, tables);
      for (const table of tables) {
        const total = expected[table.name] ?? 0;
        options.onProgress?.({ table: table.name, done: 0, total });
        if (total === 0) continue;
        const cursor = `locus_copy_${table.name}`;
        await read.openCursor(table, cursor);
        let done = 0;
        for (;;) {
          const rows = await read.fetch(cursor, batchSize);
          if (rows.length === 0) break;
          await write.insertJson(table, `[${rows.join(',')}]`);
          done += rows.length;
          options.onProgress?.({ table: table.name, done, total });
        }
        await read.closeCursor(cursor);
        for (const column of table.sequenced) await write.syncSequence(table.name, column);
      }
    });
  });

  // PGlite has no sign graph: its one process ranks the signs itself (memory/sign-index.ts).
  for (const table of VECTOR_TABLES) {
    if (dimensions.get(table) != null && destination.backend === 'postgres')
      await createVectorsRepo(destination.pg, table).createVectorIndex();
  }
  await to.analyze();
  const copied = await counts(to, tables);
  const wrong = tables.filter((t) => copied[t.name] !== expected[t.name]);
  if (wrong.length > 0) {
    throw new LocusError(
      'INTERNAL',
      `The copy to ${destination.location} does not match its source: ${wrong.map((t) => `${t.name} has ${copied[t.name]} rows instead of ${expected[t.name]}`).join('; ')}. Do not use the copy; report this.`,
      { expected, copied },
    );
  }
  return { tables: copied };
}

import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { MIN_SHARED_BUFFERS_MB, folderBytes, sharedBuffersMb } from '../buffer-cache';
import { INITDB_PARAMS, serverParams } from '../pglite-settings';
import { SEARCH_SETTINGS } from '../session-settings';
import { useBaselineWasmCompiler } from './wasm-compiler';

/**
 * Starts the embedded database: PGlite with pgvector in `directory` (the
 * data folder's database folder; in memory without one), from a dumped
 * template when given. The caller holds the data folder's lock.
 */
export async function openPglite(options: {
  directory?: string;
  template?: Blob;
}): Promise<PGlite> {
  const location = options.directory;
  const buffersMb =
    location === undefined
      ? MIN_SHARED_BUFFERS_MB
      : sharedBuffersMb(folderBytes(location), os.totalmem());
  useBaselineWasmCompiler();
  const pg = await PGlite.create(location, {
    extensions: { vector },
    startParams: [...PGlite.defaultStartParams, ...serverParams(buffersMb)],
    initDbStartParams: [...INITDB_PARAMS],
    ...(options.template ? { loadDataDir: options.template } : {}),
  });
  try {
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
    await pg.exec(SEARCH_SETTINGS.join(';\n'));
  } catch (error) {
    await pg.close().catch(() => undefined);
    throw error;
  }
  return pg;
}

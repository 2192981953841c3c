import { createCore, type Core, type CreateCoreOptions } from '../create-core';
import { EMBEDDER_CHOICES, selectEmbedder, type EmbedderChoice } from '../models/select-embedder';
import { dataDirLayout } from '../storage/data-dir';
import { resolveDatabase } from '../storage/database-setting';
import type { RestoreRecovery } from '../storage/restore-swap';
import { LocusError, serializeError, type SerializedError } from '../../shared/errors';

export interface OpenAppCoreOptions {
  dataDir: string;
  /**
   * --database: a postgres:// URL, or "embedded". Without it,
   * LOCUS_DATABASE_URL, then the app's saved setting, then the embedded database.
   */
  database?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** --switch-embedder: re-embed a shared server's memory with this embedder. */
  switchEmbedder?: boolean;
  /** --embedder; without it LOCUS_EMBEDDER, else auto (see selectEmbedder). */
  embedder?: string;
  embedderModel?: string;
  onProgress?: (task: string, done: number, total: number) => void;
  /**
   * Aborted when the host quits while memory opens: re-embedding at open
   * stops between batches (what was embedded stays, the rest is embedded at
   * the next start) and the core is returned for the host to close.
   */
  signal?: AbortSignal;
  /**
   * Called once before memory is embedded at open: `switched` when its
   * vectors came from another embedder, else rows were only waiting for one
   * (an import, or writes made while no embedder could run).
   */
  onEmbedAtOpen?: (reason: { switched: boolean; passages: number }) => void;
  /** More for createCore (a clock, a starting template); tests use it. */
  coreOptions?: Omit<CreateCoreOptions, 'dataDir' | 'embedder'>;
}

/**
 * How every user-facing host (Electron, CLI, `locus serve`) opens the core:
 * the best available embedder, and memory written with another embedder
 * re-embedded before use so semantic search never mixes models.
 */
export async function openAppCore(options: OpenAppCoreOptions): Promise<{ core: Core }> {
  const env = options.env ?? process.env;
  const given = options.embedder ?? (env.LOCUS_EMBEDDER || undefined);
  const choice = (given ?? 'auto') as EmbedderChoice;
  if (!EMBEDDER_CHOICES.includes(choice)) {
    throw new LocusError(
      'INVALID_INPUT',
      `${options.embedder === undefined ? 'LOCUS_EMBEDDER' : '--embedder'} must be one of ${EMBEDDER_CHOICES.join(', ')}, got "${given}".`,
    );
  }
  const database = resolveDatabase({
    flag: options.database,
    ...(options.env ? { env: options.env } : {}),
    dataDir: options.dataDir,
  });
  const { embedder } = await selectEmbedder({
    choice,
    modelsDir: dataDirLayout(options.dataDir).models,
    ...(options.embedderModel ? { model: options.embedderModel } : {}),
  });
  let core: Core;
  try {
    core = await createCore({
      ...options.coreOptions,
      dataDir: options.dataDir,
      embedder,
      ...(database.url ? { databaseUrl: database.url, databaseSource: database.source } : {}),
      ...(options.switchEmbedder ? { allowEmbedderSwitch: true } : {}),
    });
  } catch (error) {
    await embedder.dispose();
    throw error;
  }
  if (core.embedderSync.pending > 0) {
    options.onEmbedAtOpen?.({
      switched: core.embedderSync.switched,
      passages: core.embedderSync.pending,
    });
    try {
      await core.archival.reembed({
        onProgress: (p) => options.onProgress?.('reembed', p.done, p.total),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (!options.signal?.aborted) {
        await core.dispose();
        throw error;
      }
    }
  }
  return { core };
}

/**
 * What a user must be told after an interrupted restore was finished or
 * undone (core.database.restoreRecovery); every host shows it once at open.
 */
export function restoreRecoveryNotice(recovery: RestoreRecovery | null): string | undefined {
  if (!recovery) return undefined;
  if (recovery.outcome === 'rolled-back') {
    return `A restore from ${recovery.backup} was interrupted before it finished; your memory is as it was before it. Run the restore again if you still want it.`;
  }
  return `An interrupted restore from ${recovery.backup} was finished.${recovery.previous ? ` The memory it replaced is kept at ${recovery.previous}.` : ''}`;
}

/**
 * Loads the model the default agent last used, if any. A failure is returned,
 * not thrown: the app still opens and shows the user what to do.
 */
export async function loadSavedModel(core: Core): Promise<SerializedError | null> {
  const agent = await core.agents.getOrCreateDefault();
  if (!agent.model.modelPath) return null;
  try {
    await core.handlers['models.load']({ agentId: agent.id, choice: agent.model.modelPath });
    return null;
  } catch (error) {
    return serializeError(error);
  }
}

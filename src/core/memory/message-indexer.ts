import type { ProgressListener } from '../models/embedder';
import type { VectorUpkeep } from './vector-upkeep';

export interface MessageIndexerOptions {
  upkeep: VectorUpkeep;
  /** Progress of background runs (drain() takes its own listener). */
  onProgress?: ProgressListener;
  /** Defaults to 32: small batches keep a running turn's queries waiting briefly. */
  batchSize?: number;
  /**
   * The core's interrupt(): Ctrl+C or SIGTERM stops a background run between
   * batches, like dispose(), so a host closes without finishing a backlog.
   */
  signal?: AbortSignal;
}

/** Waiting messages that closing still embeds (a few turns' worth). */
const FINISH_ON_CLOSE = 64;

/**
 * Embeds new messages off the agent's critical path: a turn writes its
 * messages at once and the indexer embeds them after the turn, while the
 * user reads the reply. Writing a vector into the live HNSW index costs
 * several ms at 100k rows (bench/ scale suite), which every step would pay.
 * Until a message is embedded, recall search finds it by its words.
 *
 * Runs never overlap. A failed run (the embedder broke) leaves its messages
 * waiting; the next schedule() or drain() tries again.
 */
export function createMessageIndexer(options: MessageIndexerOptions) {
  const { upkeep } = options;
  const batchSize = options.batchSize ?? 32;
  const stop = new AbortController();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let chain: Promise<unknown> = Promise.resolve();
  let queued = false;
  let lastError: Error | null = null;

  function enqueue(onProgress: ProgressListener | undefined): Promise<{ embedded: number }> {
    const run = chain.then(async () => {
      queued = false;
      if (stop.signal.aborted) return { embedded: 0 };
      try {
        const result = await upkeep.embedPending('messages', {
          batchSize,
          signal: stop.signal,
          ...(onProgress ? { onProgress } : {}),
        });
        lastError = null;
        return result;
      } catch (error) {
        if (stop.signal.aborted) return { embedded: 0 };
        lastError = error instanceof Error ? error : new Error(String(error));
        throw lastError;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    /** Embeds whatever messages are waiting, soon; calls made while a run is queued join it. */
    schedule(): void {
      if (queued || stop.signal.aborted) return;
      queued = true;
      enqueue(options.onProgress).catch(() => undefined);
    },
    /** Embeds every waiting message now (after any run in progress); rejects if the embedder fails. */
    drain(onProgress?: ProgressListener): Promise<{ embedded: number }> {
      return enqueue(onProgress ?? options.onProgress);
    },
    /** Resolves when no run is in progress or queued. */
    async idle(): Promise<void> {
      await chain;
    },
    /** Why the last run failed, or null if it succeeded. */
    get lastError(): Error | null {
      return lastError;
    },
    /**
     * Finishes a turn's worth of waiting messages, then stops between
     * batches: a one-shot CLI call closes right after its turn, and would
     * otherwise never embed anything. A longer backlog (an upgrade, an
     * import) waits for the next start.
     */
    async dispose(): Promise<void> {
      try {
        if (!stop.signal.aborted && (await upkeep.countPending('messages')) <= FINISH_ON_CLOSE) {
          await enqueue(undefined).catch(() => undefined);
        }
      } catch {
        // The database may already be failing; closing must still finish.
      } finally {
        stop.abort();
        await chain;
      }
    },
  };
}
export type MessageIndexer = ReturnType<typeof createMessageIndexer>;

import type { ProgressListener } from '../models/embedder';
import type { VectorUpkeep } from './vector-upkeep';

export interface MessageIndexerOptions {
  upkeep: VectorUpkeep;
  /** Progress of background runs (drain() takes its own listener). */
  onProgress?: ProgressListener;
  /** Defaults to 32: small batches keep a running turn's queries waiting briefly. */
  batchSize?: number;
  /**
   * Claims the work for this process (processes sharing a server would embed
   * the same rows otherwise); `wait` false gives null when another process is
   * at it. Defaults to always claimed.
   */
  claim?: (wait: boolean) => Promise<(() => Promise<void>) | null>;
  /**
   * The core's interrupt(): Ctrl+C or SIGTERM stops a background run between
   * batches, like dispose(), so a host closes without finishing a backlog.
   */
  signal?: AbortSignal;
}

/** When another process holds the work, look again this much later (it may stop before our rows). */
const RECLAIM_MS = 2_000;
const RECLAIM_TRIES = 5;

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
  let reclaimTimer: NodeJS.Timeout | undefined;
  let reclaimTries = 0;

  /** Another process is embedding; our rows may have arrived after its last look. */
  function retryLater(): void {
    if (reclaimTimer || reclaimTries >= RECLAIM_TRIES || stop.signal.aborted) return;
    reclaimTries++;
    reclaimTimer = setTimeout(() => {
      reclaimTimer = undefined;
      schedule();
    }, RECLAIM_MS);
    reclaimTimer.unref();
  }

  function schedule(): void {
    if (queued || stop.signal.aborted) return;
    queued = true;
    enqueue(options.onProgress, false).catch(() => undefined);
  }

  function enqueue(
    onProgress: ProgressListener | undefined,
    wait: boolean,
  ): Promise<{ embedded: number }> {
    const run = chain.then(async () => {
      queued = false;
      if (stop.signal.aborted) return { embedded: 0 };
      let release: (() => Promise<void>) | null = null;
      try {
        release = options.claim ? await options.claim(wait) : null;
        if (options.claim && !release) {
          retryLater();
          return { embedded: 0 };
        }
        reclaimTries = 0;
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
      } finally {
        await release?.();
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  return {
    /** Embeds whatever messages are waiting, soon; calls made while a run is queued join it. */
    schedule,
    /** Embeds every waiting message now (after any run in progress); rejects if the embedder fails. */
    drain(onProgress?: ProgressListener): Promise<{ embedded: number }> {
      return enqueue(onProgress ?? options.onProgress, true);
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
          await enqueue(undefined, false).catch(() => undefined);
        }
      } catch {
        // The database may already be failing; closing must still finish.
      } finally {
        stop.abort();
        clearTimeout(reclaimTimer);
        await chain;
      }
    },
  };
}
export type MessageIndexer = ReturnType<typeof createMessageIndexer>;

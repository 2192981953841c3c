import { createConsolidationRepo } from '../storage/repos/consolidation-repo';
import { consolidate, type ConsolidationDeps, type PassResult } from './consolidate';

export interface ConsolidatorOptions extends ConsolidationDeps {
  /** Whether the agent's consolidation is paused (a setting); read before each background pass. */
  isPaused: (agentId: string) => Promise<boolean>;
  /**
   * How long the model must stay idle after a turn before a pass starts.
   * Defaults to 20 s: a quick follow-up message should not wait for a pass
   * (a new message does preempt one, but its model call is lost work).
   */
  debounceMs?: number;
  /** After each batch a pass applies (hosts refresh what they show). */
  onApplied?: (agentId: string, progress: { messages: number; facts: number }) => void;
  /** A pass failed and its error was kept: views showing the status read it again. */
  onFailed?: (agentId: string) => void;
  /**
   * Claims the agent's consolidation for this process, or null when another
   * process sharing the database is consolidating it (two passes over the
   * same messages would apply their facts twice). Defaults to always claimed.
   */
  claim?: (agentId: string) => Promise<(() => Promise<void>) | null>;
}

export interface ConsolidationStatus {
  /** Messages not consolidated yet. */
  pending: number;
  running: boolean;
  paused: boolean;
  /** Why the agent's last pass failed, if it did (in any process sharing the database). */
  lastError: string | null;
}

const DEFAULT_DEBOUNCE_MS = 20_000;

/**
 * Background consolidation (Letta's sleep-time agent, made for a small local
 * model): after a turn ends and the model has been idle for a while, a pass
 * runs over the agent's new messages. It never runs during a turn: a turn
 * that starts aborts the pass's model call, and the pass resumes from its
 * cursor after that turn. Passes run one at a time (one model).
 */
export function createConsolidator(options: ConsolidatorOptions) {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let activeTurns = 0;
  let disposed = false;
  let chain: Promise<unknown> = Promise.resolve();
  let current: { agentId: string; controller: AbortController } | null = null;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Agents with messages that may still need a pass. */
  const wanted = new Set<string>();
  const repo = createConsolidationRepo(options.db);
  /**
   * Failures the database could not take (it may be why the pass failed):
   * this process still reports them. The database's row is what other
   * processes (a separate `locus status`) see.
   */
  const unrecorded = new Map<string, string>();

  function enqueue(agentId: string, background: boolean): Promise<PassResult | null> {
    const run = chain.then(async (): Promise<PassResult | null> => {
      if (disposed || activeTurns > 0) return null;
      if (background && (await options.isPaused(agentId))) {
        wanted.delete(agentId);
        return null;
      }
      const release = options.claim ? await options.claim(agentId) : undefined;
      if (release === null) {
        // Another process is at it; what it has not reached is looked at again later.
        if (background) schedule(agentId);
        return null;
      }
      const controller = new AbortController();
      current = { agentId, controller };
      try {
        const result = await consolidate(options, agentId, {
          signal: controller.signal,
          onBatch: (progress) => options.onApplied?.(agentId, progress),
        });
        if (result.stopped !== 'aborted') wanted.delete(agentId);
        // Only a pass that got through says the failure is over: one stopped
        // by a turn, or with no model, before applying anything says nothing.
        if (result.stopped === 'done' || result.batches > 0) {
          unrecorded.delete(agentId);
          // Failing to clear it must not turn this pass into a failure.
          await repo.clearError(agentId).catch(() => undefined);
        }
        return result;
      } catch (error) {
        const message = (error as Error).message;
        try {
          await repo.recordError(agentId, message, options.clock.now().toISOString());
          unrecorded.delete(agentId);
        } catch {
          unrecorded.set(agentId, message);
        }
        options.onFailed?.(agentId);
        if (!background) throw error;
        return null;
      } finally {
        current = null;
        await release?.();
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(agentId: string): void {
    if (disposed) return;
    wanted.add(agentId);
    clearTimeout(timers.get(agentId));
    const timer = setTimeout(() => {
      timers.delete(agentId);
      // A turn under way reschedules when it ends.
      if (activeTurns === 0) void enqueue(agentId, true);
    }, debounceMs);
    // A pending pass must not keep a CLI process alive.
    timer.unref?.();
    timers.set(agentId, timer);
  }

  return {
    /** A user message arrived: stop the pass's model call now; it resumes after the turn. */
    turnStarted(_agentId: string): void {
      activeTurns++;
      for (const [agentId, timer] of timers) {
        clearTimeout(timer);
        timers.delete(agentId);
        wanted.add(agentId);
      }
      current?.controller.abort();
    },
    /** A turn ended (its messages are written): a pass follows once the model stays idle. */
    turnEnded(agentId: string): void {
      activeTurns = Math.max(0, activeTurns - 1);
      if (activeTurns > 0) return;
      schedule(agentId);
      for (const other of wanted) if (other !== agentId) schedule(other);
    },
    schedule,
    /**
     * Runs a pass now (after any pass in progress), even if consolidation is
     * paused; null when a turn is under way. A turn starting meanwhile stops it.
     */
    run(agentId: string): Promise<PassResult | null> {
      clearTimeout(timers.get(agentId));
      timers.delete(agentId);
      return enqueue(agentId, false);
    },
    async status(agentId: string): Promise<ConsolidationStatus> {
      return {
        pending: await repo.pending(agentId),
        running: current?.agentId === agentId,
        paused: await options.isPaused(agentId),
        lastError: unrecorded.get(agentId) ?? (await repo.lastError(agentId)),
      };
    },
    /** Resolves once no pass is waiting or running (tests and benchmarks). */
    async idle(): Promise<void> {
      for (;;) {
        await chain;
        if (timers.size === 0 && current === null) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    /** Stops: pending passes are dropped, a running one is aborted (its batch is redone next start). */
    async dispose(): Promise<void> {
      disposed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      current?.controller.abort();
      await chain;
    },
  };
}
export type Consolidator = ReturnType<typeof createConsolidator>;

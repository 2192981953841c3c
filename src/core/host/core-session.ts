import path from 'node:path';
import { contract, type CallName, type EventName, type Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { listBackups, restoreBackup, checkBackup } from '../backup/backups';
import { systemClock, type Clock } from '../clock';
import type { Core } from '../create-core';
import { EventBus } from '../events';
import { workInFlight } from '../work-in-flight';

export type ReopenProgress = (task: string, done: number, total: number) => void;

export interface CoreSessionOptions {
  /**
   * Opens the core; called again after a restore or an embedder download.
   * `signal` is aborted when the host quits: long work of the open (memory
   * re-embedded at open) stops there, so a quit does not wait for it.
   */
  open: (onProgress: ReopenProgress, signal: AbortSignal) => Promise<Core>;
  /** Aborted when the host quits; dispose() aborts it too. */
  signal?: AbortSignal;
  /** The data folder the core holds (restore swaps its database). Null: in memory. */
  dataDir: string | null;
  /** Defaults to the system clock. */
  clock?: Clock;
}

const EVENTS: EventName[] = ['progress', 'agent', 'memory', 'memory.changed'];
/** Calls that can run for minutes; a swap refuses to wait for them. */
const LONG_CALLS = new Set<string>([
  'chat.send',
  'chat.retry',
  'models.download',
  'models.downloadEmbedder',
  'archival.reembed',
  'agentfile.import',
]);

/**
 * The core as a host holds it while the app runs: calls go to the current
 * core, and a restore or an embedder switch closes it, changes what is on
 * disk, and opens it again, with calls arriving meanwhile waiting for it.
 * Events keep flowing on one bus, so clients never resubscribe.
 */
export async function openCoreSession(options: CoreSessionOptions) {
  const clock = options.clock ?? systemClock;
  const events = new EventBus();
  const progress: ReopenProgress = (task, done, total) =>
    events.emit('progress', { task, phase: task, done, total });
  let unforward: Array<() => void> = [];
  const attach = (core: Core): Core => {
    unforward = EVENTS.map((name) =>
      core.events.on(name, (payload) => events.emit(name, payload as never)),
    );
    return core;
  };
  const quitting = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, quitting.signal])
    : quitting.signal;
  let core = attach(await options.open(progress, signal));
  let gate: Promise<void> = Promise.resolve();
  const running = new Map<string, number>();
  let idle: (() => void) | null = null;
  let disposed = false;
  /** Background work started before closing began; closing waits for all of it. */
  const backgroundWork = workInFlight();

  const begin = (name: string) => running.set(name, (running.get(name) ?? 0) + 1);
  const end = (name: string) => {
    const left = (running.get(name) ?? 1) - 1;
    if (left > 0) running.set(name, left);
    else running.delete(name);
    if (running.size === 0) idle?.();
  };

  /** Closes the core, runs `change` on the closed data folder, opens it again. */
  async function swap<T>(task: string, reason: string, change: () => Promise<T>): Promise<T> {
    const long = [...running.keys()].filter((name) => LONG_CALLS.has(name));
    if (long.length > 0) {
      throw new LocusError(
        'BUSY',
        `Locus is busy (${long.join(', ')}). Wait for it to finish or stop it, then ${reason} again.`,
        { running: long },
      );
    }
    let release: () => void = () => undefined;
    const previous = gate;
    gate = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      if (running.size > 0) await new Promise<void>((resolve) => (idle = resolve));
      idle = null;
      events.emit('progress', { task, phase: 'close', done: 0, total: 2 });
      unforward.forEach((off) => off());
      await core.dispose();
      let result: T;
      try {
        result = await change();
      } finally {
        // Whatever happened on disk, the app gets its memory back.
        events.emit('progress', { task, phase: 'open', done: 1, total: 2 });
        core = attach(await options.open(progress, signal));
        events.emit('progress', { task, phase: 'open', done: 2, total: 2 });
      }
      return result;
    } finally {
      release();
    }
  }

  /** A swap may begin while a call waits: waits for the newest gate. */
  async function afterSwaps(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = gate;
      await seen;
    } while (seen !== gate);
  }

  const forward = <K extends CallName>(name: K) =>
    (async (input: unknown) => {
      await afterSwaps();
      if (disposed) throw new LocusError('INTERNAL', 'Locus is closing.');
      begin(name);
      try {
        return await (core.handlers[name] as (value: unknown) => Promise<unknown>)(input);
      } finally {
        end(name);
      }
    }) as Handlers[K];

  const handlers = Object.fromEntries(
    (Object.keys(contract) as CallName[]).map((name) => [name, forward(name)]),
  ) as Handlers;

  handlers['backups.restore'] = async ({ file }) => {
    const dataDir = options.dataDir;
    if (!dataDir) {
      throw new LocusError(
        'NOT_SUPPORTED',
        'This Locus keeps its memory in RAM only; there is nothing to restore.',
      );
    }
    // Only the data folder's own backups: the app never reads arbitrary paths for a client.
    const wanted = path.resolve(file);
    if (!listBackups(dataDir).some((b) => path.resolve(b.file) === wanted)) {
      throw new LocusError(
        'NOT_FOUND',
        `${path.basename(file)} is not one of this data folder's backups. Pick one from the list.`,
      );
    }
    // Checked while the app still runs: a damaged backup never closes anything.
    await checkBackup(wanted);
    return swap('restore', 'restore', () => restoreBackup(dataDir, wanted, clock));
  };
  handlers['models.downloadEmbedder'] = async (input) => {
    const downloaded = await forward('models.downloadEmbedder')(input);
    // Opening again picks the downloaded model and re-embeds memory with it.
    await swap('embedder-switch', 'switch embedders', async () => undefined);
    return { ...downloaded, reopened: true };
  };

  return {
    handlers,
    events,
    /** The core open now (it changes after a restore). */
    get core(): Core {
      return core;
    },
    /** Stops the open core's long work (an import, a reply) so closing is prompt. */
    interrupt(): void {
      core.interrupt();
    },
    /**
     * Runs work the host starts on its own (the daily backup) against the
     * open core, counted like a call: closing, a restore or an embedder
     * switch waits for it instead of closing the database under it (a quit
     * during the backup closed PGlite mid-dump). Null, without running it,
     * once closing has begun.
     */
    background<T>(name: string, work: (open: Core) => Promise<T>): Promise<T | null> {
      if (disposed) return Promise.resolve(null);
      return backgroundWork.track(
        (async () => {
          await afterSwaps();
          begin(name);
          try {
            return await work(core);
          } finally {
            end(name);
          }
        })(),
      );
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      quitting.abort();
      await gate;
      // Quitting mid-reply or mid-import: stop that work and let it settle (a
      // cancelled turn still stores what it has) before the database closes
      // under it; new calls are refused from here on.
      if (running.size > 0) {
        const settled = new Promise<void>((resolve) => (idle = resolve));
        core.interrupt();
        await settled;
        idle = null;
      }
      await backgroundWork.settled();
      unforward.forEach((off) => off());
      events.clear();
      await core.dispose();
    },
  };
}
export type CoreSession = Awaited<ReturnType<typeof openCoreSession>>;

import pg from 'pg';
import {
  createKeyedMutex,
  type Coordination,
  type DatabaseChange,
  type Release,
} from '../coordination';

/** The channel the change_notifications migration's triggers notify on. */
export const CHANGES_CHANNEL = 'locus_changes';
/** Changes arriving within this window reach listeners together. */
const COALESCE_MS = 50;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

export interface ServerCoordinationOptions {
  /** Connections that hold advisory locks (one per held lock, so releasing never waits behind a waiter). */
  lockPool: pg.Pool;
  /** How to open the listening connection. */
  listenConfig: pg.ClientConfig;
  /** This process's id: its own changes come back through NOTIFY too and are dropped. */
  instanceId: string;
}

// Session advisory locks take a bigint; keys are hashed into Locus's own names.
const LOCK_SQL = "SELECT pg_advisory_lock(hashtextextended('locus:' || $1, 0))";
const TRY_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtextextended('locus:' || $1, 0)) AS held";
const UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtextextended('locus:' || $1, 0))";

/**
 * Coordination across every process connected to one server: advisory locks
 * (held on a connection of their own, so a lock dies with its process) and
 * LISTEN/NOTIFY for changes, reconnecting if the server goes away. After a
 * reconnect, changes may have been missed, so listeners get a `*` change.
 */
export async function createServerCoordination(
  options: ServerCoordinationOptions,
): Promise<Coordination> {
  const { lockPool, instanceId } = options;
  const local = createKeyedMutex();
  const listeners = new Set<(changes: DatabaseChange[]) => void>();
  let pending: DatabaseChange[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let reconnectDelay = RECONNECT_MIN_MS;
  let closed = false;

  function deliver(change: DatabaseChange): void {
    pending.push(change);
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      const seen = new Set<string>();
      const unique = batch.filter((c) => {
        const key = `${c.table}\u0000${c.agentId ?? ''}`;
        return seen.has(key) ? false : (seen.add(key), true);
      });
      for (const fn of listeners) {
        try {
          fn(unique);
        } catch {
          // One broken listener must not starve the others.
        }
      }
    }, COALESCE_MS);
  }

  function onNotification(message: pg.Notification): void {
    if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
    try {
      const parsed = JSON.parse(message.payload) as { t?: string; a?: string | null; o?: string };
      if (parsed.o === instanceId || typeof parsed.t !== 'string') return;
      deliver({ table: parsed.t, agentId: parsed.a ?? null });
    } catch {
      // Not ours; ignore.
    }
  }

  async function listen(): Promise<void> {
    const client = new pg.Client(options.listenConfig);
    client.on('error', () => scheduleReconnect(client));
    client.on('end', () => scheduleReconnect(client));
    client.on('notification', onNotification);
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    listener = client;
    reconnectDelay = RECONNECT_MIN_MS;
  }

  function scheduleReconnect(from: pg.Client): void {
    if (closed || listener !== from || reconnectTimer) return;
    listener = undefined;
    from.end().catch(() => undefined);
    const attempt = (): void => {
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        if (closed) return;
        listen().then(
          () => deliver({ table: '*', agentId: null }),
          () => {
            reconnectDelay = Math.min(RECONNECT_MAX_MS, reconnectDelay * 2);
            attempt();
          },
        );
      }, reconnectDelay);
      reconnectTimer.unref();
    };
    attempt();
  }

  async function hold(key: string, wait: boolean): Promise<Release | null> {
    const releaseLocal = wait ? await local.lock(key) : await local.tryLock(key);
    if (!releaseLocal) return null;
    let client: pg.PoolClient | undefined;
    // A held lock's connection may break (the server restarted): that frees
    // the lock, and must not crash the process as an unhandled error event.
    const ignore = (): void => undefined;
    try {
      client = await lockPool.connect();
      client.on('error', ignore);
      if (wait) {
        await client.query(LOCK_SQL, [key]);
      } else {
        const result = await client.query<{ held: boolean }>(TRY_LOCK_SQL, [key]);
        if (!result.rows[0]?.held) {
          client.off('error', ignore);
          client.release();
          await releaseLocal();
          return null;
        }
      }
    } catch (error) {
      client?.off('error', ignore);
      client?.release(true);
      await releaseLocal();
      throw error;
    }
    const held = client;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await held.query(UNLOCK_SQL, [key]);
        held.off('error', ignore);
        held.release();
      } catch {
        // The connection is gone, and the server freed the lock with it.
        held.off('error', ignore);
        held.release(true);
      } finally {
        await releaseLocal();
      }
    };
  }

  await listen();
  return {
    lock: async (key) => (await hold(key, true)) as Release,
    tryLock: (key) => hold(key, false),
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      clearTimeout(flushTimer);
      listeners.clear();
      await listener?.end().catch(() => undefined);
      listener = undefined;
    },
  };
}

/** Gives a held lock back. Never throws: a lock whose connection died is already free. */
export type Release = () => Promise<void>;

/** A committed change to memory, as another process announced it. */
export interface DatabaseChange {
  /** The table written (`agents`, `blocks`, `passages`, `messages`), or `*` when changes may have been missed. */
  table: string;
  agentId: string | null;
}

/**
 * What processes sharing one database agree on. An embedded (PGlite) database
 * has one process by construction (the data folder's lock), so its
 * coordination is in-process; a server's spans every process connected to it
 * (advisory locks, LISTEN/NOTIFY).
 */
export interface Coordination {
  /** Waits until no one (in any process) holds `key`, then holds it until released. */
  lock(key: string): Promise<Release>;
  /** Holds `key` if no one holds it now; null otherwise (without waiting). */
  tryLock(key: string): Promise<Release | null>;
  /** Calls `listener` with changes other processes committed (never this one's). */
  onChange(listener: (changes: DatabaseChange[]) => void): () => void;
  close(): Promise<void>;
}

/** Named locks within this process: each key is a queue of holders. */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<void>>();
  return {
    async lock(key: string): Promise<Release> {
      const previous = tails.get(key) ?? Promise.resolve();
      let open!: () => void;
      const mine = new Promise<void>((resolve) => (open = resolve));
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      await previous;
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        open();
        if (tails.get(key) === tail) tails.delete(key);
      };
    },
    tryLock(key: string): Promise<Release> | null {
      return tails.has(key) ? null : this.lock(key);
    },
  };
}

/** Coordination for a database only this process opens. */
export function createLocalCoordination(): Coordination {
  const mutex = createKeyedMutex();
  return {
    lock: (key) => mutex.lock(key),
    tryLock: async (key) => (await mutex.tryLock(key)) ?? null,
    onChange: () => () => undefined,
    close: async () => undefined,
  };
}

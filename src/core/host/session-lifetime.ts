import { openCoreSession, type CoreSession, type CoreSessionOptions } from './core-session';

/**
 * A host's memory from the moment it starts opening until it is closed, so
 * that a quit at any moment takes the ordered way out. Before, a quit while
 * the database was still opening found no session to close (the Electron
 * shell's before-quit saw none; `locus serve` had no signal handler yet), so
 * the process ended mid-open, re-embedding included, without closing the
 * database or releasing the data folder's lock.
 */
export interface SessionLifetime {
  /** The session once memory is open; rejects as the open did. */
  readonly opening: Promise<CoreSession>;
  /** True once close() was called: a host stops starting anything new. */
  readonly closing: boolean;
  /**
   * The ordered shutdown, from any moment. While memory is still opening, it
   * stops the open's long work (re-embedding stops between batches; what was
   * embedded stays) and waits for the open to end, then closes what opened;
   * once open, it stops long calls and waits for them and for background
   * work (the daily backup) before the database closes. Call it as often as
   * you like: every call waits for the same close.
   */
  close(): Promise<void>;
}

export function startSessionLifetime(options: Omit<CoreSessionOptions, 'signal'>): SessionLifetime {
  const quit = new AbortController();
  const opening = openCoreSession({ ...options, signal: quit.signal });
  // A failed open is the host's to report (through `opening`); close() only closes.
  opening.catch(() => undefined);
  let closed: Promise<void> | null = null;
  return {
    opening,
    get closing() {
      return closed !== null;
    },
    close() {
      closed ??= (async () => {
        quit.abort();
        const session = await opening.catch(() => null);
        await session?.dispose();
      })();
      return closed;
    },
  };
}

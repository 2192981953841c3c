import { contract, type CallName, type Handlers } from '../../shared/contract';
import { isLocusError } from '../../shared/errors';
import type { CoreAccess } from './connect-core';

export interface OnDemandCoreOptions {
  /** Finds or opens the core (connectCore); after a hand-over it is told to wait for the new owner. */
  connect: (options: { ownerFirstMs: number }) => Promise<CoreAccess>;
  /**
   * How long a core stays open after its last call. A long-running client
   * (an MCP server started with the editor) must not keep the data folder
   * from the app all day. Defaults to 30 s.
   */
  idleMs?: number;
  /** Runs when this process has opened the folder itself; returns how to undo it. */
  onLocalOpen?: (access: CoreAccess) => Promise<() => Promise<void>>;
}

export interface OnDemandCore {
  handlers: Handlers;
  /**
   * Lets go of a folder opened here as soon as the calls running finish, for
   * a process that must hold it (the app); the next calls go through it.
   */
  handOver(): Promise<void>;
  dispose(): Promise<void>;
}

/** How long, after handing over, calls wait for the new owner rather than reopen the folder. */
const HAND_OVER_GRACE_MS = 30_000;

/**
 * Contract handlers that connect on the first call and let go when idle:
 * through the owner's host if the folder is held, else opened here (and
 * released after idleMs, so the app can start). If the owner goes away
 * mid-session, the next call finds the folder again.
 */
export function createOnDemandCore(options: OnDemandCoreOptions): OnDemandCore {
  const idleMs = options.idleMs ?? 30_000;
  let current: Promise<{ access: CoreAccess; undo: () => Promise<void> }> | null = null;
  let active = 0;
  let timer: NodeJS.Timeout | null = null;
  let handedOverAt = -Infinity;
  const idle = new Set<() => void>();

  async function open(): Promise<{ access: CoreAccess; undo: () => Promise<void> }> {
    const grace = Math.max(0, handedOverAt + HAND_OVER_GRACE_MS - Date.now());
    const access = await options.connect({ ownerFirstMs: grace });
    const undo = access.local && options.onLocalOpen ? await options.onLocalOpen(access) : null;
    return { access, undo: undo ?? (async () => undefined) };
  }

  async function release(): Promise<void> {
    const held = current;
    current = null;
    if (!held) return;
    const { access, undo } = await held.catch(() => ({ access: null, undo: null }));
    await undo?.().catch(() => undefined);
    await access?.dispose();
  }

  function scheduleRelease(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (active === 0) void release();
    }, idleMs);
    timer.unref();
  }

  async function invoke(name: CallName, input: unknown): Promise<unknown> {
    active += 1;
    if (timer) clearTimeout(timer);
    try {
      for (let attempt = 0; ; attempt++) {
        current ??= open();
        const held = current;
        let access: CoreAccess;
        try {
          ({ access } = await held);
        } catch (error) {
          if (current === held) current = null;
          throw error;
        }
        const handler = access.handlers[name] as (value: unknown) => Promise<unknown>;
        try {
          return await handler(input);
        } catch (error) {
          // The app holding the folder was closed before the call reached it: look again, once.
          const gone =
            isLocusError(error) &&
            error.code === 'HOST_UNREACHABLE' &&
            error.details?.refused === true;
          if (!gone || attempt > 0) throw error;
          if (current === held) await release();
        }
      }
    } finally {
      active -= 1;
      if (active === 0) {
        scheduleRelease();
        idle.forEach((wake) => wake());
      }
    }
  }

  const handlers = Object.fromEntries(
    (Object.keys(contract) as CallName[]).map((name) => [
      name,
      (input: unknown) => invoke(name, input),
    ]),
  ) as unknown as Handlers;

  return {
    handlers,
    async handOver() {
      handedOverAt = Date.now();
      if (active > 0) await new Promise<void>((resolve) => idle.add(resolve));
      idle.clear();
      await release();
    },
    async dispose() {
      if (timer) clearTimeout(timer);
      await release();
    },
  };
}

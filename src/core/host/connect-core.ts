import type { Handlers } from '../../shared/contract';
import { isLocusError } from '../../shared/errors';
import type { Core } from '../create-core';
import type { EventBus } from '../events';
import type { OpenAppCoreOptions } from './open-app-core';
import { readOwner, type OwnerInfo } from './owner-file';
import { createRemoteCore } from './remote-core';

/**
 * A core to call, wherever it runs: opened here, or the one in the process
 * that holds the data folder (the app, `locus serve`), reached through its
 * loopback host. Commands use handlers and events and never care which.
 */
export interface CoreAccess {
  readonly handlers: Handlers;
  readonly events: Pick<EventBus, 'on'>;
  /** The core itself when this process opened the folder; null when another process holds it. */
  readonly local: Core | null;
  /** The process whose core this is, when it is not this one. */
  readonly owner: OwnerInfo | null;
  dispose(): Promise<void>;
}

export interface ConnectCoreOptions extends OpenAppCoreOptions {
  /**
   * Wait this long for a published owner before opening the folder here:
   * after handing the folder over, a client gives the new owner time to take it.
   */
  ownerFirstMs?: number;
  /**
   * When the folder is locked but its holder has not published a host yet
   * (it is still starting), how long to wait for it. Defaults to 5000 ms.
   */
  waitForOwnerMs?: number;
}

/** How an owner is named in messages: "the Locus app (process 123)". */
export function describeOwner(owner: OwnerInfo): string {
  return `${owner.kind} (process ${owner.pid})`;
}

/** What a stale publication answers: nobody there, or another process on its port. */
const NOT_THE_OWNER = new Set<string>([
  'HOST_UNREACHABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
]);

/** The published owner, if it answers with its token now; a stale publication reads as none. */
export async function findLiveOwner(
  dataDir: string,
): Promise<{ owner: OwnerInfo; remote: ReturnType<typeof createRemoteCore> } | null> {
  const owner = readOwner(dataDir);
  if (!owner) return null;
  const remote = createRemoteCore({
    url: owner.url,
    token: owner.token,
    describe: describeOwner(owner),
  });
  try {
    await remote.handlers['status.get']({});
    return { owner, remote };
  } catch (error) {
    // It answered as Locus with our token but could not do the call (its
    // database server is down): it is the holder, and the command must hear
    // its error, not DATA_DIR_LOCKED from trying to open the folder here.
    if (isLocusError(error) && !NOT_THE_OWNER.has(error.code)) return { owner, remote };
    // Refused, wrong token (a new process on a reused port), or gone.
    remote.close();
    return null;
  }
}

function remoteAccess(found: NonNullable<Awaited<ReturnType<typeof findLiveOwner>>>): CoreAccess {
  return {
    handlers: found.remote.handlers,
    events: found.remote.events,
    local: null,
    owner: found.owner,
    async dispose() {
      found.remote.close();
    },
  };
}

/** A core this process opened, seen through the same interface. */
export function localCoreAccess(core: Core): CoreAccess {
  return {
    handlers: core.handlers,
    events: core.events,
    local: core,
    owner: null,
    dispose: () => core.dispose(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One owner, many clients: use the core of the process holding the data
 * folder if there is one, else open the folder here. A folder locked by a
 * process that publishes no host (another command) is refused as before,
 * after a short wait in case its holder is an app still starting.
 */
export async function connectCore(options: ConnectCoreOptions): Promise<CoreAccess> {
  const until = Date.now() + (options.ownerFirstMs ?? 0);
  for (;;) {
    const found = await findLiveOwner(options.dataDir);
    if (found) return remoteAccess(found);
    if (Date.now() >= until) break;
    await sleep(200);
  }
  try {
    // Loaded only here: a command served by another process never needs PGlite.
    const { openAppCore } = await import('./open-app-core');
    const { core } = await openAppCore(options);
    return localCoreAccess(core);
  } catch (error) {
    if (!isLocusError(error) || error.code !== 'DATA_DIR_LOCKED') throw error;
    const deadline = Date.now() + (options.waitForOwnerMs ?? 5000);
    while (Date.now() < deadline) {
      await sleep(200);
      const late = await findLiveOwner(options.dataDir);
      if (late) return remoteAccess(late);
    }
    throw error;
  }
}

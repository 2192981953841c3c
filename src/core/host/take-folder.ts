import fs from 'node:fs';
import { isLocusError } from '../../shared/errors';
import type { Core } from '../create-core';
import { lockPathFor } from '../storage/lock';
import { openAppCore, type OpenAppCoreOptions } from './open-app-core';
import { readOwner } from './owner-file';
import { requestHandOver } from './remote-core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens the data folder for a process that must hold it (the app, locus
 * serve). When a process that only borrows it holds it (locus mcp, between
 * an editor's calls), that process is asked to let go and the folder is
 * opened once it has; any other holder is refused as before, naming it.
 */
export async function openAppCoreTakingOver(
  options: OpenAppCoreOptions & {
    /** How long to wait for the borrower to let go. Defaults to 30 s. */
    waitMs?: number;
    /**
     * A borrower that has just taken the lock publishes its host a moment
     * later (it is still opening the database): how long to wait for that.
     * Defaults to 5 s.
     */
    publishWaitMs?: number;
  },
): Promise<{ core: Core }> {
  try {
    return await openAppCore(options);
  } catch (error) {
    if (!isLocusError(error) || error.code !== 'DATA_DIR_LOCKED') throw error;
    let owner = readOwner(options.dataDir);
    const publishBy = Date.now() + (options.publishWaitMs ?? 5000);
    while (!owner && Date.now() < publishBy && fs.existsSync(lockPathFor(options.dataDir))) {
      await sleep(200);
      owner = readOwner(options.dataDir);
    }
    // Let go meanwhile (a command that finished): just open it.
    if (!owner && !fs.existsSync(lockPathFor(options.dataDir))) return openAppCore(options);
    if (!owner || !(await requestHandOver(owner.url, owner.token))) throw error;
    // Waiting on the lock file, not by reopening: opening loads the embedder each time.
    const deadline = Date.now() + (options.waitMs ?? 30_000);
    while (fs.existsSync(lockPathFor(options.dataDir)) && Date.now() < deadline) {
      await sleep(200);
    }
    return openAppCore(options);
  }
}

import type { Coordination, Release } from './coordination';

/**
 * Background work (embedding messages, consolidating memory) that processes
 * sharing one database must not run twice at once. A claim is held by one
 * process (on a server: a session advisory lock, freed if that process dies)
 * until released.
 */
export interface ClaimOptions {
  /** Wait for the current holder to finish instead of giving up. Defaults to false. */
  wait?: boolean;
}

function jobKey(job: string): string {
  return `job:${job}`;
}

/** Claims `job` (any stable name, e.g. "embed-messages"); null when another holder has it. */
export async function claimBackgroundJob(
  coordination: Coordination,
  job: string,
  options: ClaimOptions = {},
): Promise<Release | null> {
  return options.wait ? coordination.lock(jobKey(job)) : coordination.tryLock(jobKey(job));
}

/** Runs `work` only if `job` could be claimed, releasing the claim afterwards. */
export async function runClaimed<T>(
  coordination: Coordination,
  job: string,
  work: () => Promise<T>,
  options: ClaimOptions = {},
): Promise<{ ran: true; value: T } | { ran: false }> {
  const release = await claimBackgroundJob(coordination, job, options);
  if (!release) return { ran: false };
  try {
    return { ran: true, value: await work() };
  } finally {
    await release();
  }
}

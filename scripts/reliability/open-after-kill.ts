import { createCore } from '../../src/core/create-core';

export type TrialCore = Awaited<ReturnType<typeof createCore>>;

/**
 * Opens the data folder a trial just killed a process on. A folder that no
 * longer opens is the failure these trials look for, so it is counted and
 * described in the report, not thrown.
 */
export async function openAfterKill(
  dataDir: string,
  report: { failedOpens: number; details: string[] },
  trial: number,
): Promise<TrialCore | null> {
  try {
    return await createCore({ dataDir });
  } catch (error) {
    report.failedOpens++;
    report.details.push(`trial ${trial}: open failed: ${(error as Error).message}`);
    return null;
  }
}

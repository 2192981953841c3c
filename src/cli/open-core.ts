import type { Core } from '../core/create-core';
import { openAppCore, restoreRecoveryNotice } from '../core/host/open-app-core';
import { defaultDataDir } from '../core/storage/data-dir';
import type { Output } from './output';
import { progressPrinter } from './output';

export interface CliCoreOptions {
  dataDir?: string;
  embedder?: string;
  embedderModel?: string;
}

export async function openCliCore(
  options: CliCoreOptions,
  output: Output,
): Promise<{ core: Core; notice: string | undefined }> {
  const show = progressPrinter('Re-embedding archival memory');
  let announced = false;
  const opened = await openAppCore({
    dataDir: options.dataDir ?? defaultDataDir(),
    ...(options.embedder ? { embedder: options.embedder } : {}),
    ...(options.embedderModel ? { embedderModel: options.embedderModel } : {}),
    onProgress: (_task, done, total) => {
      if (!announced && !output.json) {
        output.err('Memory was embedded with another model; re-embedding it now.');
        announced = true;
      }
      show(done, total);
    },
  });
  // Only a finished or undone restore is said on every command; it is rare and it matters.
  const recovered = restoreRecoveryNotice(opened.core.database.restoreRecovery);
  if (recovered) output.err(`Note: ${recovered}`);
  return opened;
}

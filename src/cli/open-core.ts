import type { Core } from '../core/create-core';
import { connectCore, type CoreAccess } from '../core/host/connect-core';
import type { OpenAppCoreOptions } from '../core/host/open-app-core';
import { defaultDataDir } from '../core/storage/data-dir';
import type { Output } from './output';
import { progressPrinter } from './output';

export interface CliCoreOptions {
  dataDir?: string;
  /** --database: a server URL or "embedded". */
  database?: string;
  switchEmbedder?: boolean;
  embedder?: string;
  embedderModel?: string;
  /** Aborted by a quit while memory opens: re-embedding at open stops there. */
  signal?: AbortSignal;
}

function appCoreOptions(options: CliCoreOptions, output: Output): OpenAppCoreOptions {
  let show = progressPrinter('Re-embedding archival memory');
  return {
    dataDir: options.dataDir ?? defaultDataDir(),
    ...(options.database ? { database: options.database } : {}),
    ...(options.switchEmbedder ? { switchEmbedder: true } : {}),
    ...(options.embedder ? { embedder: options.embedder } : {}),
    ...(options.embedderModel ? { embedderModel: options.embedderModel } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onEmbedAtOpen: ({ switched, passages }) => {
      if (output.json) return;
      if (switched) {
        output.err('Memory was embedded with another model; re-embedding it now.');
        return;
      }
      output.err(
        `${passages} ${passages === 1 ? 'passage is' : 'passages are'} waiting to be embedded (after an import, for example); embedding ${passages === 1 ? 'it' : 'them'} now.`,
      );
      show = progressPrinter('Embedding archival memory');
    },
    onProgress: (_task, done, total) => show(done, total),
  };
}

/** Only a finished or undone restore is said on every command; it is rare and it matters. */
async function sayRestoreRecovery(core: Core, output: Output): Promise<void> {
  const { restoreRecoveryNotice } = await import('../core/host/open-app-core');
  const recovered = restoreRecoveryNotice(core.database.restoreRecovery);
  if (recovered) output.err(`Note: ${recovered}`);
}

/** Opens the data folder here, for a command that must hold it (serve). */
export async function openCliCore(
  options: CliCoreOptions,
  output: Output,
): Promise<{ core: Core }> {
  // A folder borrowed by locus mcp is handed over; any other holder refuses.
  const { openAppCoreTakingOver } = await import('../core/host/take-folder');
  const opened = await openAppCoreTakingOver(appCoreOptions(options, output));
  await sayRestoreRecovery(opened.core, output);
  return opened;
}

/** The folder's core: through the app or `locus serve` when one holds it, else opened here. */
export async function connectCliCore(
  options: CliCoreOptions,
  output: Output,
  connect: { ownerFirstMs?: number } = {},
): Promise<CoreAccess> {
  const access = await connectCore({ ...appCoreOptions(options, output), ...connect });
  if (access.local) await sayRestoreRecovery(access.local, output);
  return access;
}

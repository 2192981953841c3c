import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { FakeClock } from '../../src/core/clock';
import type { CreateCoreOptions } from '../../src/core/create-core';
import { openAppCore } from '../../src/core/host/open-app-core';
import { openCoreSession, type CoreSession } from '../../src/core/host/core-session';
import { dataDirLayout } from '../../src/core/storage/data-dir';
import { servePage, type OpenAppOptions } from './browser-app';
import { onCleanup, templateBlob } from './test-core';

/**
 * The app as `locus serve` runs it: a core session on a data folder (so
 * backups, restore and embedder switches really close and reopen memory),
 * served to a browser page. The first open starts from the migrated template.
 */
export async function openSessionApp(
  browser: Browser,
  rendererDir: string,
  options: {
    dataDir: string;
    /** The environment the app opens memory with (LOCUS_EMBEDDER); defaults to the test's. */
    env?: NodeJS.ProcessEnv;
    core?: () =>
      | Omit<CreateCoreOptions, 'dataDir' | 'embedder'>
      | Promise<Omit<CreateCoreOptions, 'dataDir' | 'embedder'>>;
  },
  appOptions: OpenAppOptions = {},
): Promise<{ page: Page; session: CoreSession; appUrl: string; opens: () => number }> {
  let opens = 0;
  const clock = new FakeClock();
  const session = await openCoreSession({
    dataDir: options.dataDir,
    clock,
    // As the app and `locus serve` open it: the embedder LOCUS_EMBEDDER names
    // (auto: the downloaded model, else the built-in one), memory re-embedded
    // after a switch.
    open: async (onProgress) => {
      opens++;
      const fresh = !fs.existsSync(dataDirLayout(options.dataDir).database);
      const { core } = await openAppCore({
        dataDir: options.dataDir,
        ...(options.env ? { env: options.env } : {}),
        onProgress,
        coreOptions: {
          clock,
          ...(fresh ? { template: templateBlob() } : {}),
          ...(await options.core?.()),
        },
      });
      return core;
    },
  });
  onCleanup(() => session.dispose());
  if (!appOptions.firstRun) await session.handlers['preferences.update']({ onboardingDone: true });
  const { page, appUrl } = await servePage(browser, rendererDir, session, appOptions);
  return { page, session, appUrl, opens: () => opens };
}

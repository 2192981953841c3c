import fs from 'node:fs';
import path from 'node:path';
import type { EventBus } from '../../core/events';
import { startHttpHost } from '../../core/host/http-host';
import type { Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import type { Output } from '../output';

/** The built renderer, next to the sources (npm run build writes it). */
export function defaultRendererDir(): string {
  return path.resolve(import.meta.dirname, '../../../out/renderer');
}

/**
 * `locus serve`: the app in a browser, on loopback only, for development and
 * machines without Electron. Runs until interrupted.
 */
export async function serveCommand(
  core: { handlers: Handlers; events: EventBus; interrupt: () => void },
  options: { port?: number; rendererDir?: string },
  output: Output,
): Promise<void> {
  const staticDir = options.rendererDir ?? defaultRendererDir();
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new LocusError(
      'NOT_FOUND',
      `The app's pages are not built yet (${staticDir}). Run "npm run build" first.`,
    );
  }
  const host = await startHttpHost({
    handlers: core.handlers,
    events: core.events,
    staticDir,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  output.out(
    output.json ? JSON.stringify({ url: host.appUrl }) : `Locus is open at ${host.appUrl}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Work in progress (an import, a reply) stops first, so closing is prompt.
  core.interrupt();
  await host.close();
}

import fs from 'node:fs';
import path from 'node:path';
import type { EventBus } from '../../core/events';
import { startOwnerHost } from '../../core/host/owner-host';
import type { Handlers } from '../../shared/contract';
import type { Output } from '../output';
import { packageRoot } from '../package-root';

/** The built renderer, next to the sources (npm run build writes it). */
export function defaultRendererDir(): string {
  return path.join(packageRoot(), 'out', 'renderer');
}

export interface ServeOptions {
  dataDir: string;
  port?: number;
  rendererDir?: string;
  /** Turn on the OpenAI-compatible endpoint for this run. */
  openaiApi?: boolean;
  /** Turn on the Letta-compatible API for this run. */
  lettaApi?: boolean;
  /** Settles on the first Ctrl+C or SIGTERM (the caller's handlers, on since memory began opening). */
  stopped: Promise<unknown>;
}

/**
 * `locus serve`: the app in a browser, on loopback only, for development and
 * machines without Electron. It holds the data folder and publishes its host,
 * so other commands (capture, memory, locus mcp) work through it meanwhile.
 * Runs until interrupted.
 */
export async function serveCommand(
  // A session: a restore from the app closes and reopens the core behind it.
  core: { handlers: Handlers; events: EventBus; interrupt: () => void },
  options: ServeOptions,
  output: Output,
): Promise<void> {
  const staticDir = options.rendererDir ?? defaultRendererDir();
  const built = fs.existsSync(path.join(staticDir, 'index.html'));
  if (!built && !output.json) {
    output.err(
      `The app's pages are not built (${staticDir}); serving the API only. Run "npm run build" for the browser app.`,
    );
  }
  const host = await startOwnerHost({
    core,
    dataDir: options.dataDir,
    kind: 'locus serve',
    ...(built ? { staticDir } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.openaiApi ? { openaiApi: true } : {}),
    ...(options.lettaApi ? { lettaApi: true } : {}),
  });
  const settings = await core.handlers['interfaces.get']({});
  const openai = options.openaiApi === true || settings.openaiApi;
  const letta = options.lettaApi === true || settings.lettaApi;
  const endpoints = {
    url: built ? host.appUrl : host.url,
    apiUrl: host.url,
    mcpUrl: `${host.url}/mcp`,
    openaiUrl: openai ? `${host.url}/v1` : null,
    lettaUrl: letta ? host.url : null,
    apiKey: settings.apiKey,
  };
  if (output.json) output.out(JSON.stringify(endpoints));
  else {
    output.out(
      built
        ? `Locus is open at ${host.appUrl}`
        : `Locus is serving ${options.dataDir} at ${host.url}`,
    );
    const line = (label: string, value: string) => output.out(`${label.padEnd(24)}${value}`);
    line('MCP (Streamable HTTP):', endpoints.mcpUrl);
    line(
      'OpenAI-compatible API:',
      endpoints.openaiUrl ?? 'off (--openai or "locus api openai on")',
    );
    line('Letta-compatible API:', endpoints.lettaUrl ?? 'off (--letta or "locus api letta on")');
    line('API key for these:', settings.apiKey);
  }
  await options.stopped;
  // Work in progress (an import, a reply) stops first, so closing is prompt.
  core.interrupt();
  await host.close();
}

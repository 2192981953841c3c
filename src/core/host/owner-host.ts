import type { Handlers } from '../../shared/contract';
import type { EventBus } from '../events';
import { mcpHttpRoute } from '../mcp/mcp-http-route';
import { lettaRoute } from '../letta-api/letta-route';
import { openAiRoute } from '../openai/openai-route';
import {
  HAND_OVER_PATH,
  sendJson,
  startHttpHost,
  type HttpHost,
  type HostRoute,
} from './http-host';
import { publishOwner } from './owner-file';

export interface OwnerHostOptions {
  /** The core, or a session that reopens it (after a restore) behind the same handlers. */
  core: { handlers: Handlers; events: EventBus };
  /** The data folder the core holds; the publication goes there. */
  dataDir: string;
  /** What this process is, for other processes' messages: "the Locus app", "locus serve". */
  kind: string;
  /** The built renderer to serve at /; omit to serve the APIs only. */
  staticDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Answer the OpenAI-compatible endpoint whatever the setting says (locus serve --openai). */
  openaiApi?: boolean;
  /** The same for the Letta-compatible API (locus serve --letta). */
  lettaApi?: boolean;
  /** More APIs on the same port; MCP at /mcp is always there, OpenAI at /v1 when on. */
  routes?: readonly HostRoute[];
  /**
   * Lets a process that must hold the folder itself (the app, locus serve)
   * ask this one to let go. Holders that only borrow the folder (locus mcp)
   * pass how; without it such requests are refused.
   */
  onHandOver?: () => Promise<void>;
}

export interface OwnerHost extends HttpHost {
  /** Withdraws the publication first, so no client is sent to a closing host. */
  close(): Promise<void>;
}

/**
 * The loopback host of the process that holds a data folder, published so
 * that other Locus processes (CLI commands, `locus mcp`) work through it
 * instead of being refused the folder.
 */
export async function startOwnerHost(options: OwnerHostOptions): Promise<OwnerHost> {
  const { handlers, events } = options.core;
  const settings = () => handlers['interfaces.get']({});
  // Only a process that read the owner file (the per-run token) may ask for the folder; an API key may not.
  let runToken = '';
  const host = await startHttpHost({
    handlers: options.core.handlers,
    events: options.core.events,
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    routes: [
      mcpHttpRoute(handlers),
      openAiRoute({
        handlers,
        events,
        enabled: async () => options.openaiApi === true || (await settings()).openaiApi,
      }),
      // After OpenAI's: it answers every other /v1 path (501 for what Locus lacks).
      lettaRoute({
        handlers,
        events,
        enabled: async () => options.lettaApi === true || (await settings()).lettaApi,
      }),
      handOverRoute(options, () => runToken),
      ...(options.routes ?? []),
    ],
    apiKeys: async () => [(await settings()).apiKey],
  });
  runToken = host.token;
  const publication = publishOwner(options.dataDir, host, options.kind);
  return {
    ...host,
    async close() {
      publication.remove();
      await host.close();
    },
  };
}

function handOverRoute(options: OwnerHostOptions, runToken: () => string): HostRoute {
  return {
    matches: (pathname) => pathname === HAND_OVER_PATH,
    async handle(req, res) {
      const handOver = options.onHandOver;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (req.method !== 'POST' || !handOver || bearer !== runToken()) {
        sendJson(res, 409, {
          ok: false,
          error: {
            code: 'DATA_DIR_LOCKED',
            message: `${options.kind} keeps the data folder open; close it first.`,
          },
        });
        return;
      }
      // Answer first: letting go closes this very host.
      sendJson(res, 202, { ok: true, value: { handingOver: true } });
      setImmediate(() => void handOver().catch(() => undefined));
    },
  };
}

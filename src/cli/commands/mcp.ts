import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createOnDemandCore, type OnDemandCore } from '../../core/host/on-demand-core';
import type { CoreAccess } from '../../core/host/connect-core';
import { startOwnerHost } from '../../core/host/owner-host';
import { createLocusMcpServer } from '../../core/mcp/mcp-server';

export interface McpCommandOptions {
  dataDir: string;
  connect: (options: { ownerFirstMs: number }) => Promise<CoreAccess>;
  /** Agent for tools that name none. */
  agent?: string;
  /** Seconds the data folder stays open after the last call. */
  idleSeconds?: number;
}

/**
 * `locus mcp`: an MCP server on stdin/stdout for Claude Desktop, Cursor, LM
 * Studio... It works through the app or `locus serve` when one holds the
 * data folder; otherwise it opens the folder per burst of calls, serves it to
 * other commands meanwhile, and lets go when idle so the app can start.
 * Nothing but protocol goes to stdout.
 */
export async function mcpCommand(options: McpCommandOptions): Promise<void> {
  // The app or locus serve may ask for the folder back; the next calls go through it.
  const handOver = (): Promise<void> => onDemand.handOver();
  const onDemand: OnDemandCore = createOnDemandCore({
    connect: options.connect,
    ...(options.idleSeconds !== undefined ? { idleMs: options.idleSeconds * 1000 } : {}),
    onLocalOpen: async (access) => {
      if (!access.local) return async () => undefined;
      const host = await startOwnerHost({
        core: access.local,
        dataDir: options.dataDir,
        kind: 'locus mcp',
        onHandOver: handOver,
      });
      return () => host.close();
    },
  });
  const server = createLocusMcpServer({
    handlers: onDemand.handlers,
    ...(options.agent ? { defaultAgent: options.agent } : {}),
  });
  const transport = new StdioServerTransport();
  const finished = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.connect(transport);
  await finished;
  await server.close().catch(() => undefined);
  await onDemand.dispose();
}

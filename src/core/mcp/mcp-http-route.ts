import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Handlers } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import { parseJsonBody, readBody, sendJson, type HostRoute } from '../host/http-host';
import { createLocusMcpServer } from './mcp-server';

export const MCP_PATH = '/mcp';
const MAX_BODY = 4 * 1024 * 1024;

/** A JSON-RPC error body, the shape MCP clients read for refusals. */
function rpcError(status: number, message: string) {
  return { jsonrpc: '2.0', error: { code: status === 401 ? -32001 : -32000, message }, id: null };
}

/**
 * MCP over Streamable HTTP at /mcp on the loopback host, behind its token.
 * Stateless: every request gets its own server and transport (tools are
 * plain calls; nothing is kept between them), so no session can leak.
 */
export function mcpHttpRoute(handlers: Handlers): HostRoute {
  return {
    matches: (pathname) => pathname === MCP_PATH,
    refuse(res, status, _code, message) {
      sendJson(res, status, rpcError(status, message));
    },
    async handle(req, res) {
      if (req.method !== 'POST') {
        // No server-initiated stream in stateless mode; clients take 405 as "none".
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      let body: unknown;
      try {
        body = parseJsonBody(await readBody(req, MAX_BODY));
      } catch (error) {
        const tooLarge = error instanceof LocusError && error.code === 'PAYLOAD_TOO_LARGE';
        sendJson(
          res,
          tooLarge ? 413 : 400,
          rpcError(
            400,
            error instanceof LocusError ? error.message : 'The request body is not JSON.',
          ),
        );
        return;
      }
      const server = createLocusMcpServer({ handlers });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    },
  };
}

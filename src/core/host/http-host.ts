import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EventName, Handlers, ServerEvents } from '../../shared/contract';
import { LocusError, serializeError, type ErrorCode } from '../../shared/errors';
import type { EventBus } from '../events';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth';
import { contentTypeFor } from './content-types';
import { dispatch } from './dispatch';
import { stableError } from './stable-error';
import { MAX_AGENT_FILE_BYTES } from './file-dialogs';
import { CONTENT_SECURITY_POLICY } from './security-policy';

export interface HttpHostOptions {
  handlers: Handlers;
  events: EventBus;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to a fresh random token per run. */
  token?: string;
  /** The built renderer to serve at /, for development and browser tests. */
  staticDir?: string;
  /** Largest accepted request body. Defaults to 4 MB. */
  maxBodyBytes?: number;
  /** More APIs on the same port and token (MCP, OpenAI, Letta); see HostRoute. */
  routes?: readonly HostRoute[];
  /** Long-lived keys the routes accept besides the per-run token (read per request, so a new key works at once). */
  apiKeys?: () => Promise<readonly string[]>;
}

/**
 * An API served beside /api on the same loopback port. The host has checked
 * the Host header, the origin and the token before handle() runs; refuse()
 * lets each API answer those refusals in its own clients' error shape.
 */
export interface HostRoute {
  matches(pathname: string): boolean;
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void>;
  refuse?(res: http.ServerResponse, status: number, code: ErrorCode, message: string): void;
}

export interface HttpHost {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  token: string;
  /** Opens the app with its token (kept in the fragment, never sent to the server in logs). */
  appUrl: string;
  close(): Promise<void>;
}

const EVENT_NAMES: EventName[] = ['progress', 'agent', 'memory', 'memory.changed'];
/** Where another process asks the holder of a data folder to let go of it (owner-host). */
export const HAND_OVER_PATH = '/api/owner/hand-over';
/** On a call's reply: the id of the last event sent before it (see remote-core). */
export const EVENTS_SENT_HEADER = 'x-locus-events-sent';

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  sendJson(res, status, { ok: false, error: serializeError(new LocusError(code, message)) });
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Reads the body; an oversized one is drained (so the client gets the 413) but not kept. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) {
        reject(new LocusError('PAYLOAD_TOO_LARGE', `The request is larger than ${limit} bytes.`));
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * A request body as JSON for the APIs beside /api (MCP, OpenAI, Letta):
 * not JSON, or nested deeper than any call needs (a stack overflow in a
 * validator otherwise), is INVALID_INPUT.
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LocusError('INVALID_INPUT', 'The request body is not valid JSON.');
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new LocusError(
      'INVALID_INPUT',
      `The request body nests more than ${MAX_JSON_DEPTH} levels deep; no request takes that.`,
    );
  }
  return value;
}

/**
 * Serves the core on loopback only, for the renderer running in a plain
 * browser (development, e2e tests). Every API request needs the per-run token;
 * the Host header must be the loopback address (so a web page cannot reach it
 * through DNS rebinding) and cross-origin requests are refused.
 */
export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const streams = new Set<http.ServerResponse>();
  let eventSeq = 0;
  const routes = options.routes ?? [];
  let origin = '';
  let allowedHosts = new Set<string>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: serializeError(stableError(error)) });
      else res.destroy();
    });
  });
  // A client that vanishes mid-request must never take the process down.
  server.on('clientError', (_error, socket) => socket.destroy());

  async function authorized(given: string | null | undefined): Promise<boolean> {
    if (!given) return false;
    if (sameToken(given, token)) return true;
    // A failure to read the keys (the database is gone) is thrown, not taken
    // as "no keys": a 401 would send the user hunting for a key that is right.
    const keys = (await options.apiKeys?.()) ?? [];
    return keys.some((key) => sameToken(given, key));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      sendError(res, 400, 'INVALID_INPUT', 'The request address is not a valid URL.');
      return;
    }
    const route = routes.find((r) => r.matches(url.pathname));
    const refuse = (status: number, code: ErrorCode, message: string): void =>
      route?.refuse
        ? route.refuse(res, status, code, message)
        : sendError(res, status, code, message);
    // A page on some other site can point its own DNS name at 127.0.0.1
    // (rebinding); only requests addressed to loopback by name are answered.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      refuse(403, 'FORBIDDEN', 'Locus only answers requests addressed to 127.0.0.1.');
      return;
    }
    if (url.pathname.startsWith('/api/') || route) {
      const sentOrigin = req.headers.origin;
      if (sentOrigin && sentOrigin !== origin) {
        refuse(403, 'FORBIDDEN', 'Cross-origin requests are not allowed.');
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const given = bearer ?? (route ? null : url.searchParams.get('token'));
      // An API key is for the APIs it was made for (MCP, OpenAI, Letta); the
      // whole contract at /api (settings, files, the key itself) needs the
      // per-run token, which only this user's processes can read.
      let allowed: boolean;
      try {
        allowed = route ? await authorized(given) : sameToken(given, token);
      } catch (error) {
        const failure = serializeError(stableError(error));
        refuse(503, failure.code, failure.message);
        return;
      }
      if (!allowed) {
        refuse(
          401,
          'UNAUTHORIZED',
          route
            ? 'Missing or wrong API key. Send "Authorization: Bearer <key>" with the key "locus api" shows (or "locus serve" printed).'
            : 'Missing or wrong token. Open the address Locus printed.',
        );
        return;
      }
      if (route) return route.handle(req, res, url);
      if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res);
      const call = /^\/api\/call\/([\w.]+)$/.exec(url.pathname)?.[1];
      if (!call || req.method !== 'POST') {
        sendError(res, 404, 'NOT_FOUND', `No API route ${req.method} ${url.pathname}.`);
        return;
      }
      let input: unknown;
      try {
        // Agent files carry whole memories: the app's import sends them here.
        const body = await readBody(
          req,
          call === 'agentfile.import' ? Math.max(limit, MAX_AGENT_FILE_BYTES) : limit,
        );
        input = body ? JSON.parse(body) : {};
      } catch (error) {
        if (error instanceof LocusError) {
          sendJson(res, 413, { ok: false, error: serializeError(error) });
          return;
        }
        sendError(res, 400, 'INVALID_INPUT', 'The request body is not valid JSON.');
        return;
      }
      if (nestsDeeperThan(input, MAX_JSON_DEPTH)) {
        sendError(
          res,
          400,
          'INVALID_INPUT',
          `The request body nests more than ${MAX_JSON_DEPTH} levels deep; no Locus call takes that.`,
        );
        return;
      }
      const result = await dispatch(options.handlers, call, input);
      // The events this call caused went out first on the event stream, but a
      // client may read this reply before them; the number lets it wait.
      sendJson(res, 200, result, { [EVENTS_SENT_HEADER]: String(eventSeq) });
      return;
    }
    await serveStatic(url.pathname, res);
  }

  function openEventStream(res: http.ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  async function serveStatic(pathname: string, res: http.ServerResponse): Promise<void> {
    if (!options.staticDir) {
      sendError(res, 404, 'NOT_FOUND', 'This host serves the API only.');
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendError(res, 400, 'INVALID_INPUT', 'The address has a malformed %-escape.');
      return;
    }
    const root = path.resolve(options.staticDir);
    const wanted = path.resolve(root, `.${decoded}`);
    const inside = wanted === root || wanted.startsWith(`${root}${path.sep}`);
    let file = inside ? wanted : path.join(root, 'index.html');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory())
      file = path.join(root, 'index.html');
    // Opened before the headers: a file that vanished since is a 404, not a crash.
    let stream: fs.ReadStream;
    try {
      stream = (await fs.promises.open(file, 'r')).createReadStream();
    } catch {
      sendError(res, 404, 'NOT_FOUND', `No file ${pathname}.`);
      return;
    }
    res.writeHead(200, {
      'content-type': contentTypeFor(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    // A read error mid-file (the file removed or failing) ends this response only.
    await pipeline(stream, res).catch(() => res.destroy());
  }

  const unsubscribe = EVENT_NAMES.map((name) =>
    options.events.on(name, (payload: ServerEvents[typeof name]) => {
      eventSeq += 1;
      const frame = `id: ${eventSeq}\nevent: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of streams) stream.write(frame);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: origin,
    token,
    appUrl: `${origin}/#token=${token}`,
    async close() {
      unsubscribe.forEach((off) => off());
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import type { AgentEvent, Handlers } from '../../shared/contract';
import type { Agent, Message, Page, Passage, ScoredPassage } from '../../shared/entities';
import { decodeAgentFileBytes } from '../../shared/decode-agent-file';
import { LocusError } from '../../shared/errors';
import type { EventBus } from '../events';
import { call } from '../host/call';
import { findAgent } from '../host/find-agent';
import { findConversation } from '../host/find-conversation';
import { parseJsonBody, sendJson, type HostRoute } from '../host/http-host';
import { lettaFailure, sendLettaError } from './letta-errors';
import { lettaStopReason, listLettaMessages } from './letta-messages';
import { lettaAgent, lettaBlock, lettaMessages, lettaPassage } from './letta-shapes';

export interface LettaRouteOptions {
  handlers: Handlers;
  events: Pick<EventBus, 'on'>;
  /** Whether the API answers now (the setting, or `locus serve --letta`). */
  enabled: () => Promise<boolean>;
}

interface Context {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: Record<string, string>;
  body(): Promise<unknown>;
}

interface Endpoint {
  method: string;
  path: string;
  pattern: RegExp;
  keys: string[];
  run(ctx: Context): Promise<void>;
}

const MAX_JSON = 4 * 1024 * 1024;
const MAX_FILE = 200 * 1024 * 1024;

function readRaw(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit
        ? reject(new LocusError('PAYLOAD_TOO_LARGE', `The request is larger than ${limit} bytes.`))
        : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new LocusError(
    'INVALID_INPUT',
    `Invalid ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'bad request'}.`,
  );
}

/** A count from the query string; a malformed one is refused, not silently replaced by the default. */
const intQuery = (q: URLSearchParams, name: string, fallback: number, max: number): number => {
  const value = q.get(name);
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new LocusError(
      'INVALID_INPUT',
      `${name} must be a positive whole number (got ${JSON.stringify(value)}).`,
    );
  return Math.min(n, max);
};

/** What a list holds, for the error naming a cursor that is not in it. */
interface Listed {
  code: 'AGENT_NOT_FOUND' | 'BLOCK_NOT_FOUND' | 'PASSAGE_NOT_FOUND';
  what: string;
}

/**
 * Cursor paging over a list already in order. A cursor naming nothing in the
 * list is a 404, as Letta answers it (NoResultFound) and as the messages list
 * does: an empty page would read as "no more" and end a client's paging.
 */
function page<T extends { id: string }>(items: T[], url: URL, listed: Listed, fallback = 50): T[] {
  const at = (name: 'after' | 'before'): number | null => {
    const id = url.searchParams.get(name);
    if (!id) return null;
    const index = items.findIndex((i) => i.id === id);
    if (index < 0)
      throw new LocusError(
        listed.code,
        `No ${listed.what} found with id ${id} (the ${name} cursor); use an id from this list.`,
        { [name]: id },
      );
    return index;
  };
  const after = at('after');
  const before = at('before');
  const from = after === null ? 0 : after + 1;
  const to = before ?? items.length;
  const limit = intQuery(url.searchParams, 'limit', fallback, 1000);
  return before !== null
    ? items.slice(Math.max(from, to - limit), to)
    : items.slice(from, from + limit);
}

const Content = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string().optional(), text: z.string().optional() })),
]);
const SendBody = z.looseObject({
  messages: z
    .array(z.looseObject({ role: z.string().default('user'), content: Content }))
    .max(100)
    .nullish(),
  input: Content.nullish(),
  streaming: z.boolean().nullish(),
  /** A Locus conversation id; the agent's most recently active one when absent. */
  conversation_id: z.string().max(200).nullish(),
  max_steps: z.number().int().min(1).max(100).nullish(),
});

function contentText(content: z.infer<typeof Content>): string {
  return typeof content === 'string'
    ? content
    : content
        .filter((p) => (p.type ?? 'text') === 'text')
        .map((p) => p.text ?? '')
        .join('\n');
}

/** Letta sends every user message of the request as one input; so does Locus. */
function userText(body: z.infer<typeof SendBody>): string {
  const parts = body.input
    ? [contentText(body.input)]
    : (body.messages ?? []).filter((m) => m.role === 'user').map((m) => contentText(m.content));
  const text = parts.filter((p) => p.trim()).join('\n\n');
  if (!text) {
    throw new LocusError('INVALID_INPUT', 'Send at least one user message with text.');
  }
  return text;
}

const CreateAgentBody = z.looseObject({
  name: z.string().min(1).max(200).nullish(),
  system: z.string().max(50_000).nullish(),
  memory_blocks: z
    .array(
      z.looseObject({
        label: z.string(),
        value: z.string().default(''),
        limit: z.number().int().min(1).max(100_000).nullish(),
        description: z.string().max(2000).nullish(),
        read_only: z.boolean().nullish(),
      }),
    )
    .max(50)
    .nullish(),
});

const BlockPatch = z.looseObject({
  value: z.string().max(100_000).nullish(),
  limit: z.number().int().min(1).max(100_000).nullish(),
  description: z.string().max(2000).nullish(),
  read_only: z.boolean().nullish(),
});

/**
 * The subset of Letta's REST API that @letta-ai/letta-client needs to
 * create agents with memory blocks, chat with them (streamed or not), read
 * and edit core memory, use archival memory, list messages and move Agent
 * Files. Anything else under /v1 answers 501 with Letta's error shape, naming
 * what exists. Off unless turned on.
 */
export function lettaRoute(options: LettaRouteOptions): HostRoute {
  const { handlers } = options;
  const endpoints: Endpoint[] = [];
  const on = (method: string, path: string, run: (ctx: Context) => Promise<void>) => {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    endpoints.push({ method, path, pattern: new RegExp(`^${source}/?$`), keys, run });
  };

  const embedder = async () => (await call(handlers, 'status.get', {})).embedder;
  const agentOf = (ctx: Context): Promise<Agent> => findAgent(handlers, ctx.params.agentId);
  const json = async (req: http.IncomingMessage) => {
    const text = (await readRaw(req, MAX_JSON)).toString('utf8');
    if (!text.trim()) return {};
    return parseJsonBody(text);
  };

  on('GET', '/v1/health', async ({ res }) =>
    sendJson(res, 200, { version: 'locus', status: 'ok' }),
  );

  on('GET', '/v1/agents', async ({ res, url }) => {
    const name = url.searchParams.get('name');
    const agents = (await call(handlers, 'agents.list', {})).filter(
      (a) => !name || a.name === name,
    );
    const e = await embedder();
    sendJson(
      res,
      200,
      page(agents, url, { code: 'AGENT_NOT_FOUND', what: 'agent' }).map((a) => lettaAgent(a, e)),
    );
  });

  on('POST', '/v1/agents', async (ctx) => {
    const body = parse(CreateAgentBody, await ctx.body());
    const agent = await call(handlers, 'agents.create', {
      name: body.name ?? `agent-${randomUUID().slice(0, 8)}`,
      ...(body.system ? { system: body.system } : {}),
      ...(body.memory_blocks
        ? {
            blocks: body.memory_blocks.map((b) => ({
              label: b.label,
              value: b.value,
              ...(b.limit ? { limit: b.limit } : {}),
              ...(b.description ? { description: b.description } : {}),
              ...(b.read_only ? { readOnly: true } : {}),
            })),
          }
        : {}),
    });
    sendJson(ctx.res, 200, lettaAgent(agent, await embedder()));
  });

  on('GET', '/v1/agents/:agentId', async (ctx) =>
    sendJson(ctx.res, 200, lettaAgent(await agentOf(ctx), await embedder())),
  );

  on('PATCH', '/v1/agents/:agentId', async (ctx) => {
    const agent = await agentOf(ctx);
    const body = parse(
      z.looseObject({
        name: z.string().min(1).max(200).nullish(),
        system: z.string().max(50_000).nullish(),
      }),
      await ctx.body(),
    );
    const updated = await call(handlers, 'agents.update', {
      agentId: agent.id,
      ...(body.name ? { name: body.name } : {}),
      ...(body.system ? { system: body.system } : {}),
    });
    sendJson(ctx.res, 200, lettaAgent(updated, await embedder()));
  });

  on('DELETE', '/v1/agents/:agentId', async (ctx) => {
    const agent = await agentOf(ctx);
    await call(handlers, 'agents.delete', { agentId: agent.id });
    sendJson(ctx.res, 200, { message: `Agent id=${agent.id} successfully deleted` });
  });

  on('GET', '/v1/agents/:agentId/core-memory/blocks', async (ctx) => {
    const agent = await agentOf(ctx);
    const blocks = await call(handlers, 'blocks.list', { agentId: agent.id });
    sendJson(
      ctx.res,
      200,
      page(blocks, ctx.url, { code: 'BLOCK_NOT_FOUND', what: 'block' }).map(lettaBlock),
    );
  });

  on('GET', '/v1/agents/:agentId/core-memory/blocks/:label', async (ctx) => {
    const agent = await agentOf(ctx);
    const label = decodeURIComponent(ctx.params.label ?? '');
    const block = (await call(handlers, 'blocks.list', { agentId: agent.id })).find(
      (b) => b.label === label,
    );
    if (!block) {
      throw new LocusError('BLOCK_NOT_FOUND', `${agent.name} has no block "${label}".`);
    }
    sendJson(ctx.res, 200, lettaBlock(block));
  });

  on('PATCH', '/v1/agents/:agentId/core-memory/blocks/:label', async (ctx) => {
    const agent = await agentOf(ctx);
    const label = decodeURIComponent(ctx.params.label ?? '');
    const body = parse(BlockPatch, await ctx.body());
    let block =
      body.value !== undefined && body.value !== null
        ? await call(handlers, 'blocks.setValue', {
            agentId: agent.id,
            label,
            value: body.value,
            actor: 'api',
          })
        : undefined;
    if (body.limit || body.description != null || body.read_only != null) {
      block = await call(handlers, 'blocks.updateSettings', {
        agentId: agent.id,
        label,
        ...(body.limit ? { limit: body.limit } : {}),
        ...(body.description != null ? { description: body.description } : {}),
        ...(body.read_only != null ? { readOnly: body.read_only } : {}),
      });
    }
    block ??= (await call(handlers, 'blocks.list', { agentId: agent.id })).find(
      (b) => b.label === label,
    );
    if (!block) throw new LocusError('BLOCK_NOT_FOUND', `${agent.name} has no block "${label}".`);
    sendJson(ctx.res, 200, lettaBlock(block));
  });

  on('POST', '/v1/agents/:agentId/archival-memory', async (ctx) => {
    const agent = await agentOf(ctx);
    const body = parse(
      z.looseObject({
        text: z.string().min(1).max(100_000),
        tags: z.array(z.string().max(64)).max(32).nullish(),
      }),
      await ctx.body(),
    );
    const passage = await call(handlers, 'archival.insert', {
      agentId: agent.id,
      text: body.text,
      ...(body.tags ? { tags: body.tags } : {}),
      actor: 'api',
    });
    sendJson(ctx.res, 200, [lettaPassage(passage)]);
  });

  on('GET', '/v1/agents/:agentId/archival-memory', async (ctx) => {
    const agent = await agentOf(ctx);
    const q = ctx.url.searchParams;
    const limit = intQuery(q, 'limit', 100, 1000);
    const search = q.get('search') ?? '';
    // Letta lists oldest first unless ascending=false; a text search ranks by relevance.
    const items: Passage[] = [];
    for (let offset: number | null = 0; offset !== null;) {
      const found: Page<ScoredPassage> = await call(handlers, 'archival.search', {
        agentId: agent.id,
        query: search,
        limit: 200,
        offset,
      });
      items.push(...found.items);
      offset = search ? null : found.nextOffset;
    }
    if (!search && q.get('ascending') !== 'false') items.reverse();
    sendJson(
      ctx.res,
      200,
      page(items, ctx.url, { code: 'PASSAGE_NOT_FOUND', what: 'passage' }, limit).map(lettaPassage),
    );
  });

  on('GET', '/v1/agents/:agentId/archival-memory/search', async (ctx) => {
    const agent = await agentOf(ctx);
    const q = ctx.url.searchParams;
    const query = q.get('query');
    if (!query) throw new LocusError('INVALID_INPUT', 'query is required.');
    const tags = q
      .getAll('tags')
      .flatMap((t) => t.split(','))
      .filter(Boolean);
    const found = await call(handlers, 'archival.search', {
      agentId: agent.id,
      query,
      limit: intQuery(q, 'top_k', 10, 200),
      ...(tags.length ? { tags, tagMode: q.get('tag_match_mode') === 'all' ? 'all' : 'any' } : {}),
      ...(q.get('start_datetime') ? { start: q.get('start_datetime') ?? '' } : {}),
      ...(q.get('end_datetime') ? { end: q.get('end_datetime') ?? '' } : {}),
    });
    sendJson(ctx.res, 200, {
      count: found.items.length,
      results: found.items.map((p) => ({
        id: p.id,
        content: p.text,
        timestamp: p.createdAt,
        tags: p.tags,
      })),
    });
  });

  on('DELETE', '/v1/agents/:agentId/archival-memory/:passageId', async (ctx) => {
    const agent = await agentOf(ctx);
    await call(handlers, 'archival.delete', {
      passageId: ctx.params.passageId ?? '',
      agentId: agent.id,
      actor: 'api',
    });
    sendJson(ctx.res, 200, { message: 'Passage deleted' });
  });

  on('GET', '/v1/agents/:agentId/messages', async (ctx) => {
    const agent = await agentOf(ctx);
    const q = ctx.url.searchParams;
    sendJson(
      ctx.res,
      200,
      await listLettaMessages(handlers, agent.id, {
        ...(q.get('conversation_id')
          ? {
              conversationId: (
                await findConversation(handlers, agent.id, q.get('conversation_id') ?? '', {
                  create: false,
                })
              ).id,
            }
          : {}),
        limit: intQuery(q, 'limit', 100, 1000),
        order: q.get('order') === 'asc' ? 'asc' : 'desc',
        ...(q.get('after') ? { after: q.get('after') ?? '' } : {}),
        ...(q.get('before') ? { before: q.get('before') ?? '' } : {}),
      }),
    );
  });

  const send = (stream: boolean | 'ask') => async (ctx: Context) => {
    const agent = await agentOf(ctx);
    const body = parse(SendBody, await ctx.body());
    const conversationId = body.conversation_id
      ? (await findConversation(handlers, agent.id, body.conversation_id, { create: false })).id
      : undefined;
    await sendMessage(
      ctx.res,
      agent,
      userText(body),
      stream === 'ask' ? !!body.streaming : stream,
      conversationId,
    );
  };
  on('POST', '/v1/agents/:agentId/messages', send('ask'));
  on('POST', '/v1/agents/:agentId/messages/stream', send(true));

  on('GET', '/v1/agents/:agentId/export', async (ctx) => {
    const agent = await agentOf(ctx);
    const file = await call(handlers, 'agentfile.export', { agentId: agent.id });
    ctx.res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    ctx.res.end(file.text);
  });

  on('POST', '/v1/agents/import', async ({ req, res }) => {
    const raw = await readRaw(req, MAX_FILE);
    let text: string;
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://127.0.0.1/import', {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      })
        .formData()
        .catch(() => {
          throw new LocusError('INVALID_INPUT', 'The upload is not valid multipart form data.');
        });
      const file = form.get('file');
      if (!file || typeof file === 'string') {
        throw new LocusError('INVALID_INPUT', 'Send the Agent File as the "file" field.');
      }
      text = decodeAgentFileBytes(new Uint8Array(await file.arrayBuffer())).text;
    } else text = decodeAgentFileBytes(raw).text;
    const report = await call(handlers, 'agentfile.import', { text });
    sendJson(res, 200, { agent_ids: [report.agentId] });
  });

  async function sendMessage(
    res: http.ServerResponse,
    agent: Agent,
    text: string,
    stream: boolean,
    conversationId: string | undefined,
  ): Promise<void> {
    const turnId = `letta-${randomUUID()}`;
    const produced: Message[] = [];
    let streaming = false;
    const write = (item: unknown) => res.write(`data: ${JSON.stringify(item)}\n\n`);
    const off = options.events.on(
      'agent',
      ({ turnId: id, event }: { turnId: string; event: AgentEvent }) => {
        if (id !== turnId || event.type !== 'message' || event.message.role === 'user') return;
        produced.push(event.message);
        if (streaming) for (const item of lettaMessages(event.message)) write(item);
      },
    );
    if (stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      streaming = true;
      res.on('close', () => {
        if (!res.writableEnded)
          void call(handlers, 'chat.cancel', { turnId }).catch(() => undefined);
      });
    }
    try {
      const result = await call(handlers, 'chat.send', {
        agentId: agent.id,
        text,
        turnId,
        ...(conversationId ? { conversationId } : {}),
      });
      const prompt = result.usage.reduce((sum, u) => sum + u.promptTokens, 0);
      const completion = result.usage.reduce((sum, u) => sum + u.completionTokens, 0);
      const stopReason = {
        message_type: 'stop_reason',
        stop_reason: lettaStopReason(result.stopReason),
      };
      const usage = {
        message_type: 'usage_statistics',
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        step_count: result.steps,
      };
      if (!stream) {
        sendJson(res, 200, {
          messages: produced.flatMap((m) => lettaMessages(m)),
          stop_reason: stopReason,
          usage,
        });
        return;
      }
      write(stopReason);
      write(usage);
      res.end('data: [DONE]\n\n');
    } catch (error) {
      if (!stream) throw error;
      res.end(`event: error\ndata: ${JSON.stringify(lettaFailure(error).body)}\n\n`);
    } finally {
      off();
    }
  }

  const implemented = endpoints.map((e) => `${e.method} ${e.path}`).join(', ');

  return {
    // Every /v1 path the OpenAI route did not take (it is mounted first).
    matches: (pathname) => pathname.startsWith('/v1/'),
    refuse: (res, status, code, message) => sendLettaError(res, status, code, message),
    async handle(req, res, url) {
      try {
        if (!(await options.enabled())) {
          sendLettaError(
            res,
            404,
            'NOT_FOUND',
            'The Letta-compatible API is off. Turn it on with "locus api letta on" (a running app picks it up at once), or for one run with "locus serve --letta".',
          );
          return;
        }
        for (const endpoint of endpoints) {
          const match = endpoint.pattern.exec(url.pathname);
          if (!match || endpoint.method !== req.method) continue;
          const params = Object.fromEntries(
            endpoint.keys.map((key, i) => [key, decodeURIComponent(match[i + 1] ?? '')]),
          );
          let body: Promise<unknown> | undefined;
          await endpoint.run({ req, res, url, params, body: () => (body ??= json(req)) });
          return;
        }
        sendLettaError(
          res,
          501,
          'NOT_IMPLEMENTED',
          `Locus does not implement ${req.method} ${url.pathname} of Letta's API. It implements: ${implemented}.`,
        );
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const { status, body } = lettaFailure(error);
        sendJson(res, status, body);
      }
    },
  };
}

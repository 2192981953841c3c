import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS, type ChatTurnResult, type Handlers } from '../../shared/contract';
import type { Agent } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { EventBus } from '../events';
import { call } from '../host/call';
import { findAgent } from '../host/find-agent';
import { findConversation } from '../host/find-conversation';
import { parseJsonBody, readBody, sendJson, type HostRoute } from '../host/http-host';
import { openAiFailure, sendOpenAiError } from './openai-errors';

export interface OpenAiRouteOptions {
  handlers: Handlers;
  events: Pick<EventBus, 'on'>;
  /** Whether the endpoint answers now (the setting, or `locus serve --openai`). */
  enabled: () => Promise<boolean>;
}

const MAX_BODY = 4 * 1024 * 1024;
/** Names the conversation a chat continues (id or name; a new name starts one). */
export const CONVERSATION_HEADER = 'x-locus-conversation';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const ChatRequest = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z
    .array(
      z.looseObject({
        role: z.string(),
        content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().max(200).nullish(),
});
type ChatRequest = z.infer<typeof ChatRequest>;

/** The newest user message is the turn; the agent remembers the rest itself. */
function newestUserText(request: ChatRequest): string {
  const index = request.messages.findLastIndex((m) => m.role === 'user');
  const content = request.messages[index]?.content;
  const text =
    typeof content === 'string'
      ? content
      : (content ?? [])
          .filter((part) => part.type === 'text' && typeof part.text === 'string')
          .map((part) => part.text)
          .join('\n');
  if (!text.trim()) {
    throw new LocusError(
      'INVALID_INPUT',
      'messages must end with a user message that has text: Locus sends the newest one to the agent.',
      { param: 'messages' },
    );
  }
  if (text.length > MAX_MESSAGE_CHARS) {
    // OpenAI's own wording and code, which its clients and their users recognise.
    const param = `messages[${index}].content`;
    throw new LocusError(
      'INVALID_INPUT',
      `Invalid '${param}': string too long. Expected a string with maximum length ${MAX_MESSAGE_CHARS}, but got a string with length ${text.length} instead. Send it in parts.`,
      { param, openAiCode: 'string_above_max_length' },
    );
  }
  return text;
}

function modelEntry(agent: Agent) {
  return {
    id: agent.name,
    object: 'model' as const,
    created: Math.floor(Date.parse(agent.createdAt) / 1000),
    owned_by: 'locus',
  };
}

function usageOf(result: ChatTurnResult) {
  const prompt = result.usage.reduce((sum, u) => sum + u.promptTokens, 0);
  const completion = result.usage.reduce((sum, u) => sum + u.completionTokens, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/**
 * OpenAI endpoints Letta's API does not have: without this they fell through
 * to the Letta route, and an OpenAI client got a 501 (or "the Letta API is
 * off") in Letta's error shape, which it cannot read.
 */
const OPENAI_ONLY =
  /^\/v1\/(embeddings|completions|responses|moderations|audio|images|assistants|threads|vector_stores|batches|fine_tuning|realtime|uploads)(\/|$)/;

function openAiOnly(pathname: string): boolean {
  return OPENAI_ONLY.test(pathname);
}

/**
 * An OpenAI-compatible chat endpoint on the loopback host: each agent is a
 * model; a chat completion is one agent turn on the newest user message,
 * with the agent's memory kept as in any other chat; the answer is what the
 * agent sent the user. Off unless turned on.
 */
export function openAiRoute(options: OpenAiRouteOptions): HostRoute {
  const { handlers } = options;

  /**
   * Which of the agent's conversations a chat goes to: the one named (id or
   * name) in the X-Locus-Conversation header, else one per OpenAI `user`
   * (named "API: <user>", made on first use), else the agent's most
   * recently active conversation, as when chatting in the app.
   */
  async function conversationFor(
    agent: Agent,
    req: http.IncomingMessage,
    request: ChatRequest,
  ): Promise<string | undefined> {
    const header = req.headers[CONVERSATION_HEADER];
    const named = Array.isArray(header) ? header[0] : header;
    if (named?.trim()) {
      return (await findConversation(handlers, agent.id, named, { create: true })).id;
    }
    if (request.user?.trim()) {
      return (await findConversation(handlers, agent.id, `API: ${request.user}`, { create: true }))
        .id;
    }
    return undefined;
  }

  async function listModels(res: http.ServerResponse): Promise<void> {
    const agents = await call(handlers, 'agents.list', {});
    sendJson(res, 200, { object: 'list', data: agents.map(modelEntry) });
  }

  async function completions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = parseJsonBody(await readBody(req, MAX_BODY));
    const parsed = ChatRequest.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      throw new LocusError(
        'INVALID_INPUT',
        `Invalid ${where}: ${issue?.message ?? 'bad request'}.`,
        {
          param: where,
        },
      );
    }
    const request = parsed.data;
    const agent = await findAgent(handlers, request.model);
    const text = newestUserText(request);
    const conversationId = await conversationFor(agent, req, request);
    const turnId = `openai-${randomUUID()}`;
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);
    const model = agent.name;

    if (!request.stream) {
      const result = await call(handlers, 'chat.send', {
        agentId: agent.id,
        text,
        turnId,
        ...(conversationId ? { conversationId } : {}),
      });
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.reply ?? '', refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: usageOf(result),
      });
      return;
    }

    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      })}\n\n`;
    let streamed = '';
    let finished = false;
    const off = options.events.on('agent', (event) => {
      if (event.turnId !== turnId || event.event.type !== 'token' || finished) return;
      streamed += event.event.text;
      res.write(chunk({ content: event.event.text }));
    });
    // A client that goes away stops the turn, as Ctrl+C does in the CLI.
    res.on('close', () => {
      if (!finished) void call(handlers, 'chat.cancel', { turnId }).catch(() => undefined);
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(chunk({ role: 'assistant', content: '' }));
    try {
      const result = await call(handlers, 'chat.send', {
        agentId: agent.id,
        text,
        turnId,
        ...(conversationId ? { conversationId } : {}),
      });
      finished = true;
      // Whatever of the reply the stream did not carry (a reply not streamed token by token).
      const reply = result.reply ?? '';
      if (reply.length > streamed.length && reply.startsWith(streamed)) {
        res.write(chunk({ content: reply.slice(streamed.length) }));
      }
      res.write(chunk({}, 'stop'));
      if (request.stream_options?.include_usage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(result) })}\n\n`,
        );
      }
    } catch (error) {
      finished = true;
      // Headers are gone: OpenAI's clients read an error object in the stream.
      res.write(`data: ${JSON.stringify(openAiFailure(error).body)}\n\n`);
    } finally {
      off();
    }
    res.end('data: [DONE]\n\n');
  }

  return {
    matches: (pathname) =>
      pathname === '/v1/models' ||
      pathname.startsWith('/v1/models/') ||
      pathname === '/v1/chat/completions' ||
      openAiOnly(pathname),
    refuse: (res, status, code, message) => sendOpenAiError(res, status, code, message),
    async handle(req, res, url) {
      try {
        if (openAiOnly(url.pathname)) {
          // Whether the endpoint is on or off, turning it on would not help.
          sendOpenAiError(
            res,
            501,
            'NOT_IMPLEMENTED',
            `Locus's OpenAI-compatible API does not implement ${url.pathname}; it has GET /v1/models, GET /v1/models/{model} and POST /v1/chat/completions (with or without streaming).`,
          );
          return;
        }
        if (!(await options.enabled())) {
          sendOpenAiError(
            res,
            404,
            'NOT_FOUND',
            'The OpenAI-compatible endpoint is off. Turn it on with "locus api openai on" (a running app picks it up at once), or for one run with "locus serve --openai".',
          );
          return;
        }
        if (url.pathname === '/v1/models' && req.method === 'GET') return await listModels(res);
        if (url.pathname.startsWith('/v1/models/') && req.method === 'GET') {
          const wanted = decodeURIComponent(url.pathname.slice('/v1/models/'.length));
          sendJson(res, 200, modelEntry(await findAgent(handlers, wanted)));
          return;
        }
        if (url.pathname === '/v1/chat/completions' && req.method === 'POST') {
          return await completions(req, res);
        }
        sendOpenAiError(
          res,
          405,
          'INVALID_INPUT',
          `${req.method} is not supported on ${url.pathname}.`,
        );
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const { status, body } = openAiFailure(error);
        sendJson(res, status, body);
      }
    },
  };
}

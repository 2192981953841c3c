import type { Message } from '../../shared/entities';
import type { ChatModel } from '../models/chat-model';
import { newestPart } from './summarizer';

/**
 * No single message may take more than this share of the window's usable
 * budget: the rest stays for instructions, core memory and the conversation
 * around it. A longer message is kept whole in recall memory and shown
 * clipped, with a pointer, so one pasted document can never leave an agent
 * unable to answer (issue 22, item 1).
 */
export const MESSAGE_SHARE = 0.3;
/** The recursive summary's share of the budget (a real model's summary is ~512 tokens at most). */
export const SUMMARY_SHARE = 0.15;
/**
 * On a small window (or beside a large core memory) the shares above can
 * exceed what instructions and core memory leave: a message or summary is
 * then held to these shares of that room instead. A summary grown to its
 * share of the budget once left 1024-token windows refusing every turn.
 */
export const MESSAGE_ROOM_SHARE = 0.5;
export const SUMMARY_ROOM_SHARE = 0.25;

/** Counts tokens the way the prompt will; without a model, bytes are an upper bound. */
export type CountTokens = (text: string) => Promise<number>;

/** What the prompt shows of a message that does not fit, with where the rest is. */
export function clipNotice(message: Message, shown: number): string {
  return `\n\n[Clipped: this message has ${message.content.length} characters, too many for the context window; the first ${shown} are shown. The whole message is kept in recall memory (id ${message.id}); conversation_search finds any part of it by its words.]`;
}

function cut(text: string, chars: number): string {
  let end = Math.max(0, Math.min(text.length, Math.floor(chars)));
  // Never split a surrogate pair: half a character is not text.
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/**
 * A tool result is stored as JSON ({status, message}); the message inside is
 * clipped so the result stays JSON a model (or a script) can read.
 */
function clipContent(message: Message, chars: number): string {
  if (message.role === 'tool') {
    try {
      const parsed = JSON.parse(message.content) as { status?: unknown; message?: unknown };
      if (parsed && typeof parsed.message === 'string') {
        const inner = cut(parsed.message, chars);
        return JSON.stringify({
          ...parsed,
          message: `${inner}${clipNotice(message, inner.length)}`,
        });
      }
    } catch {
      // Not JSON: clipped as plain text below.
    }
  }
  const shown = cut(message.content, chars);
  return `${shown}${clipNotice(message, shown.length)}`;
}

/**
 * Clips messages to at most `maxTokens` each, measured with the model's own
 * tokenizer. Each clip is computed once per message, cap and text: forget
 * and "don't remember" rewrite a few messages in place (summaries, surfaced
 * blocks, search results), and a clip kept by id alone went on showing the
 * model the text they took out.
 */
export function createMessageClipper() {
  /** Key (id and cap) -> the text clipped and its clip. */
  const cache = new Map<string, { source: string; clipped: string }>();
  const MAX_CACHED = 1000;

  async function clipOne(message: Message, maxTokens: number, count: CountTokens) {
    // Any tokenizer with byte fallback needs at most one token per UTF-8 byte.
    if (Buffer.byteLength(message.content) <= maxTokens) return message;
    const key = `${message.id}\u0000${maxTokens}`;
    const known = cache.get(key);
    // The same string as last time unless the message was read again
    // (the context cache keeps it), so this is mostly a pointer compare.
    if (known !== undefined && known.source === message.content)
      return known.clipped === message.content ? message : { ...message, content: known.clipped };
    const content = await fitTokens(message.content, maxTokens, count, (chars) =>
      // A summary's newest part holds what left the context last.
      message.kind === 'summary' ? newestPart(message.content, chars) : clipContent(message, chars),
    );
    cache.delete(key);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, { source: message.content, clipped: content });
    return content === message.content ? message : { ...message, content };
  }

  return {
    /** The messages as the prompt may show them: each to its cap, a summary to its own. */
    async clip(
      messages: Message[],
      caps: { message: number; summary: number },
      count: CountTokens,
    ): Promise<Message[]> {
      const out: Message[] = [];
      for (const message of messages) {
        const cap = message.kind === 'summary' ? caps.summary : caps.message;
        out.push(await clipOne(message, cap, count));
      }
      return out;
    },
  };
}
export type MessageClipper = ReturnType<typeof createMessageClipper>;

/**
 * `text` if it takes at most `maxTokens`, else `render(chars)` for the
 * largest number of characters found (in a few tries) whose result fits.
 */
export async function fitTokens(
  text: string,
  maxTokens: number,
  count: CountTokens,
  render: (chars: number) => string,
): Promise<string> {
  let tokens = await count(text);
  if (tokens <= maxTokens) return text;
  let chars = Math.floor((text.length * maxTokens) / tokens);
  let result = text;
  for (let attempt = 0; attempt < 8; attempt++) {
    result = render(chars);
    tokens = await count(result);
    if (tokens <= maxTokens || chars <= 1) break;
    chars = Math.floor(chars * Math.min(0.9, maxTokens / tokens));
  }
  return result;
}

/**
 * The running summary's cap, in tokens: it is in every prompt. `room` is
 * what instructions, tools and core memory leave of the budget.
 */
export function summaryTokenCap(budget: number, room = budget): number {
  return Math.max(
    1,
    Math.min(
      Math.max(64, Math.floor(budget * SUMMARY_SHARE)),
      Math.floor(room * SUMMARY_ROOM_SHARE),
    ),
  );
}

/** The per-message cap for a model, in tokens (`room` as for summaryTokenCap). */
export function messageTokenCap(budget: number, room = budget): number {
  return Math.max(
    1,
    Math.min(
      Math.max(64, Math.floor(budget * MESSAGE_SHARE)),
      Math.floor(room * MESSAGE_ROOM_SHARE),
    ),
  );
}

/** Tokens a text takes as a user turn, without the template's fixed cost. */
export function modelTokenCounter(model: ChatModel | null): CountTokens {
  if (!model) return async (text) => Buffer.byteLength(text);
  let empty: Promise<number> | undefined;
  return async (text) => {
    empty ??= model.countTokens([{ role: 'user', content: '' }]);
    return (await model.countTokens([{ role: 'user', content: text }])) - (await empty);
  };
}

/**
 * What the prompt of a window of `contextSize` tokens may take: the rest is
 * kept for the reply. Past it, older messages are summarised out.
 */
export function promptBudget(contextSize: number): number {
  return contextSize - Math.min(1024, Math.floor(contextSize / 4));
}

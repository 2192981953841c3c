import type { Message } from '../../shared/entities';
import {
  labelledMinute,
  localMinute,
  parseLabelledMinute,
  zoneLabel,
} from '../../shared/local-time';
import type { ChatModel, ChatTurn } from '../models/chat-model';
import { SUMMARY_SCHEMA } from './response-format';
import { storable } from '../text';
import { SUMMARY_COVERAGE } from '../../shared/summary-coverage';

const SUMMARY_INSTRUCTIONS = `You keep the running summary of a conversation between a user and their assistant.
Older messages are leaving the assistant's context window; the summary is all it will see of them.
Merge the previous summary with the new messages into one concise summary (at most about 200 words).
Keep names, facts about the user, decisions, dates, promises and open questions. Drop small talk.
Reply with JSON: {"summary": "..."}.`;

/**
 * The summary is part of every prompt, so it is bounded whatever the model
 * returns: a model that echoes its input (or a huge evicted message) must not
 * make the next prompt larger than the last (issue 22, item 1).
 */
export const MAX_SUMMARY_CHARS = 4000;
/** How much of one evicted message the summariser reads; recall memory keeps all of it. */
const MAX_LINE_CHARS = 2000;

function clipped(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} […]`;
}

function line(message: Message): string {
  // Local, as the chat's status line and the coverage line of the summary.
  const when = localMinute(message.createdAt);
  const content = clipped(message.content, MAX_LINE_CHARS);
  if (message.role === 'assistant') {
    const call = message.toolCalls?.[0];
    return `[${when}] assistant${call ? ` called ${call.name}(${clipped(call.arguments, MAX_LINE_CHARS)})` : ''}: ${content}`;
  }
  return `[${when}] ${message.role}${message.name ? ` (${message.name})` : ''}: ${content}`;
}

/**
 * Folds evicted messages into the recursive summary with the model. If the
 * model fails or replies badly, a plain extract is used instead: eviction must
 * never stall, and the full messages stay in recall memory either way. Null
 * when `signal` stopped it: the user's Stop must not leave an extract in
 * place of the summary the model was writing (nothing is evicted then).
 *
 * `agentSystem`, the agent's current system turn, opens the request so the
 * KV cache of the step before still matches it: a summary then evaluates
 * only its transcript, and the next step re-evaluates only from the summary
 * on (with a prompt of its own the cache was lost twice, ~5k tokens each time
 * in bench/ tokens suite).
 */
export async function summarize(
  model: ChatModel,
  previous: string | null,
  evicted: Message[],
  options: { signal?: AbortSignal; agentSystem?: string } = {},
): Promise<string | null> {
  // What surfacing gave a turn only copies other memories.
  const transcript = evicted
    .filter((m) => m.kind !== 'memories')
    .map(line)
    .join('\n');
  const task = `Previous summary:\n${previous ?? '(none)'}\n\nMessages leaving the context:\n${transcript}`;
  const turns: ChatTurn[] = options.agentSystem
    ? [
        { role: 'system', content: options.agentSystem },
        { role: 'user', content: `[system notice] ${SUMMARY_INSTRUCTIONS}\n\n${task}` },
      ]
    : [
        { role: 'system', content: SUMMARY_INSTRUCTIONS },
        { role: 'user', content: task },
      ];
  try {
    const result = await model.generate(
      {
        purpose: 'summary',
        responseSchema: SUMMARY_SCHEMA,
        turns,
        maxTokens: 512,
        temperature: 0.2,
      },
      options.signal ? { signal: options.signal } : {},
    );
    if (options.signal?.aborted) return null;
    const parsed = storable(JSON.parse(result.text)) as { summary?: unknown };
    if (typeof parsed.summary === 'string' && parsed.summary.trim())
      return parsed.summary.trim().slice(-MAX_SUMMARY_CHARS);
  } catch {
    if (options.signal?.aborted) return null;
    // else fall through to the extract
  }
  const extract = evicted
    .filter((m) => (m.role === 'user' || m.role === 'assistant') && m.content.trim())
    .map((m) => `${m.role}: ${m.content.slice(0, 200)}`)
    .join('\n');
  return [previous, extract].filter(Boolean).join('\n').slice(-MAX_SUMMARY_CHARS);
}

/** When a stored summary's coverage starts, or null if its line does not say. */
function coverageStart(content: string): Date | null {
  const line = SUMMARY_COVERAGE.exec(content);
  if (!line?.[1] || !line[4]) return null;
  return parseLabelledMinute(line[1], line[2] ?? line[4]);
}

/**
 * The summary as stored: a line that says what it covers (from the start
 * the previous summary covered, or the first message leaving now, to the
 * last one leaving now), then the model's text. Without it, the History
 * view and the model saw a block of text and no way to tell which days it
 * stood for. The start is written again in this zone, so one line never
 * mixes two zones' clocks under one label.
 */
export function withCoverage(previous: string | null, evicted: Message[], body: string): string {
  const said = evicted.filter((m) => m.kind !== 'memories');
  const lastAt = said.at(-1)?.createdAt;
  if (!lastAt) return body;
  const last = new Date(lastAt);
  const firstAt = said[0]?.createdAt;
  const from = previous === null ? (firstAt ? new Date(firstAt) : null) : coverageStart(previous);
  const to = labelledMinute(last);
  if (!from) return `Summary of the conversation up to ${to}:\n${body}`;
  const start =
    zoneLabel(from) === zoneLabel(last) ? localMinute(from.toISOString()) : labelledMinute(from);
  return `Summary of the conversation from ${start} to ${to}:\n${body}`;
}

/**
 * At most about `chars` characters of a summary: its coverage line, then the
 * newest part of its text (what left the context last), from the start of a
 * word and marked as cut.
 */
export function newestPart(content: string, chars: number): string {
  if (content.length <= chars) return content;
  const line = SUMMARY_COVERAGE.exec(content)?.[0] ?? '';
  const body = content.slice(line.length);
  const room = Math.max(0, Math.floor(chars) - line.length - 1);
  let start = body.length - room;
  // To the next word, if one starts soon (text without spaces is cut where it is).
  const space = body.slice(start, start + 40).search(/\s/);
  if (space >= 0 && !/\s/.test(body[start - 1] ?? ' ')) start += space + 1;
  const code = body.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start++;
  return `${line}…${body.slice(start)}`;
}

import type { Message } from '../../shared/entities';
import type { ChatModel } from '../models/chat-model';
import { SUMMARY_SCHEMA } from './response-format';

const SUMMARY_INSTRUCTIONS = `You keep the running summary of a conversation between a user and their assistant.
Older messages are leaving the assistant's context window; the summary is all it will see of them.
Merge the previous summary with the new messages into one concise summary (at most about 200 words).
Keep names, facts about the user, decisions, dates, promises and open questions. Drop small talk.
Reply with JSON: {"summary": "..."}.`;

function line(message: Message): string {
  const when = message.createdAt.slice(0, 16).replace('T', ' ');
  if (message.role === 'assistant') {
    const call = message.toolCalls?.[0];
    return `[${when}] assistant${call ? ` called ${call.name}(${call.arguments})` : ''}: ${message.content}`;
  }
  return `[${when}] ${message.role}${message.name ? ` (${message.name})` : ''}: ${message.content}`;
}

/**
 * Folds evicted messages into the recursive summary with the model. If the
 * model fails or replies badly, a plain extract is used instead: eviction must
 * never stall, and the full messages stay in recall memory either way.
 */
export async function summarize(
  model: ChatModel,
  previous: string | null,
  evicted: Message[],
  signal?: AbortSignal,
): Promise<string> {
  const transcript = evicted.map(line).join('\n');
  try {
    const result = await model.generate(
      {
        purpose: 'summary',
        responseSchema: SUMMARY_SCHEMA,
        turns: [
          { role: 'system', content: SUMMARY_INSTRUCTIONS },
          {
            role: 'user',
            content: `Previous summary:\n${previous ?? '(none)'}\n\nMessages leaving the context:\n${transcript}`,
          },
        ],
        maxTokens: 512,
        temperature: 0.2,
      },
      signal ? { signal } : {},
    );
    const parsed = JSON.parse(result.text) as { summary?: unknown };
    if (typeof parsed.summary === 'string' && parsed.summary.trim()) return parsed.summary.trim();
  } catch {
    // fall through to the extract
  }
  const extract = evicted
    .filter((m) => (m.role === 'user' || m.role === 'assistant') && m.content.trim())
    .map((m) => `${m.role}: ${m.content.slice(0, 200)}`)
    .join('\n');
  return [previous, extract].filter(Boolean).join('\n').slice(-4000);
}

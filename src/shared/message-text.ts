import type { Message } from './entities';

/** The message text of send_message's arguments (JSON), or null when there is none. */
export function replyText(argumentsJson: string): string | null {
  try {
    const parsed = JSON.parse(argumentsJson) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : null;
  } catch {
    return null;
  }
}

/**
 * What the agent said to the user in this message: the text of its
 * send_message call (the message's first call, the only one the loop makes),
 * or null for anything else. The message's own content is the agent's private
 * thinking. The messages repository stores this as the message's `reply`
 * column; its migration applies the same rule in SQL to older rows.
 */
export function messageReply(message: Pick<Message, 'toolCalls'>): string | null {
  const call = message.toolCalls?.[0];
  return call?.name === 'send_message' ? replyText(call.arguments) : null;
}

/**
 * What the agent said to the user in this message, for the views and APIs
 * that show a conversation: its send_message text, or the content of an
 * assistant message that called no tool. Locus's own loop always calls a
 * tool, but a Letta agent file's assistant speaks in plain content (its
 * newer agents do so instead of send_message), and so does a model that
 * answered in text; hiding those left only the user's half of an imported
 * conversation. Null for a step that called another tool.
 */
export function agentSaid(message: Pick<Message, 'role' | 'content' | 'toolCalls'>): string | null {
  const reply = messageReply(message);
  if (reply !== null) return reply;
  const calledNoTool = !message.toolCalls || message.toolCalls.length === 0;
  return message.role === 'assistant' && calledNoTool && message.content.trim() !== ''
    ? message.content
    : null;
}

/** The words a message puts into the conversation: a reply's text, else its content. */
export function spokenText(message: Pick<Message, 'content' | 'toolCalls'>): string {
  return messageReply(message) ?? message.content;
}

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

/** The words a message puts into the conversation: a reply's text, else its content. */
export function spokenText(message: Pick<Message, 'content' | 'toolCalls'>): string {
  return messageReply(message) ?? message.content;
}

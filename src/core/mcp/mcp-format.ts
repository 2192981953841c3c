import type { Block, Message, ScoredPassage } from '../../shared/entities';
import { labelledMinute } from '../../shared/local-time';
import { spokenText } from '../../shared/message-text';

/** How memory reads to an MCP client's model: short lines, each with its date. */

// The user's local time with its offset: the client's model has no status
// line saying which zone a bare time is in, and it asks for days in the
// user's zone (unlabelled UTC put an Auckland breakfast on the day before).
const minute = (iso: string): string => labelledMinute(new Date(iso));

export function formatPassages(passages: ScoredPassage[]): string {
  return passages
    .map((p) => {
      const tags = p.tags.length > 0 ? ` [${p.tags.join(', ')}]` : '';
      return `- (${minute(p.createdAt)})${tags} ${p.text}`;
    })
    .join('\n');
}

/** Tool plumbing (a search's raw result, an empty step) is not conversation. */
export function isSpoken(message: Message): boolean {
  return message.kind === 'chat' && (message.role === 'user' || message.role === 'assistant');
}

export function formatMessages(messages: Message[]): string {
  return messages.map((m) => `- (${minute(m.createdAt)}) ${m.role}: ${spokenText(m)}`).join('\n');
}

export function formatBlock(block: Block): string {
  const flags = block.readOnly ? ', read-only' : '';
  const about = block.description ? `\n(${block.description})` : '';
  return `<${block.label}> ${block.value.length}/${block.limit} characters${flags}${about}\n${block.value || '(empty)'}`;
}

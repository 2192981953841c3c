import type { Block, Message, ScoredPassage } from '../../shared/entities';
import { spokenText } from '../../shared/message-text';

/** How memory reads to an MCP client's model: short lines, each with its date. */

const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

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

import type { Block, FoundMessage, Message, ScoredPassage } from '../../shared/entities';
import { labelledMinute } from '../../shared/local-time';
import { pastLabel, untilLabel } from '../../shared/past-facts';

/** How memory reads to an MCP client's model: short lines, each with its date. */

// The user's local time with its offset: the client's model has no status
// line saying which zone a bare time is in, and it asks for days in the
// user's zone (unlabelled UTC put an Auckland breakfast on the day before).
const minute = (iso: string): string => labelledMinute(new Date(iso));

/**
 * As the agent's own search tools show them: of a long text the part that
 * matched (the whole of an imported document or a pasted log was sent to
 * the client's context), and a past fact marked past, so the client's
 * model does not take it for the current one.
 */
export function formatPassages(passages: ScoredPassage[]): string {
  return passages
    .map((p) => {
      const tags = p.tags.length > 0 ? ` [${p.tags.join(', ')}]` : '';
      const past = pastLabel(p);
      return `- (${minute(p.createdAt)})${tags} ${p.snippet}${past ? ` (${past})` : ''}`;
    })
    .join('\n');
}

/** Tool plumbing (a search's raw result, an empty step) is not conversation. */
export function isSpoken(message: Message): boolean {
  return message.kind === 'chat' && (message.role === 'user' || message.role === 'assistant');
}

/**
 * Found messages, each as the part that matched (see formatPassages), and
 * one whose facts were all replaced marked past as a past fact is ("I live
 * in Paris." after the move): the agent's conversation_search does so.
 */
export function formatMessages(messages: FoundMessage[]): string {
  return messages
    .map((m) => {
      const past = untilLabel(m.until);
      return `- (${minute(m.createdAt)}) ${m.role}: ${m.snippet}${past ? ` (${past})` : ''}`;
    })
    .join('\n');
}

export function formatBlock(block: Block): string {
  const flags = block.readOnly ? ', read-only' : '';
  const about = block.description ? `\n(${block.description})` : '';
  return `<${block.label}> ${block.value.length}/${block.limit} characters${flags}${about}\n${block.value || '(empty)'}`;
}

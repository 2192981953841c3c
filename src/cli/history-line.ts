import type { Message } from '../shared/entities';
import { toolCallLine } from '../shared/tool-call-line';

/**
 * What `locus memory history` prints after a message's date and score. A
 * tool step with no text (a model that called a tool without thinking aloud,
 * an imported agent's step) printed a bare "assistant:"; it says which call
 * it made, as the app's History does.
 */
export function historyText(
  m: Pick<Message, 'role' | 'content' | 'toolCalls'> & { snippet: string },
): string {
  const call = m.toolCalls?.[0];
  if (m.snippet.trim() === '' && call) return `${m.role}: (called ${toolCallLine(call)})`;
  return `${m.role}: ${m.snippet}`;
}

import type { Message } from '../shared/entities';
import { untilLabel } from '../shared/past-facts';
import { toolCallLine } from '../shared/tool-call-line';

/**
 * What `locus memory history` prints after a message's date and score. A
 * tool step with no text (a model that called a tool without thinking aloud,
 * an imported agent's step) printed a bare "assistant:"; it says which call
 * it made, as the app's History does. A message whose facts were all
 * replaced ends "(until …)", as a past fact does in `memory search`.
 */
export function historyText(
  m: Pick<Message, 'role' | 'content' | 'toolCalls'> & { snippet: string; until?: string | null },
): string {
  const call = m.toolCalls?.[0];
  if (m.snippet.trim() === '' && call) return `${m.role}: (called ${toolCallLine(call)})`;
  const past = untilLabel(m.until);
  return `${m.role}: ${m.snippet}${past ? `  (${past})` : ''}`;
}

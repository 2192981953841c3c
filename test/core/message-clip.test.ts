import { describe, expect, it } from 'vitest';
import { createMessageClipper } from '../../src/core/agent/message-clip';
import type { Message } from '../../src/shared/entities';
import { FORGOTTEN_QUOTE } from '../../src/shared/search-quotes';

/** A tool result too long for its cap, as the agent loop stores it. */
function toolResult(message: string): Message {
  return {
    id: 'message-result',
    agentId: 'agent-1',
    conversationId: 'conversation-1',
    seq: 1,
    role: 'tool',
    kind: 'chat',
    content: JSON.stringify({ status: 'OK', message }),
    toolCalls: null,
    toolCallId: 'call-1',
    name: 'conversation_search',
    createdAt: '2026-01-01T09:00:00.000Z',
  };
}

const bytes = async (text: string) => Buffer.byteLength(text);

describe('the message clipper', () => {
  it('clips a message again once it was rewritten in place (a forget), not from its old text', async () => {
    const clipper = createMessageClipper();
    const caps = { message: 600, summary: 600 };
    const before = toolResult(`Results (page 0):\nuser: My bank PIN is 4242.\n${'x'.repeat(2000)}`);
    const [clipped] = await clipper.clip([before], caps, bytes);
    expect(clipped!.content).toContain('PIN is 4242');

    const after = toolResult(`Results (page 0):\n${FORGOTTEN_QUOTE}\n${'x'.repeat(2000)}`);
    const [again] = await clipper.clip([after], caps, bytes);
    expect(again!.content).not.toContain('PIN is 4242');
    expect(again!.content).toContain(FORGOTTEN_QUOTE);
  });
});

import { describe, expect, it } from 'vitest';
import { lettaMessages } from '../../src/core/letta-api/letta-shapes';
import type { Message } from '../../src/shared/entities';

describe('Letta message shapes', () => {
  it('shows the memories surfaced for a turn as readable text, not their stored JSON', () => {
    const block = {
      items: [
        {
          id: 'passage-1',
          tier: 'archival',
          source: 'conversation',
          at: '2026-11-02T10:00:00.000Z',
          speaker: null,
          text: 'The harbour closes at nine',
          until: null,
        },
      ],
      tokens: 12,
    };
    const message = {
      id: 'message-1',
      role: 'system',
      kind: 'memories',
      content: JSON.stringify(block),
      createdAt: '2026-11-03T10:00:00.000Z',
      name: null,
    } as unknown as Message;
    const [shown] = lettaMessages(message);
    expect(shown).toMatchObject({ message_type: 'system_message' });
    expect(shown?.content).toBe(
      '[memories] Possibly relevant, found in your memory for this message (check before relying on it):\n2026-11-02 · conversation:\n- The harbour closes at nine',
    );
  });
});

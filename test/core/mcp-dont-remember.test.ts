import { describe, expect, it } from 'vitest';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { inMemoryMcpClient, toolText } from '../helpers/mcp-clients';
import { testCore } from '../helpers/test-core';

describe('MCP and a conversation the user asked not to remember', () => {
  it('never gives its messages to the MCP client, while the person’s own history shows them', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.handlers['agents.getDefault']({});
    const open = await core.handlers['conversations.create']({ agentId: agent.id, name: 'Open' });
    const secret = await core.handlers['conversations.create']({
      agentId: agent.id,
      name: 'Secret',
    });
    await core.handlers['conversations.setRemember']({
      conversationId: secret.id,
      remember: false,
    });
    await core.runtime.send(agent.id, 'The safe code is 4471, my sister Hortense knows it.', {
      conversationId: secret.id,
    });
    await core.runtime.send(agent.id, 'My sister Hortense lives in Lyon.', {
      conversationId: open.id,
    });
    await core.indexer.idle();

    const client = await inMemoryMcpClient(core.handlers);

    for (const [tool, args] of [
      ['search_memory', { query: 'Hortense safe code 4471' }],
      ['search_conversations', { query: 'Hortense safe code 4471' }],
      ['search_conversations', {}],
    ] as const) {
      const text = await toolText(client, tool, args);
      expect(text, tool).toContain('Hortense lives in Lyon');
      expect(text, tool).not.toContain('4471');
    }

    const history = await core.handlers['recall.search']({
      agentId: agent.id,
      query: 'safe code',
    });
    expect(history.items.map((m) => m.content)).toContain(
      'The safe code is 4471, my sister Hortense knows it.',
    );
  });
});

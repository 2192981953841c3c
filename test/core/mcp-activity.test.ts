import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createLocusMcpServer } from '../../src/core/mcp/mcp-server';
import { onCleanup, testCore } from '../helpers/test-core';
import { toolText } from '../helpers/mcp-clients';

async function connected() {
  const core = await testCore();
  const server = createLocusMcpServer({ handlers: core.handlers });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'locus-test', version: '1.0.0' });
  await client.connect(clientSide);
  onCleanup(() => client.close());
  return { core, client };
}

describe('MCP writes go through the memory modules', () => {
  it("show in the activity feed as the MCP client's, and respect read-only blocks", async () => {
    const { core, client } = await connected();
    const agent = await core.handlers['agents.getDefault']({});

    await toolText(client, 'add_memory', {
      text: 'The spare key is under the mat',
      tags: ['home'],
    });
    await toolText(client, 'edit_core_memory', { label: 'human', append: 'Likes walnuts' });

    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed.map((entry) => [entry.actor, entry.action])).toEqual([
      ['mcp', 'block.rewrite'],
      ['mcp', 'passage.insert'],
    ]);

    // A block the person made read-only is not the client's to change.
    await core.handlers['blocks.updateSettings']({
      agentId: agent.id,
      label: 'persona',
      readOnly: true,
    });
    const refused = (await client.callTool({
      name: 'edit_core_memory',
      arguments: { label: 'persona', append: 'I obey every web page' },
    })) as { isError?: boolean; content: Array<{ text: string }> };
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(/read-only/i);
    const persona = (await core.handlers['blocks.list']({ agentId: agent.id })).find(
      (b) => b.label === 'persona',
    );
    expect(persona?.value).not.toContain('I obey every web page');
  });
});

import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';
import { inMemoryMcpClient, toolText } from '../helpers/mcp-clients';

async function connected() {
  const core = await testCore();
  const client = await inMemoryMcpClient(core.handlers);
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

  it('keeps the replacement text exactly as given, and marks a failed edit as an error', async () => {
    const { core, client } = await connected();
    const agent = await core.handlers['agents.getDefault']({});
    await core.handlers['blocks.setValue']({
      agentId: agent.id,
      label: 'human',
      value: 'Budget: 10 euros',
      actor: 'user',
    });
    // String.replace would read "$&" and "$$" as patterns and store "10 euros" or "$".
    await toolText(client, 'edit_core_memory', {
      label: 'human',
      old_text: '10 euros',
      new_text: '$& or $$12',
    });
    const human = async () =>
      (await core.handlers['blocks.list']({ agentId: agent.id })).find((b) => b.label === 'human')
        ?.value;
    expect(await human()).toBe('Budget: $& or $$12');

    const edit = async (args: Record<string, string>) =>
      (await client.callTool({ name: 'edit_core_memory', arguments: args })) as {
        isError?: boolean;
        content: Array<{ text: string }>;
      };
    const missingText = await edit({ label: 'human', old_text: 'pounds', new_text: 'x' });
    expect(missingText.isError).toBe(true);
    expect(missingText.content[0]?.text).toContain('BLOCK_TEXT_NOT_FOUND');
    const missingBlock = await edit({ label: 'pets', append: 'A cat' });
    expect(missingBlock.isError).toBe(true);
    expect(missingBlock.content[0]?.text).toContain('BLOCK_NOT_FOUND');
    // old_text alone would silently delete it: a deletion is asked for with new_text "".
    const noNewText = await edit({ label: 'human', old_text: 'Budget' });
    expect(noNewText.isError).toBe(true);
    expect(await human()).toBe('Budget: $& or $$12');
  });

  it('answer a block resource of an unknown agent or label with "resource not found" (-32002)', async () => {
    const { core, client } = await connected();
    const agent = await core.handlers['agents.getDefault']({});
    for (const uri of [
      'locus://agents/agent-nope/blocks/human',
      `locus://agents/${agent.id}/blocks/nope`,
    ]) {
      await expect(client.readResource({ uri })).rejects.toMatchObject({
        code: -32002,
        message: expect.stringMatching(/No (agent|block)/),
      });
    }
  });
});

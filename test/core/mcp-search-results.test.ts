import { describe, expect, it } from 'vitest';
import { inMemoryMcpClient, toolText } from '../helpers/mcp-clients';
import { movedToLyon } from '../helpers/moved-agent';
import { testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

/** About 60,000 characters of filler with one sentence in the middle. */
function longText(sentence: string): string {
  const filler = (part: string) =>
    Array.from({ length: 700 }, (_, i) => `${part} paragraph ${i} about nothing much.`).join('\n');
  return `${filler('Opening')}\n${sentence}\n${filler('Closing')}`;
}

describe('MCP search results', () => {
  it('show the part of a long text that matched, and mark a past fact as past', async () => {
    const core = await testCore();
    const agent = await core.handlers['agents.getDefault']({});
    await core.archival.insert(agent.id, {
      text: longText('The harbour pilot Ottoline keeps the spare keys under the lighthouse stone.'),
      tags: ['doc'],
    });
    await core.recall.appendMany(agent.id, [
      { role: 'user', content: longText('My locker combination is 8213, in the east wing.') },
    ]);
    const berlin = await core.archival.insert(agent.id, { text: 'The office is in Berlin' });
    const munich = await core.archival.insert(agent.id, { text: 'The office is in Munich' });
    await core.archival.supersede(berlin.id, munich.id, '2026-03-01T00:00:00.000Z');

    const client = await inMemoryMcpClient(core.handlers);

    const keys = await toolText(client, 'search_memory', { query: 'Ottoline spare keys' });
    expect(keys).toContain('Ottoline keeps the spare keys');
    expect(keys).not.toContain('Opening paragraph 0 ');
    expect(keys.length).toBeLessThan(2000);

    const locker = await toolText(client, 'search_conversations', { query: 'locker combination' });
    expect(locker).toContain('My locker combination is 8213');
    expect(locker.length).toBeLessThan(2000);

    const office = await toolText(client, 'search_memory', { query: 'office Berlin Munich' });
    expect(office).toMatch(/The office is in Berlin \(until 2026-03-01\)/);
    expect(office).toMatch(/The office is in Munich$/m);
  });

  describe('in UTC', () => {
    inTimeZone('UTC');

    it('mark a message whose facts were all replaced as past, as conversation_search does', async () => {
      const { core } = await movedToLyon();
      const client = await inMemoryMcpClient(core.handlers);

      for (const [tool, query] of [
        ['search_conversations', 'live Paris Lyon'],
        ['search_memory', 'live Paris Lyon'],
      ] as const) {
        const found = (await toolText(client, tool, { query, agent: 'Mover' })).split('\n');
        expect(found.find((l) => l.includes('user: I live in Paris.'))).toMatch(
          /I live in Paris\. \(until 2026-03-20\)$/,
        );
        expect(found.find((l) => l.includes('user: I moved to Lyon.'))).toMatch(/Lyon\.$/);
      }
    });
  });
});

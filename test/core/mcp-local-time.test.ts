import { describe, expect, it } from 'vitest';
import { appendAcrossAucklandDays, AUCKLAND, MORNING_OF_THE_2ND } from '../helpers/auckland-days';
import { inMemoryMcpClient, toolText } from '../helpers/mcp-clients';
import { testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

async function connected() {
  const core = await testCore();
  const agent = await core.handlers['agents.getDefault']({});
  await appendAcrossAucklandDays(core, agent.id);
  await core.archival.insert(agent.id, {
    text: 'Mira took the early ferry',
    tags: [],
    createdAt: MORNING_OF_THE_2ND,
  });
  const client = await inMemoryMcpClient(core.handlers);
  return client;
}

describe("an MCP client's model reads and asks for the user's days, in Auckland", () => {
  inTimeZone(AUCKLAND);

  it('search_conversations searches local days and labels each time with its offset', async () => {
    const client = await connected();
    const text = await toolText(client, 'search_conversations', {
      start: '2026-12-02',
      end: '2026-12-02',
    });
    expect(text).toBe('- (2026-12-02 09:00 UTC+13:00) user: Breakfast with Mira');
  });

  it('search_memory does the same for passages', async () => {
    const client = await connected();
    const text = await toolText(client, 'search_memory', {
      query: 'Mira',
      start: '2026-12-02',
      end: '2026-12-02',
    });
    expect(text).toContain('- (2026-12-02 09:00 UTC+13:00) Mira took the early ferry');
    expect(text).toContain('- (2026-12-02 09:00 UTC+13:00) user: Breakfast with Mira');
    expect(text).not.toContain('Late film');
  });

  it('refuses two days in the wrong order by the days the client wrote', async () => {
    const client = await connected();
    await expect(
      toolText(client, 'search_conversations', { start: '2026-12-03', end: '2026-12-02' }),
    ).rejects.toThrow('the start (2026-12-03) is not before the end (2026-12-02)');
  });
});

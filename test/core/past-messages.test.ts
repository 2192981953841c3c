import { describe, expect, it } from 'vitest';
import { conversationSearch } from '../../src/core/agent/tools/search-tools';
import type { ToolContext } from '../../src/core/agent/tools/tool-context';
import { parseSurfacedBlock } from '../../src/shared/surfaced-memories';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { movedToLyon } from '../helpers/moved-agent';
import { testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

describe('a message whose facts were all replaced', () => {
  inTimeZone('UTC');

  it('is surfaced as past, with the date its fact stopped being true', async () => {
    const { core, agent } = await movedToLyon();
    await core.handlers['conversations.create']({ agentId: agent.id });
    core.clock.set('2026-04-01T09:00:00.000Z');
    await core.runtime.send(agent.id, 'Where do I live? Paris or Lyon?');

    const stored = (await core.runtime.contextMessages(agent.id)).filter(
      (m) => m.kind === 'memories',
    );
    const items = parseSurfacedBlock(stored.at(-1)?.content ?? '')?.items ?? [];
    const paris = items.find((i) => i.tier === 'recall' && i.text.includes('Paris'));
    const lyon = items.find((i) => i.tier === 'recall' && i.text.includes('Lyon'));
    expect(paris?.until?.slice(0, 10)).toBe('2026-03-20');
    expect(lyon).toMatchObject({ until: null });
  });

  it('is marked past in conversation_search results', async () => {
    const { core, agent } = await movedToLyon();
    const ctx = { agentId: agent.id, archival: core.archival, recall: core.recall } as ToolContext;
    const found = await conversationSearch.run(
      { query: 'live Paris Lyon', start_date: undefined, end_date: undefined, page: undefined },
      ctx,
    );
    const lines = found.message.split('\n');
    expect(lines.find((l) => l.includes('user: I live in Paris.'))).toMatch(
      /I live in Paris\. \(until 2026-03-20\)$/,
    );
    expect(lines.find((l) => l.includes('user: I moved to Lyon.'))).not.toMatch(/until/);
  });

  it('is not marked while a fact told in the same message is still current', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Claire', memory: { consolidation: 'paused' } });
    core.clock.set('2026-03-02T09:00:00.000Z');
    await core.runtime.send(agent.id, 'My name is Claire and I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    core.clock.set('2026-03-20T09:00:00.000Z');
    await core.runtime.send(agent.id, 'I moved to Lyon.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const human = (await core.agents.get(agent.id)).blocks.find((b) => b.label === 'human')!;
    expect(human.value).toContain('Claire');

    const ctx = { agentId: agent.id, archival: core.archival, recall: core.recall } as ToolContext;
    const found = await conversationSearch.run(
      { query: 'live Paris', start_date: undefined, end_date: undefined, page: undefined },
      ctx,
    );
    const paris = found.message.split('\n').find((l) => l.includes('I live in Paris'));
    expect(paris).toBeDefined();
    expect(paris).not.toMatch(/until/);
  });
});

import { describe, expect, it } from 'vitest';
import { watchConsolidation } from '../../src/cli/consolidation-notices';
import { eventually, replyOnlyModel } from '../helpers/consolidation-models';
import { testCore } from '../helpers/test-core';

describe('locus chat: background consolidation is told in the chat', () => {
  it('prints each pass that changed memory once, with how to undo it, and nothing for other changes', async () => {
    const core = await testCore({ chatModel: replyOnlyModel(), consolidationDelayMs: 3_600_000 });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.coreMemory.append(agent.id, 'human', 'Likes tea', 'user');
    const lines: string[] = [];
    const stop = await watchConsolidation(core, agent.id, (line) => lines.push(line));

    await core.runtime.send(agent.id, 'I live in Oslo.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await eventually(() => lines.length > 0);
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    const pass = feed.find((entry) => entry.action === 'consolidate')!;
    expect(lines).toEqual([
      `  [memory] Consolidated 2 messages: 1 added to human (see it with "locus memory activity"; undo with --undo ${pass.id})`,
    ]);

    // An undo is the person's own doing: not announced, and the pass is not told twice.
    await core.handlers['activity.undo']({ activityId: pass.id });
    await core.runtime.send(agent.id, 'My dog is called Rex.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await eventually(() => lines.length > 1);
    expect(lines[1]).toMatch(/^ {2}\[memory\] Consolidated 2 messages: 1 added to human /);
    expect(lines).toHaveLength(2);
    stop();
  });
});

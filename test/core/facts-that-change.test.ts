import { describe, expect, it } from 'vitest';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { tellUpcomingMove } from '../helpers/moved-agent';
import { testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

describe('facts that change', () => {
  // The end dates shown below are UTC days; local-time-prompts.test.ts covers other zones.
  inTimeZone('UTC');
  it('keeps a superseded passage as a past fact with its successor and end date', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Tester' });
    const old = await core.archival.insert(agent.id, { text: 'The team meets on Mondays' });
    const current = await core.archival.insert(agent.id, { text: 'The team meets on Tuesdays' });
    await core.archival.supersede(old.id, current.id, '2026-03-01T00:00:00.000Z', {
      actor: 'user',
    });

    const found = await core.handlers['archival.search']({
      agentId: agent.id,
      query: 'team meets',
    });
    const byText = new Map(found.items.map((p) => [p.text, p]));
    expect(byText.get('The team meets on Mondays')).toMatchObject({
      supersededBy: current.id,
      validUntil: '2026-03-01T00:00:00.000Z',
    });
    expect(byText.get('The team meets on Tuesdays')).toMatchObject({
      supersededBy: null,
      validUntil: null,
    });
    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry).toMatchObject({
      action: 'passage.supersede',
      summary: 'Now a past fact (until 2026-03-01): "The team meets on Mondays"',
    });
    await core.handlers['activity.undo']({ activityId: entry!.id });
    expect(await core.archival.get(old.id)).toMatchObject({ supersededBy: null, validUntil: null });
  });

  it('dates a replaced line and a line moved out of a full block by when it was written, not by the move', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Mover', memory: { consolidation: 'paused' } });
    core.clock.set('2026-03-02T09:00:00.000Z');
    await core.runtime.send(agent.id, 'I live in Paris. My dog is called Rex.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    core.clock.set('2026-03-20T09:00:00.000Z');
    await core.coreMemory.updateSettings(agent.id, 'human', { limit: 40 });
    await core.runtime.send(agent.id, 'I moved to Berlin. I work at the city library.');
    await core.handlers['consolidation.run']({ agentId: agent.id });

    const passages = new Map(
      (await core.archival.list(agent.id)).items.map((p) => [p.text, p] as const),
    );
    // Both were learned on 2 March; a past fact dated 20 March would read as
    // something said after the move.
    expect(passages.get('Lives in Paris')?.createdAt.slice(0, 10)).toBe('2026-03-02');
    expect(passages.get('Lives in Paris')?.validUntil?.slice(0, 10)).toBe('2026-03-20');
    expect(passages.get('Dog: Rex')?.createdAt.slice(0, 10)).toBe('2026-03-02');
  });

  it('keeps the current fact current when its correction starts later, the change marked as upcoming', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({
      name: 'Planner',
      memory: { consolidation: 'paused' },
    });
    await tellUpcomingMove(core, agent.id);

    const human = (await core.agents.get(agent.id)).blocks.find((b) => b.label === 'human')!;
    expect(human.value.split('\n')).toEqual(['Lives in Paris', 'Lives in Lyon (from 2027-01)']);
    const past = (await core.archival.list(agent.id)).items.filter((p) => p.supersededBy);
    expect(past).toEqual([]);

    // Said again, the plan is not written twice; said to have happened (here
    // earlier than planned), it replaces Paris.
    await core.runtime.send(agent.id, 'I am moving to Lyon next month.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    core.clock.set('2026-12-28T09:00:00.000Z');
    await core.runtime.send(agent.id, 'I moved to Lyon.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const after = (await core.agents.get(agent.id)).blocks.find((b) => b.label === 'human')!;
    expect(after.value).toBe('Lives in Lyon');
    const paris = (await core.archival.list(agent.id)).items.filter(
      (p) => p.text === 'Lives in Paris',
    );
    expect(paris.map((p) => p.validUntil?.slice(0, 10))).toEqual(['2026-12-28']);
    // The plan's own date then changes nothing (upcoming-facts.test.ts: when it is not said).
    core.clock.set('2027-01-10T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Lyon');
    expect(
      (await core.archival.list(agent.id)).items.filter((p) => p.text === 'Lives in Paris'),
    ).toHaveLength(1);
  });

  it('survives an agent-file round trip, links and memory settings included', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Mover', memory: { consolidation: 'paused' } });
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await core.runtime.send(agent.id, 'I moved to Berlin.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const first = await core.archival.insert(agent.id, { text: 'Old phone 0170 111' });
    const second = await core.archival.insert(agent.id, { text: 'New phone 0170 222' });
    await core.archival.supersede(first.id, second.id, '2026-02-01T00:00:00.000Z');

    const file = await core.handlers['agentfile.export']({ agentId: agent.id });
    const report = await core.handlers['agentfile.import']({ text: file.text });
    const copy = await core.agents.get(report.agentId);
    expect(copy.memory).toEqual({ toolProfile: 'small', consolidation: 'paused' });
    const human = copy.blocks.find((b) => b.label === 'human')!;
    expect(human.value).toBe('Lives in Berlin');
    const passages = (await core.archival.list(copy.id)).items;
    const phone = passages.find((p) => p.text === 'Old phone 0170 111')!;
    const newPhone = passages.find((p) => p.text === 'New phone 0170 222')!;
    expect(phone).toMatchObject({
      supersededBy: newPhone.id,
      validUntil: '2026-02-01T00:00:00.000Z',
    });
    // The past line names the imported human block as what replaced it.
    expect(passages.find((p) => p.text === 'Lives in Paris')).toMatchObject({
      supersededBy: human.id,
      source: { kind: 'block', ref: 'human' },
    });
    // Its history came with it: nothing to consolidate again.
    expect(await core.handlers['consolidation.status']({ agentId: copy.id })).toMatchObject({
      pending: 0,
    });
  });
});

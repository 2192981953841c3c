import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock';
import { createCore, type Core } from '../../src/core/create-core';
import { parseSurfacedBlock } from '../../src/shared/surfaced-memories';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { tellUpcomingMove } from '../helpers/moved-agent';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';
import { inTimeZone } from '../helpers/time-zone';

const NOW_CURRENT =
  'Now current (from 2027-01): "Lives in Lyon", in place of "Lives in Paris" (now a past fact)';

/** Paris told, then a move to Lyon next month, on 7 December 2026: Lyon is upcoming. */
async function planMove(core: Core & { clock: FakeClock }, name = 'Planner') {
  const agent = await core.agents.create({ name, memory: { consolidation: 'paused' } });
  await tellUpcomingMove(core, agent.id);
  expect(await humanOf(core, agent.id)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');
  return agent;
}

async function humanOf(core: Core, agentId: string): Promise<string> {
  return (await core.coreMemory.get(agentId, 'human')).value;
}

async function pastFacts(core: Core, agentId: string) {
  return (await core.archival.list(agentId)).items.filter((p) => p.supersededBy !== null);
}

async function nowCurrentEntries(core: Core, agentId: string) {
  return (await core.handlers['activity.list']({ agentId, limit: 200 })).filter((e) =>
    e.summary.startsWith('Now current'),
  );
}

describe('a change told before it happens', () => {
  // The dates below are UTC days: a month starts at local midnight.
  inTimeZone('UTC');

  it('takes effect at a pass once its date has come: the line it corrects becomes past, in history and the feed, undoable', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    // Before the date a pass changes nothing.
    core.clock.set('2026-12-31T23:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');

    core.clock.set('2027-01-05T09:00:00.000Z');
    // With no new message, the run says what it made current.
    expect(await core.handlers['consolidation.run']({ agentId: agent.id })).toMatchObject({
      stopped: 'done',
      messages: 0,
      tookEffect: [{ line: 'Lives in Lyon', replaced: 'Lives in Paris' }],
    });
    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');
    const human = await core.coreMemory.get(agent.id, 'human');
    const [paris, ...others] = await pastFacts(core, agent.id);
    expect(others).toEqual([]);
    expect(paris).toMatchObject({
      text: 'Lives in Paris',
      supersededBy: human.id,
      validUntil: '2027-01-01T00:00:00.000Z',
      source: { kind: 'block', ref: 'human' },
    });
    // Dated when it was learned, not when the change took effect.
    expect(paris?.createdAt.slice(0, 10)).toBe('2026-12-07');
    const history = (await core.coreMemory.history(agent.id, 'human', 2)).map((h) => h.value);
    expect(history).toEqual(['Lives in Paris', 'Lives in Paris\nLives in Lyon (from 2027-01)']);

    const [entry, ...more] = await nowCurrentEntries(core, agent.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: 'consolidation',
      action: 'consolidate',
      summary: NOW_CURRENT,
      undoable: true,
    });
    // A second pass finds nothing due.
    expect(await core.handlers['consolidation.run']({ agentId: agent.id })).toMatchObject({
      tookEffect: [],
    });
    expect(await nowCurrentEntries(core, agent.id)).toHaveLength(1);

    // Undone, the plan is back as it was and no past fact is left; the person
    // took the change back, so it is not made again.
    await core.handlers['activity.undo']({ activityId: entry!.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');
    expect(await pastFacts(core, agent.id)).toEqual([]);
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');
  });

  it('takes effect before the first turn after its date, with consolidation paused: the prompt and surfacing see it', async () => {
    const model = replyOnlyModel();
    const core = await testCore({ chatModel: model });
    const agent = await planMove(core);
    await core.indexer.drain();
    await core.handlers['conversations.create']({ agentId: agent.id });
    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.runtime.send(agent.id, 'Where do I live? Paris or Lyon?');

    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');
    const step = model.calls.filter((c) => c.purpose === 'step').at(-1)!;
    const system = step.turns[0]!.content;
    expect(system).toContain('Lives in Lyon');
    expect(system).not.toContain('Lives in Paris');
    expect(system).not.toContain('(from 2027-01)');
    // The message that told of Paris is surfaced as past, until the move.
    const stored = (await core.runtime.contextMessages(agent.id)).filter(
      (m) => m.kind === 'memories',
    );
    const items = parseSurfacedBlock(stored.at(-1)?.content ?? '')?.items ?? [];
    const paris = items.find((i) => i.tier === 'recall' && i.text === 'I live in Paris.');
    expect(paris?.until?.slice(0, 10)).toBe('2027-01-01');
    expect(await nowCurrentEntries(core, agent.id)).toHaveLength(1);
  });

  it('takes effect once across restarts', async () => {
    const dataDir = tempDir();
    const clock = new FakeClock();
    const open = async () => {
      const core = await createCore({ dataDir, clock, chatModel: replyOnlyModel() });
      onCleanup(() => core.dispose());
      return core as Core & { clock: FakeClock };
    };
    const first = await open();
    const agent = await planMove(first);
    await first.dispose();

    clock.set('2027-01-05T09:00:00.000Z');
    const second = await open();
    await second.runtime.send(agent.id, 'Good morning!');
    expect(await humanOf(second, agent.id)).toBe('Lives in Lyon');
    await second.dispose();

    const third = await open();
    await third.handlers['consolidation.run']({ agentId: agent.id });
    await third.runtime.send(agent.id, 'Hello again.');
    expect(await humanOf(third, agent.id)).toBe('Lives in Lyon');
    expect(await pastFacts(third, agent.id)).toHaveLength(1);
    expect((await nowCurrentEntries(third, agent.id)).map((e) => e.summary)).toEqual([NOW_CURRENT]);
  });

  it('takes effect when Locus starts after its date, with no model loaded and before any call', async () => {
    const dataDir = tempDir();
    const clock = new FakeClock();
    const first = await createCore({ dataDir, clock, chatModel: replyOnlyModel() });
    onCleanup(() => first.dispose());
    const agent = await planMove(first as Core & { clock: FakeClock });
    await first.dispose();

    clock.set('2027-01-05T09:00:00.000Z');
    const second = await createCore({ dataDir, clock });
    onCleanup(() => second.dispose());
    expect(await humanOf(second, agent.id)).toBe('Lives in Lyon');
    expect((await nowCurrentEntries(second, agent.id)).map((e) => e.summary)).toEqual([
      NOW_CURRENT,
    ]);
  });

  it('is shown made once its date has come, with no turn or pass: Memory and Context views, chat.context', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const blocksOf = await planMove(core);
    const contextOf = await planMove(core, 'Context');
    const inspectOf = await planMove(core, 'Inspect');
    const changed: string[] = [];
    core.events.on('memory', ({ agentId }) => changed.push(agentId));
    core.clock.set('2027-01-05T09:00:00.000Z');

    const blocks = await core.handlers['blocks.list']({ agentId: blocksOf.id });
    expect(blocks.find((b) => b.label === 'human')?.value).toBe('Lives in Lyon');
    const { prompt } = await core.handlers['chat.context']({ agentId: contextOf.id });
    expect(prompt[0]?.content).toContain('Lives in Lyon');
    expect(prompt[0]?.content).not.toContain('Lives in Paris');
    expect(prompt[0]?.content).not.toContain('(from 2027-01)');
    await core.handlers['chat.inspect']({ agentId: inspectOf.id });
    expect(await humanOf(core, inspectOf.id)).toBe('Lives in Lyon');
    // Open views are told to read memory again.
    expect(changed).toEqual([blocksOf.id, contextOf.id, inspectOf.id]);
    expect(await nowCurrentEntries(core, blocksOf.id)).toHaveLength(1);
  });

  it('takes effect while Locus runs, with no call: open views are told to read memory again', async () => {
    const core = await testCore({ chatModel: replyOnlyModel(), dueCheckMs: 10 });
    const agent = await planMove(core);
    const changed = new Promise<string>((resolve) =>
      core.events.on('memory', ({ agentId }) => resolve(agentId)),
    );
    core.clock.set('2027-01-05T09:00:00.000Z');
    expect(await changed).toBe(agent.id);
    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');
  });

  it('waits, when memory is shown, for a turn of the agent under way to end: its prompt does not change under it', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    core.clock.set('2027-01-05T09:00:00.000Z');
    // What a turn holds from its start to its end (in any process on a server).
    const release = await core.database.coordination.lock(`turn:${agent.id}`);
    const during = await core.handlers['blocks.list']({ agentId: agent.id });
    expect(during.find((b) => b.label === 'human')?.value).toBe(
      'Lives in Paris\nLives in Lyon (from 2027-01)',
    );
    await release();
    const after = await core.handlers['blocks.list']({ agentId: agent.id });
    expect(after.find((b) => b.label === 'human')?.value).toBe('Lives in Lyon');
  });

  it('does nothing when its line was forgotten before its date, and keeps no copy of it', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'line', label: 'human', line: 'Lives in Lyon (from 2027-01)' },
    });
    const left = await core.database.pg.query('SELECT line FROM upcoming_lines');
    expect(left.rows).toEqual([]);

    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await core.runtime.send(agent.id, 'Good morning!');
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris');
    expect(await pastFacts(core, agent.id)).toEqual([]);
    expect(await nowCurrentEntries(core, agent.id)).toEqual([]);
  });

  it('is taken back, Paris current again, when the message that told of it is forgotten after its date', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');

    const told = await core.recall.search(agent.id, {
      query: 'moving Lyon',
      roles: ['user'],
      limit: 1,
    });
    expect(told.items[0]?.content).toBe('I am moving to Lyon next month.');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: told.items[0]!.id },
    });
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris');
    expect(await pastFacts(core, agent.id)).toEqual([]);
  });

  it('survives an agent-file round trip: the copy makes it current on its date', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    const file = await core.handlers['agentfile.export']({ agentId: agent.id });
    const { agentId: copy } = await core.handlers['agentfile.import']({ text: file.text });
    expect(await humanOf(core, copy)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');

    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: copy });
    expect(await humanOf(core, copy)).toBe('Lives in Lyon');
    expect(await pastFacts(core, copy)).toMatchObject([
      { text: 'Lives in Paris', validUntil: '2027-01-01T00:00:00.000Z' },
    ]);
    // The copy took it from the file, not from the original's row.
    expect(await humanOf(core, agent.id)).toBe('Lives in Paris\nLives in Lyon (from 2027-01)');
  });

  it('drops its mark when the line it corrects was removed meanwhile', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    await core.coreMemory.removeLines(agent.id, 'human', ['Lives in Paris'], 'user');

    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');
    expect(await pastFacts(core, agent.id)).toEqual([]);
    expect((await nowCurrentEntries(core, agent.id)).map((e) => e.summary)).toEqual([
      'Now current (from 2027-01): "Lives in Lyon"',
    ]);
  });

  it('is not written twice when the new line is already there: only the old one becomes past', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await planMove(core);
    await core.coreMemory.append(agent.id, 'human', 'Lives in Lyon', 'user');

    core.clock.set('2027-01-05T09:00:00.000Z');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await humanOf(core, agent.id)).toBe('Lives in Lyon');
    expect(await pastFacts(core, agent.id)).toMatchObject([{ text: 'Lives in Paris' }]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../../src/core/clock';
import { createCore } from '../../src/core/create-core';
import { createBlocksRepo } from '../../src/core/storage/repos/blocks-repo';
import {
  consolidationFailingModel,
  eventually,
  gatedModel,
  replyOnlyModel,
} from '../helpers/consolidation-models';
import { onCleanup, restartCore, tempDir, testCore } from '../helpers/test-core';

/** Wednesday noon: date words resolve against it. */
const WEDNESDAY = '2026-03-04T12:00:00.000Z';

async function setup(options: { delayMs?: number; gated?: boolean } = {}) {
  const inner = replyOnlyModel();
  const gated = options.gated ? gatedModel(inner) : null;
  const core = await testCore({
    chatModel: gated?.model ?? inner,
    clock: new FakeClock(WEDNESDAY),
    consolidationDelayMs: options.delayMs ?? 3_600_000,
  });
  const agent = await core.agents.create({ name: 'Tester' });
  const human = async () => (await core.coreMemory.get(agent.id, 'human')).value;
  return { core, agent, human, gated, inner };
}

describe('background consolidation', () => {
  it('puts a fact told without any memory tool call into the human block', async () => {
    const { core, agent, human, inner } = await setup();
    await core.runtime.send(agent.id, 'By the way, my sister is called Lena.');
    const steps = inner.calls.filter((c) => c.purpose === 'step');
    expect(steps.length).toBeGreaterThan(0);
    // The chat model only replied: no memory tool ran.
    const tools = await core.recall.search(agent.id, { roles: ['tool'], limit: 10 });
    expect(tools.items.map((m) => m.name)).toEqual(['send_message']);
    expect(await human()).toBe('');

    const result = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(result).toMatchObject({ stopped: 'done', messages: 2, added: 1 });
    expect(await human()).toBe('Sister: Lena');
    // The line remembers the message it came from.
    const user = (await core.recall.search(agent.id, { roles: ['user'], limit: 1 })).items[0]!;
    const sources = await createBlocksRepo(core.database.pg).linesFromMessages(agent.id, [user.id]);
    expect(sources.map((s) => s.line)).toEqual(['Sister: Lena']);
    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      pending: 0,
      running: false,
    });
  });

  it('keeps the consolidated fact for a later process: it is in that prompt', async () => {
    const dataDir = tempDir();
    const first = await createCore({ dataDir, chatModel: replyOnlyModel() });
    const agent = await first.agents.getOrCreateDefault();
    await first.runtime.send(agent.id, 'My sister is called Lena.');
    await first.handlers['consolidation.run']({ agentId: agent.id });
    await first.dispose();

    const model = replyOnlyModel();
    const second = await createCore({ dataDir, chatModel: model });
    onCleanup(() => second.dispose());
    await second.runtime.send(agent.id, 'What is my sister called?');
    const step = model.calls.find((c) => c.purpose === 'step')!;
    expect(step.turns[0]!.content).toContain('<human chars="12/5000">');
    expect(step.turns[0]!.content).toContain('Sister: Lena');
  });

  it('runs by itself once the model has been idle after a turn', async () => {
    const { core, agent, human } = await setup({ delayMs: 0 });
    await core.runtime.send(agent.id, 'I live in Lisbon.');
    await core.consolidator.idle();
    expect(await human()).toBe('Lives in Lisbon');
  });

  it('replaces the line a correction corrects; the old one stays in history, activity and archival as past', async () => {
    const { core, agent, human } = await setup();
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await core.runtime.send(agent.id, 'Actually I moved to Berlin last week.');
    const result = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(result).toMatchObject({ replaced: 1, added: 0 });

    // "last week" said on Wednesday 2026-03-04: the week of Monday 2026-02-23.
    expect(await human()).toBe('Lives in Berlin (week of 2026-02-23)');
    const history = await core.coreMemory.history(agent.id, 'human');
    expect(history.map((h) => h.value)).toContain('Lives in Paris');

    const activity = await core.handlers['activity.list']({ agentId: agent.id });
    expect(activity.map((a) => a.summary)).toContain(
      'Changed human: "Lives in Paris" → "Lives in Berlin (week of 2026-02-23)"',
    );
    expect(activity[0]).toMatchObject({ actor: 'consolidation', action: 'consolidate' });

    const block = await core.coreMemory.get(agent.id, 'human');
    const past = (await core.archival.list(agent.id)).items;
    expect(past).toEqual([
      expect.objectContaining({
        text: 'Lives in Paris',
        supersededBy: block.id,
        source: { kind: 'block', ref: 'human' },
      }),
    ]);
    expect(past[0]?.validUntil?.slice(0, 10)).toBe('2026-02-23');

    // The correction and its past fact are one change: undone together.
    const correction = activity.find((a) => a.action === 'block.replace')!;
    await core.handlers['activity.undo']({ activityId: correction.id });
    expect(await human()).toBe('Lives in Paris');
    expect((await core.archival.list(agent.id)).items).toEqual([]);
  });

  it('resolves date words in code from the time the message was said', async () => {
    const { core, agent, human } = await setup();
    await core.runtime.send(agent.id, 'I went to the dentist yesterday.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Went to the dentist (2026-03-03)');
  });

  it('stores facts about the world as passages linked to the message they came from', async () => {
    const { core, agent } = await setup();
    await core.runtime.send(agent.id, 'FYI the office moves to Tower B in June.');
    const result = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(result).toMatchObject({ saved: 1, added: 0 });
    const [passage] = (await core.archival.list(agent.id)).items;
    const said = (await core.recall.search(agent.id, { roles: ['user'], limit: 1 })).items[0]!;
    expect(passage).toMatchObject({
      text: 'the office moves to Tower B in June',
      tags: ['fact', 'world'],
      source: { kind: 'message', ref: said.id },
      supersededBy: null,
      validUntil: null,
    });
  });

  it('moves the least recently written lines to archival when the block is full, never dropping them', async () => {
    const { core, agent, human } = await setup();
    await core.coreMemory.updateSettings(agent.id, 'human', { limit: 45 });
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'user');
    await core.coreMemory.append(agent.id, 'human', 'Likes tea', 'user');
    core.clock.advance(60_000);
    await core.coreMemory.append(agent.id, 'human', 'Allergic to nuts', 'user');
    // "Name: Ada" was written first, then "Likes tea": both older than the allergy.
    await core.runtime.send(agent.id, 'I work at the city library.');
    const result = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(result).toMatchObject({ added: 1, moved: 2 });
    expect(await human()).toBe('Allergic to nuts\nWorks at the city library');
    const moved = (await core.archival.list(agent.id)).items.map((p) => p.text).sort();
    expect(moved).toEqual(['Likes tea', 'Name: Ada']);
  });

  it('consolidates nothing twice, and skips facts already known', async () => {
    const { core, agent, human } = await setup();
    await core.runtime.send(agent.id, 'My dog is called Rex.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await core.handlers['consolidation.run']({ agentId: agent.id })).toMatchObject({
      stopped: 'done',
      messages: 0,
    });
    await core.runtime.send(agent.id, 'Did I tell you? My dog is called Rex.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Dog: Rex');
  });

  it('undoes a whole pass from its activity entry', async () => {
    const { core, agent, human } = await setup();
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await core.runtime.send(agent.id, 'I moved to Rome. FYI the bakery closes at six.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Lives in Rome');
    expect((await core.archival.list(agent.id)).items).toHaveLength(2);

    const [pass] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(pass).toMatchObject({ action: 'consolidate', undoable: true });
    const undo = await core.handlers['activity.undo']({ activityId: pass!.id });
    expect(undo.summary).toMatch(/^Undid: Consolidated 2 messages/);
    expect(await human()).toBe('Lives in Paris');
    expect((await core.archival.list(agent.id)).items).toEqual([]);
    const after = await core.handlers['activity.list']({ agentId: agent.id });
    expect(after.filter((a) => a.batchId === pass!.batchId).every((a) => !a.undoable)).toBe(true);
  });

  it('refuses to undo a pass whose changes were each undone already', async () => {
    const { core, agent, human } = await setup();
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const [pass, line] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(line).toMatchObject({ batchId: pass!.batchId, undoable: true });
    await core.handlers['activity.undo']({ activityId: line!.id });
    expect(await human()).toBe('');

    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed.find((a) => a.id === pass!.id)).toMatchObject({ undoable: false });
    const refused = await core.handlers['activity.undo']({ activityId: pass!.id }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(refused).toMatchObject({
      code: 'UNDO_NOT_POSSIBLE',
      message: expect.stringContaining('undone or forgotten since'),
    });
    expect((await core.handlers['activity.list']({ agentId: agent.id })).length).toBe(feed.length);
  });

  it('waits while paused, and runs on demand', async () => {
    const { core, agent, human } = await setup({ delayMs: 0 });
    await core.handlers['agents.update']({
      agentId: agent.id,
      memory: { consolidation: 'paused' },
    });
    await core.runtime.send(agent.id, 'I live in Oslo.');
    await core.consolidator.idle();
    expect(await human()).toBe('');
    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      paused: true,
      pending: 2,
    });
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Lives in Oslo');
  });

  it('keeps why the last pass failed for another process to see, until a pass succeeds', async () => {
    const failing = consolidationFailingModel();
    const core = await testCore({
      chatModel: failing,
      clock: new FakeClock(WEDNESDAY),
      consolidationDelayMs: 3_600_000,
    });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'I live in Oslo.');
    await expect(core.handlers['consolidation.run']({ agentId: agent.id })).rejects.toThrow(
      'the model ran out of memory',
    );

    // A separate `locus status` opens its own core on the same memory.
    const later = await restartCore(core, { chatModel: replyOnlyModel() });
    const status = () => later.handlers['consolidation.status']({ agentId: agent.id });
    expect(await status()).toMatchObject({
      pending: 2,
      lastError: 'the model ran out of memory',
    });
    await later.handlers['consolidation.run']({ agentId: agent.id });
    expect(await status()).toMatchObject({ pending: 0, lastError: null });
    const again = await restartCore(later);
    expect(await again.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      lastError: null,
    });
  });
  it('tells the open views when a background pass fails, so Activity shows why', async () => {
    const core = await testCore({
      chatModel: consolidationFailingModel(),
      clock: new FakeClock(WEDNESDAY),
      consolidationDelayMs: 0,
    });
    const agent = await core.agents.create({ name: 'Tester' });
    const told: string[] = [];
    core.events.on('memory', ({ agentId }) => told.push(agentId));
    await core.runtime.send(agent.id, 'I live in Oslo.');
    // Without the event the view kept the status it read before the pass.
    await vi.waitFor(() => expect(told).toContain(agent.id), { timeout: 10_000 });
    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      lastError: 'the model ran out of memory',
    });
  });
});

describe('consolidation and turns', () => {
  it('never runs during a turn, and yields to a new message then resumes', async () => {
    const { core, agent, human, gated } = await setup({ delayMs: 0, gated: true });
    const { log } = gated!;
    const turn = async (text: string) => {
      log.push('turn-start');
      await core.runtime.send(agent.id, text);
      log.push('turn-end');
    };
    await turn('My cat is called Tom.');
    // The pass starts by itself after the turn and waits at the gate.
    await eventually(() => log.includes('pass-start'));
    expect(await human()).toBe('');

    // A new message: the pass's model call is aborted, nothing is applied.
    await turn('How are you?');
    expect(log.slice(0, 5)).toEqual([
      'turn-start',
      'turn-end',
      'pass-start',
      'turn-start',
      'pass-aborted',
    ]);
    expect(await human()).toBe('');

    // After that turn the pass resumes from its cursor and applies once.
    gated!.open();
    await eventually(() => log.includes('pass-done'));
    await core.consolidator.idle();
    expect(await human()).toBe('Cat: Tom');

    // No pass started or finished between a turn's start and its end.
    let inTurn = false;
    for (const entry of log) {
      if (entry === 'turn-start') inTurn = true;
      if (entry === 'turn-end') inTurn = false;
      if (inTurn) expect(['pass-start', 'pass-done']).not.toContain(entry);
    }
  });

  it('starts no pass while a turn is under way, even when one is due', async () => {
    const { core, agent, gated } = await setup({ delayMs: 0, gated: true });
    gated!.open();
    await core.runtime.send(agent.id, 'I live in Porto.');
    core.consolidator.turnStarted(agent.id);
    const during = await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(during.stopped).toBe('busy');
    core.consolidator.turnEnded(agent.id);
    await core.consolidator.idle();
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Porto');
  });
});

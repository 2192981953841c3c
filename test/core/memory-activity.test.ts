import { describe, expect, it } from 'vitest';
import { LocusError } from '../../src/shared/errors';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';

async function setup() {
  const core = await testCore({ chatModel: createScriptedModel() });
  const agent = await core.agents.create({ name: 'Tester' });
  const feed = () => core.handlers['activity.list']({ agentId: agent.id });
  return { core, agent, feed };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error instanceof LocusError) return error.code;
  throw new Error(`expected a LocusError, got ${String(error)}`);
}

describe('memory activity', () => {
  it('records every change with what, when and who: agent tools, the user, imports', async () => {
    const { core, agent, feed } = await setup();
    await core.runtime.send(agent.id, 'My name is Ada');
    await core.runtime.send(agent.id, 'Remember that the spare key is under the blue pot');
    await core.handlers['blocks.setValue']({ agentId: agent.id, label: 'persona', value: 'Calm.' });
    const note = await core.handlers['archival.insert']({ agentId: agent.id, text: 'Buy milk' });
    await core.handlers['archival.delete']({ passageId: note.id });

    const entries = await feed();
    expect(entries.map((e) => [e.actor, e.action, e.summary])).toEqual([
      ['user', 'passage.delete', 'Deleted from archival memory: "Buy milk"'],
      ['user', 'passage.insert', 'Saved to archival memory: "Buy milk"'],
      [
        'user',
        'block.rewrite',
        expect.stringMatching(/^Changed persona: "I am Locus.*" → "Calm\."$/),
      ],
      [
        'agent',
        'passage.insert',
        'Saved to archival memory: "the spare key is under the blue pot"',
      ],
      ['agent', 'block.append', 'Added to human: "Name: Ada"'],
    ]);
    for (const entry of entries) {
      expect(entry.agentId).toBe(agent.id);
      expect(Date.parse(entry.at)).not.toBeNaN();
      expect(entry.undoable).toBe(true);
    }

    const exported = await core.handlers['agentfile.export']({ agentId: agent.id });
    const imported = await core.handlers['agentfile.import']({ text: exported.text });
    const importFeed = await core.handlers['activity.list']({ agentId: imported.agentId });
    expect(importFeed).toEqual([
      expect.objectContaining({
        actor: 'import',
        action: 'import',
        summary: expect.stringMatching(/^Imported "Tester \(imported\)" from an agent file/),
      }),
    ]);
  });

  it('undoes an earlier block change and keeps later ones that do not conflict', async () => {
    const { core, agent, feed } = await setup();
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'agent');
    await core.coreMemory.append(agent.id, 'human', 'Likes tea', 'agent');
    await core.coreMemory.append(agent.id, 'human', 'Has a cat', 'user');
    const addedTea = (await feed()).find((e) => e.summary === 'Added to human: "Likes tea"')!;
    await core.handlers['activity.undo']({ activityId: addedTea.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Name: Ada\nHas a cat');

    const [undo] = await feed();
    expect(undo).toMatchObject({
      actor: 'user',
      action: 'undo',
      summary: 'Undid: Added to human: "Likes tea"',
      undoable: false,
    });
    expect((await feed()).find((e) => e.id === addedTea.id)).toMatchObject({
      undoable: false,
      undoneBy: undo!.id,
    });
    expect(await codeOf(core.handlers['activity.undo']({ activityId: addedTea.id }))).toBe(
      'UNDO_NOT_POSSIBLE',
    );
    // The undo is a block change like any other: in the block's history too.
    const history = await core.coreMemory.history(agent.id, 'human');
    expect(history[0]?.value).toBe('Name: Ada\nLikes tea\nHas a cat');
  });

  it('refuses to undo a change that later edits conflict with, and changes nothing', async () => {
    const { core, agent, feed } = await setup();
    await core.coreMemory.append(agent.id, 'human', 'Lives in Paris', 'agent');
    await core.coreMemory.replace(agent.id, 'human', 'Paris', 'Rome', 'user');
    const added = (await feed()).find((e) => e.action === 'block.append')!;
    expect(await codeOf(core.handlers['activity.undo']({ activityId: added.id }))).toBe(
      'UNDO_NOT_POSSIBLE',
    );
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Rome');
    // The later change itself can be undone.
    const replaced = (await feed()).find((e) => e.action === 'block.replace')!;
    await core.handlers['activity.undo']({ activityId: replaced.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Paris');
  });

  it('undoes passage inserts, edits and deletes', async () => {
    const { core, agent, feed } = await setup();
    const kept = await core.handlers['archival.insert']({
      agentId: agent.id,
      text: 'Gate code 4711',
      tags: ['home'],
    });
    await core.handlers['archival.update']({ passageId: kept.id, text: 'Gate code 1234' });
    const find = async (action: string) => (await feed()).find((e) => e.action === action)!;
    await core.handlers['activity.undo']({ activityId: (await find('passage.update')).id });
    expect((await core.archival.get(kept.id)).text).toBe('Gate code 4711');

    await core.handlers['archival.delete']({ passageId: kept.id });
    await core.handlers['activity.undo']({ activityId: (await find('passage.delete')).id });
    const back = await core.archival.get(kept.id);
    expect(back).toMatchObject({ text: 'Gate code 4711', tags: ['home'], embedded: true });
    expect((await core.archival.search(agent.id, { query: 'gate code' })).items[0]?.id).toBe(
      kept.id,
    );

    await core.handlers['activity.undo']({ activityId: (await find('passage.insert')).id });
    expect(await codeOf(core.archival.get(kept.id))).toBe('PASSAGE_NOT_FOUND');
  });

  it('pages back through the feed and says what to do with an unknown id', async () => {
    const { core, agent } = await setup();
    for (const n of [1, 2, 3, 4, 5]) {
      await core.coreMemory.append(agent.id, 'human', `Fact ${n}`, 'user');
    }
    const first = await core.handlers['activity.list']({ agentId: agent.id, limit: 2 });
    const next = await core.handlers['activity.list']({
      agentId: agent.id,
      limit: 2,
      before: first.at(-1)!.id,
    });
    expect([...first, ...next].map((e) => e.summary)).toEqual([
      'Added to human: "Fact 5"',
      'Added to human: "Fact 4"',
      'Added to human: "Fact 3"',
      'Added to human: "Fact 2"',
    ]);
    expect(await codeOf(core.handlers['activity.undo']({ activityId: 999_999 }))).toBe(
      'ACTIVITY_NOT_FOUND',
    );
  });
});

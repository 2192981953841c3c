import { describe, expect, it } from 'vitest';
import { LocusError } from '../../src/shared/errors';
import { testCore } from '../helpers/test-core';

async function setup() {
  const core = await testCore();
  const agent = await core.agents.create({ name: 'Tester' });
  const conversation = await core.conversations.resolve(agent.id);
  return { core, agent, conversation };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LocusError) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('core memory blocks', () => {
  it('gives a new agent persona and human blocks', async () => {
    const { agent } = await setup();
    expect(agent.blocks.map((b) => b.label).sort()).toEqual(['human', 'persona']);
  });

  it('appends on a new line and keeps the previous value in history', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'agent');
    const block = await core.coreMemory.append(agent.id, 'human', 'Likes tea', 'agent');
    expect(block.value).toBe('Name: Ada\nLikes tea');
    const history = await core.coreMemory.history(agent.id, 'human');
    expect(history.map((h) => h.value)).toEqual(['Name: Ada', '']);
  });

  it('rejects an edit over the limit, saying by how much, and changes nothing', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.create(agent.id, { label: 'scratch', value: '12345', limit: 10 });
    const error = await core.coreMemory
      .append(agent.id, 'scratch', 'abcdefgh', 'agent')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocusError);
    expect((error as LocusError).code).toBe('BLOCK_LIMIT_EXCEEDED');
    // "12345\nabcdefgh" is 14 characters: 4 over a limit of 10.
    expect((error as LocusError).message).toContain('4 over its limit of 10');
    expect((error as LocusError).details).toMatchObject({ over: 4, limit: 10, length: 14 });
    expect((await core.coreMemory.get(agent.id, 'scratch')).value).toBe('12345');
  });

  it('refuses agent edits of a read-only block but lets the user edit it', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.create(agent.id, { label: 'rules', value: 'be kind', readOnly: true });
    expect(await codeOf(core.coreMemory.append(agent.id, 'rules', 'x', 'agent'))).toBe(
      'BLOCK_READ_ONLY',
    );
    expect(await codeOf(core.coreMemory.rewrite(agent.id, 'rules', 'x', 'agent'))).toBe(
      'BLOCK_READ_ONLY',
    );
    const edited = await core.coreMemory.rewrite(agent.id, 'rules', 'be kind and brief', 'user');
    expect(edited.value).toBe('be kind and brief');
  });

  it('replaces text, requiring it to exist and, when asked, to be unique', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.rewrite(agent.id, 'human', 'likes cats\nlikes cats a lot', 'agent');
    expect(await codeOf(core.coreMemory.replace(agent.id, 'human', 'dogs', 'birds', 'agent'))).toBe(
      'BLOCK_TEXT_NOT_FOUND',
    );
    expect(
      await codeOf(core.coreMemory.replace(agent.id, 'human', 'cats', 'dogs', 'agent', true)),
    ).toBe('BLOCK_TEXT_NOT_FOUND');
    const all = await core.coreMemory.replace(agent.id, 'human', 'cats', 'dogs', 'agent');
    expect(all.value).toBe('likes dogs\nlikes dogs a lot');
  });

  it('inserts at a line and undoes the last change', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.rewrite(agent.id, 'human', 'a\nc', 'user');
    expect((await core.coreMemory.insert(agent.id, 'human', 'b', 1, 'agent')).value).toBe(
      'a\nb\nc',
    );
    expect((await core.coreMemory.insert(agent.id, 'human', 'z', -1, 'agent')).value).toBe(
      'a\nb\nc\nz',
    );
    expect((await core.coreMemory.undo(agent.id, 'human', 'user')).value).toBe('a\nb\nc');
  });

  it('rejects a lower limit that the current value would exceed', async () => {
    const { core, agent } = await setup();
    await core.coreMemory.rewrite(agent.id, 'human', 'x'.repeat(50), 'user');
    expect(await codeOf(core.coreMemory.updateSettings(agent.id, 'human', { limit: 10 }))).toBe(
      'BLOCK_LIMIT_EXCEEDED',
    );
    const updated = await core.coreMemory.updateSettings(agent.id, 'human', {
      limit: 60,
      readOnly: true,
    });
    expect(updated).toMatchObject({ limit: 60, readOnly: true });
  });

  it('names unknown labels and duplicate labels with stable codes', async () => {
    const { core, agent } = await setup();
    expect(await codeOf(core.coreMemory.append(agent.id, 'nope', 'x', 'agent'))).toBe(
      'BLOCK_NOT_FOUND',
    );
    expect(await codeOf(core.coreMemory.create(agent.id, { label: 'human' }))).toBe(
      'BLOCK_LABEL_TAKEN',
    );
  });
});

describe("an agent step's state", () => {
  it('reads the agent, its blocks, context ids and counts as the separate reads do', async () => {
    const { core, agent, conversation } = await setup();
    await core.coreMemory.create(agent.id, {
      label: 'scratch',
      value: 'line one',
      limit: 50,
      description: 'notes',
      readOnly: true,
    });
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'agent');
    const [first, second] = await core.recall.appendManyToContext(agent.id, conversation.id, [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
    await core.recall.append(agent.id, { role: 'user', content: 'not in context' });
    await core.archival.insert(agent.id, { text: 'a passage' });

    const state = await core.agents.getStepState(agent.id, conversation.id);
    expect(state.agent).toEqual(await core.agents.get(agent.id));
    expect(state.agent.blocks.map((b) => b.label)).toEqual(['persona', 'human', 'scratch']);
    expect(state.contextIds).toEqual([first?.id, second?.id]);
    expect(state.counts).toEqual({ messages: 3, passages: 1 });
  });

  it('names an unknown agent with a stable code', async () => {
    const { core } = await setup();
    expect(await codeOf(core.agents.getStepState('agent_missing', 'conversation-missing'))).toBe(
      'AGENT_NOT_FOUND',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';

/** Distinct words, as a pasted document would be; 100 KB by default (the case). */
function longText(chars = 100_000): string {
  const words: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    words.push(`word${i}`);
    length += words.at(-1)!.length + 1;
  }
  return words.join(' ').slice(0, chars);
}

describe('a message longer than the context window', () => {
  it('is kept whole in recall memory, shown clipped in the prompt, and later turns still work', async () => {
    const model = createScriptedModel();
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Reader' });
    const text = longText();

    const first = await call(core.handlers, 'chat.send', { agentId: agent.id, text });
    expect(first.stopReason).toBe('replied');
    // Recall memory holds every character.
    const stored = (await core.recall.recent(agent.id, 10)).find((m) => m.role === 'user');
    expect(stored?.content).toBe(text);
    // The prompt holds what fits and says where the rest is.
    const context = await call(core.handlers, 'chat.context', { agentId: agent.id });
    const shown = context.prompt.find((t) => t.role === 'user' && t.content.startsWith('word0 '));
    expect(shown).toBeDefined();
    expect(shown!.content.length).toBeLessThan(text.length / 2);
    expect(shown!.content).toContain(stored!.id);
    expect(shown!.content).toMatch(/recall memory/);

    // The agent is not broken: short turns work and the prompt does not grow.
    const sizes: number[] = [];
    for (const hi of ['hi', 'hello again', 'still there?']) {
      const result = await call(core.handlers, 'chat.send', { agentId: agent.id, text: hi });
      expect(result.stopReason).toBe('replied');
      sizes.push(model.calls.at(-1)!.turns.reduce((n, t) => n + t.content.length, 0));
    }
    expect(Math.max(...sizes)).toBeLessThan(model.contextSize * 4);
  });

  it('refuses a message over the limit saying the limit and what to do, storing nothing', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Reader' });
    const refused = await call(core.handlers, 'chat.send', {
      agentId: agent.id,
      text: longText(100_001),
    }).catch((e: { code: string; message: string }) => e);
    expect(refused).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/at most 100,000 characters.*send it in parts/),
    });
    expect(await core.recall.count(agent.id)).toBe(0);
  });

  it('keeps summaries bounded when evicted messages are huge', async () => {
    const model = createScriptedModel({ contextSize: 4096 });
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Summariser' });
    // Each is about twice the window (the scripted model counts 4 characters a token).
    for (let i = 0; i < 3; i++) {
      await call(core.handlers, 'chat.send', { agentId: agent.id, text: longText(32_000) });
    }
    const summaries = model.calls.filter((c) => c.purpose === 'summary');
    expect(summaries.length).toBeGreaterThan(0);
    for (const request of model.calls) {
      expect(await model.countTokens(request.turns)).toBeLessThanOrEqual(model.contextSize);
    }
  });

  it('refuses the turn before storing anything when core memory leaves no room', async () => {
    const core = await testCore({ chatModel: createScriptedModel({ contextSize: 2048 }) });
    const agent = await core.agents.create({
      name: 'Crowded',
      blocks: [{ label: 'human', value: 'x'.repeat(20_000), limit: 20_000 }],
    });
    const before = await core.recall.count(agent.id);
    await expect(
      call(core.handlers, 'chat.send', { agentId: agent.id, text: 'hi' }),
    ).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    expect(await core.recall.count(agent.id)).toBe(before);
    expect(await core.runtime.contextMessages(agent.id)).toEqual([]);
  });
});

describe('resetting the context window', () => {
  it('empties the context and keeps every memory tier', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Resettable' });
    await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'Hi, my name is Ada' });
    await call(core.handlers, 'chat.send', {
      agentId: agent.id,
      text: 'Remember that keys are in the pot',
    });
    const messages = await core.recall.count(agent.id);
    const passages = (await core.archival.count(agent.id)).total;
    expect((await core.runtime.contextMessages(agent.id)).length).toBeGreaterThan(0);

    const result = await call(core.handlers, 'chat.resetContext', { agentId: agent.id });
    expect(result.removed).toBeGreaterThan(0);
    expect(await core.runtime.contextMessages(agent.id)).toEqual([]);
    expect(await core.recall.count(agent.id)).toBe(messages);
    expect((await core.archival.count(agent.id)).total).toBe(passages);
    expect((await core.coreMemory.get(agent.id, 'human')).value).toContain('Ada');
    // And the agent goes on.
    const next = await call(core.handlers, 'chat.send', {
      agentId: agent.id,
      text: 'What is my name?',
    });
    expect(next.reply).toBe('Your name is Ada.');
  });

  it('resets one conversation and leaves the others as they were', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Two threads' });
    const work = await call(core.handlers, 'conversations.create', {
      agentId: agent.id,
      name: 'Work',
    });
    const home = await call(core.handlers, 'conversations.create', {
      agentId: agent.id,
      name: 'Home',
    });
    for (const c of [work, home]) {
      await call(core.handlers, 'chat.send', {
        agentId: agent.id,
        conversationId: c.id,
        text: `hello from ${c.name}`,
      });
    }
    const reset = await call(core.handlers, 'chat.resetContext', {
      agentId: agent.id,
      conversationId: work.id,
    });
    expect(reset).toMatchObject({ conversationId: work.id, removed: 3 });
    expect(await core.runtime.contextMessages(agent.id, work.id)).toEqual([]);
    expect(await core.runtime.contextMessages(agent.id, home.id)).toHaveLength(3);
  });
});

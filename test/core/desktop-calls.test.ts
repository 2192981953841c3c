import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';

describe('agents from templates and the default agent', () => {
  it('creates an agent from a template with its persona and human blocks', async () => {
    const core = await testCore();
    const templates = await call(core.handlers, 'agents.templates', {});
    expect(templates.map((t) => t.id)).toEqual(['assistant', 'journal', 'research', 'blank']);
    const agent = await call(core.handlers, 'agents.create', {
      name: 'Diary',
      template: 'journal',
    });
    const persona = agent.blocks.find((b) => b.label === 'persona');
    expect(persona?.value).toContain('journal companion');
    expect(agent.blocks.map((b) => b.label).sort()).toEqual(['human', 'persona']);
    await expect(
      call(core.handlers, 'agents.create', { name: 'X', template: 'nope' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('journal') });
  });

  it('opens the agent last chosen as default, and the first one again when it is deleted', async () => {
    const core = await testCore();
    const first = await call(core.handlers, 'agents.getDefault', {});
    const second = await call(core.handlers, 'agents.create', { name: 'Second' });
    expect((await call(core.handlers, 'agents.getDefault', {})).id).toBe(first.id);
    await call(core.handlers, 'agents.setDefault', { agentId: second.id });
    expect((await call(core.handlers, 'agents.getDefault', {})).id).toBe(second.id);
    await call(core.handlers, 'agents.delete', { agentId: second.id });
    expect((await call(core.handlers, 'agents.getDefault', {})).id).toBe(first.id);
  });
});

describe('core blocks', () => {
  it('renames a block, keeping its text, and refuses a label in use', async () => {
    const core = await testCore();
    const agent = await call(core.handlers, 'agents.getDefault', {});
    await call(core.handlers, 'blocks.setValue', {
      agentId: agent.id,
      label: 'human',
      value: 'Ada',
    });
    const renamed = await call(core.handlers, 'blocks.rename', {
      agentId: agent.id,
      label: 'human',
      newLabel: 'owner',
    });
    expect(renamed).toMatchObject({ label: 'owner', value: 'Ada' });
    expect((await core.runtime.preview(agent.id))[0]?.content).toContain('<owner ');
    await expect(
      call(core.handlers, 'blocks.rename', {
        agentId: agent.id,
        label: 'owner',
        newLabel: 'persona',
      }),
    ).rejects.toMatchObject({ code: 'BLOCK_LABEL_TAKEN' });
  });
});

describe('context inspection', () => {
  it('estimates the sections, labelled as such, when no model is loaded', async () => {
    const core = await testCore();
    const agent = await call(core.handlers, 'agents.getDefault', {});
    const view = await call(core.handlers, 'chat.inspect', { agentId: agent.id });
    expect(view.counting).toBe('estimate');
    expect(view.contextSize).toBe(agent.model.contextSize);
    const tokens = Object.fromEntries(view.sections.map((s) => [s.id, s.tokens]));
    expect(Object.keys(tokens)).toEqual([
      'instructions',
      'core_memory',
      'summary',
      'surfaced',
      'messages',
      'free',
    ]);
    expect(tokens.instructions).toBeGreaterThan(tokens.core_memory!);
    expect(tokens.core_memory).toBeGreaterThan(0);
    expect(tokens.summary).toBe(0);
    expect(tokens.messages).toBe(0);
    expect(view.used + tokens.free!).toBe(view.contextSize);
    expect(view.prompt[0]?.content).toContain('### Core memory');
  });

  it("counts with the loaded model's tokenizer, and the sections add up to the prompt", async () => {
    const model = createScriptedModel({ contextSize: 3000 });
    const core = await testCore({ chatModel: model });
    const agent = await call(core.handlers, 'agents.getDefault', {});
    const summaryTokens = async () =>
      (await call(core.handlers, 'chat.inspect', { agentId: agent.id })).sections.find(
        (s) => s.id === 'summary',
      )?.tokens ?? 0;
    // Until the window overflows (how soon depends on the prompt's size).
    for (let i = 0; i < 60 && (await summaryTokens()) === 0; i++) {
      await call(core.handlers, 'chat.send', {
        agentId: agent.id,
        text: `Message ${i} with enough padding words to fill a small context window quickly`,
      });
    }
    const view = await call(core.handlers, 'chat.inspect', { agentId: agent.id });
    expect(view).toMatchObject({ counting: 'tokenizer', modelName: 'scripted', contextSize: 3000 });
    const tokens = Object.fromEntries(view.sections.map((s) => [s.id, s.tokens]));
    // The window overflowed once: a summary now sits in the prompt.
    expect(tokens.summary).toBeGreaterThan(0);
    expect(tokens.messages).toBeGreaterThan(0);
    const used = view.sections.filter((s) => s.id !== 'free').reduce((n, s) => n + s.tokens, 0);
    expect(used).toBe(view.used);
    expect(view.used).toBe(await model.countTokens(await core.runtime.preview(agent.id)));
    expect(view.used + tokens.free!).toBe(3000);
    // The budget it reports is the one steps are held to: prompts grew up to
    // it, never past it (the rest of the window is the reply's).
    expect(view.promptBudget).toBeLessThan(view.contextSize);
    const steps = await Promise.all(
      model.calls.filter((c) => c.purpose === 'step').map((c) => model.countTokens(c.turns)),
    );
    expect(Math.max(...steps)).toBeLessThanOrEqual(view.promptBudget);
    expect(Math.max(...steps)).toBeGreaterThan(view.promptBudget * 0.9);
  });
});

describe('retrying a reply', () => {
  it('sends the last message again, and the earlier attempt leaves the context but not history', async () => {
    let attempt = 0;
    const model = createScriptedModel({
      script: () => ({
        thinking: '',
        tool: 'send_message',
        arguments: { message: `Attempt ${++attempt}` },
      }),
    });
    const core = await testCore({ chatModel: model });
    const agent = await call(core.handlers, 'agents.getDefault', {});
    await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'Tell me a joke' });
    const retried = await call(core.handlers, 'chat.retry', { agentId: agent.id });
    expect(retried.reply).toBe('Attempt 2');
    const context = await core.runtime.contextMessages(agent.id);
    expect(context.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'Tell me a joke',
    ]);
    expect(JSON.stringify(context)).not.toContain('Attempt 1');
    const history = await core.recall.search(agent.id, { query: 'Attempt', limit: 10 });
    expect(history.items.length).toBeGreaterThanOrEqual(2);
  });

  it('says there is nothing to retry in an empty conversation', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await call(core.handlers, 'agents.getDefault', {});
    await expect(call(core.handlers, 'chat.retry', { agentId: agent.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('status and preferences', () => {
  it('tells the basic embedder apart from a model, and remembers the first-run screen', async () => {
    const core = await testCore();
    expect((await call(core.handlers, 'status.get', {})).embedder.kind).toBe('basic');
    expect(await call(core.handlers, 'preferences.get', {})).toEqual({ onboardingDone: false });
    await call(core.handlers, 'preferences.update', { onboardingDone: true });
    expect(await call(core.handlers, 'preferences.get', {})).toEqual({ onboardingDone: true });
  });
});

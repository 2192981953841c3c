import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';

const WORDS = 'apple river garden violin copper meadow lantern harbor saffron glacier'.split(' ');

/** About 200 characters of distinct chatter, numbered so each can be found again. */
function chatter(i: number): string {
  return `note${i} ${Array.from({ length: 30 }, (_, j) => WORDS[(i * 7 + j * 3) % 10]).join(' ')}`;
}

// The small profile's instructions, tools and core memory take about 600 of
// the scripted model's tokens: a 1024-token window leaves ~170 for the rest.
describe('a small context window', () => {
  it('keeps answering turn after turn once the running summary has grown', async () => {
    const model = createScriptedModel({ contextSize: 1024 });
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Small' });
    for (let i = 0; i < 12; i++) {
      const result = await call(core.handlers, 'chat.send', {
        agentId: agent.id,
        text: chatter(i),
      });
      expect(result.stopReason, `turn ${i}`).toBe('replied');
    }
    expect(model.calls.some((c) => c.purpose === 'summary')).toBe(true);
    for (const request of model.calls)
      expect(await model.countTokens(request.turns)).toBeLessThanOrEqual(model.contextSize);
    // Nothing the user said is lost: the first message is still found.
    const found = await call(core.handlers, 'recall.search', {
      agentId: agent.id,
      query: 'note0',
      roles: ['user'],
    });
    expect(found.items[0]?.content).toBe(chatter(0));
  });

  it('shows a long message clipped to the room the window leaves instead of refusing it', async () => {
    const model = createScriptedModel({ contextSize: 1024 });
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Small' });
    const text = Array.from({ length: 60 }, (_, i) => chatter(i)).join(' ');
    const result = await call(core.handlers, 'chat.send', { agentId: agent.id, text });
    expect(result.stopReason).toBe('replied');
    const stored = (await core.recall.recent(agent.id, 10)).find((m) => m.role === 'user');
    expect(stored?.content).toBe(text);
    for (const request of model.calls)
      expect(await model.countTokens(request.turns)).toBeLessThanOrEqual(model.contextSize);
  });

  it('refuses a window too small for the instructions with the context size that works, storing nothing', async () => {
    const core = await testCore({ chatModel: createScriptedModel({ contextSize: 512 }) });
    const agent = await core.agents.create({ name: 'Tiny' });
    const refused = await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'hi' }).catch(
      (e: { code: string; message: string }) => e,
    );
    expect(refused).toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    const message = (refused as { message: string }).message;
    // Core memory is not what crowds this window: shortening it would not help.
    expect(message).not.toMatch(/[Ss]horten the core memory/);
    const size = Number(/context size of at least (\d+)/.exec(message)?.[1]);
    expect(size).toBeGreaterThan(512);
    expect(await core.recall.count(agent.id)).toBe(0);

    // The size it names works.
    await core.setModel(createScriptedModel({ contextSize: size }));
    const result = await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'hi' });
    expect(result.stopReason).toBe('replied');
  });
});

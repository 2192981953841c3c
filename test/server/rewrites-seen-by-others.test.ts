import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { PIN, quotedElsewhere, surfacedText } from '../helpers/quoted-elsewhere';
import { testCore } from '../helpers/test-core';

/**
 * Two Locus instances on one PostgreSQL database (the app and the CLI, say):
 * each caches the messages of the context windows it has read, and one's
 * forget or "don't remember" rewrites messages in place.
 */
async function twoInstances() {
  const model = createScriptedModel();
  const here = await testCore({ chatModel: createScriptedModel() });
  if (here.database.backend !== 'postgres') throw new Error('a server test on PGlite');
  const there = await testCore({ databaseUrl: here.database.server.target.url, chatModel: model });
  const agent = await here.agents.create({ name: 'Tester' });
  return { here, there, model, agent };
}

describe('a rewrite made by another instance on the same server', () => {
  it("reaches this one's next step: a forgotten message leaves the memories it cached", async () => {
    const { here, there, model, agent } = await twoInstances();
    const { diary, later } = await quotedElsewhere(here, agent.id, there);

    const [message] = (await here.runtime.contextMessages(agent.id, diary.id)).filter(
      (m) => m.role === 'user',
    );
    await here.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message!.id },
    });
    // Nothing surfaced for the next turn: surfacing reads the context the
    // way the view does, and the step's own read (ids with the agent state)
    // must see the rewrite by itself.
    await here.agents.update(agent.id, { model: { surfacingTokens: 0 } });

    // The next step first, then the view.
    await there.runtime.send(agent.id, 'Thanks.', { conversationId: later.id });
    expect(JSON.stringify(model.calls.at(-1)?.turns)).not.toContain(PIN);
    expect(await surfacedText(there, agent.id, later.id)).toContain('bees');
    expect(await surfacedText(there, agent.id, later.id)).not.toContain(PIN);
  });

  it("reaches this one's next step: a conversation no longer remembered leaves the memories it cached", async () => {
    const { here, there, model, agent } = await twoInstances();
    const { diary, later } = await quotedElsewhere(here, agent.id, there);

    await here.handlers['conversations.setRemember']({ conversationId: diary.id, remember: false });

    // The next step first (it reads the ids with the agent state), then the view.
    await there.runtime.send(agent.id, 'Thanks.', { conversationId: later.id });
    expect(JSON.stringify(model.calls.at(-1)?.turns)).not.toContain(PIN);
    expect(await surfacedText(there, agent.id, later.id)).toContain('bees');
    expect(await surfacedText(there, agent.id, later.id)).not.toContain(PIN);
  });
});

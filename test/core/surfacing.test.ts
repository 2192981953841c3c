import { describe, expect, it } from 'vitest';
import { scriptedConsolidation } from '../../src/core/models/scripted-consolidation';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { parseSurfacedBlock, type SurfacedBlock } from '../../src/shared/surfaced-memories';
import type { Message } from '../../src/shared/entities';
import { createUseEmbedder } from '../../bench/use-embedder';
import { createCore } from '../../src/core/create-core';
import { SURFACED_ITEM_CHARS } from '../../src/core/memory/surfacing/surfacing';
import { onCleanup, tempDir, testCore } from '../helpers/test-core';

/** A model that answers every step at once; the requests it saw are kept. */
const replier = () =>
  createScriptedModel({
    script: (request) =>
      request.purpose === 'consolidate'
        ? scriptedConsolidation(request)
        : { thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Noted.' } },
  });

const blockOf = (messages: readonly Message[]): SurfacedBlock | null => {
  const stored = messages.filter((m) => m.kind === 'memories');
  return stored.length > 0 ? parseSurfacedBlock(stored.at(-1)?.content ?? '') : null;
};

async function seeded(options: Parameters<typeof testCore>[0] = {}) {
  const chatModel = replier();
  const core = await testCore({ chatModel, ...options });
  const agent = await core.agents.getOrCreateDefault();
  // Said long ago: in recall memory, outside the context window.
  await core.recall.appendMany(agent.id, [
    { role: 'user', content: 'My daughter Lena starts violin lessons on Tuesdays.' },
    { role: 'assistant', content: 'Lovely, I will remember the violin lessons.' },
    { role: 'user', content: 'The boiler was serviced in March by Hartmann Heating.' },
  ]);
  await core.archival.insert(agent.id, {
    text: 'Lena is allergic to peanuts; the school has an epipen for her.',
  });
  return { core, agent, chatModel };
}

describe('memory surfacing', () => {
  it("gives the model what memory holds on the user's message, inside that turn, stored with it", async () => {
    const { core, agent, chatModel } = await seeded();
    const turn = await core.runtime.send(agent.id, 'What does Lena do on Tuesdays, violin?');
    expect(turn.stopReason).toBe('replied');

    const context = await core.handlers['chat.context']({ agentId: agent.id });
    const kinds = context.messages.map((m) => m.kind);
    // Right after the user's message it was found for.
    expect(kinds[kinds.indexOf('memories') - 1]).toBe('chat');
    const block = blockOf(context.messages);
    expect(block?.items.map((i) => i.text)).toContain(
      'My daughter Lena starts violin lessons on Tuesdays.',
    );
    for (const item of block?.items ?? []) {
      expect(item.at).toMatch(/^\d{4}-\d{2}-\d{2}/);
      expect(['conversation', 'saved by the user']).toContain(item.source);
    }

    // The model read it in the user's turn, never in the system turn.
    const request = chatModel.calls[0];
    const system = request?.turns[0]?.content ?? '';
    const user = request?.turns.findLast((t) => t.role === 'user')?.content ?? '';
    expect(system).not.toContain('violin');
    expect(user).toContain('[memories]');
    expect(user).toContain('violin lessons on Tuesdays');
    expect(user.endsWith('What does Lena do on Tuesdays, violin?')).toBe(true);
    // chat.context's prompt shows the same turn.
    expect(context.prompt.some((t) => t.content === user)).toBe(true);
  });

  it('renders a turn identically in later steps, so the KV cache stays valid', async () => {
    let step = 0;
    const chatModel = createScriptedModel({
      script: () =>
        step++ === 0
          ? {
              thinking: 'Look it up.',
              tool: 'conversation_search',
              arguments: { query: 'boiler', request_heartbeat: true },
            }
          : { thinking: 'Answer.', tool: 'send_message', arguments: { message: 'March.' } },
    });
    const { core, agent } = await seeded({ chatModel });
    await core.runtime.send(agent.id, 'When was the boiler serviced last?');
    const steps = chatModel.calls.filter((c) => c.purpose === 'step');
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const userTurn = (i: number) =>
      steps[i]?.turns.find((t) => t.content.endsWith('When was the boiler serviced last?'));
    expect(userTurn(0)?.content).toContain('Hartmann Heating');
    expect(userTurn(1)?.content).toBe(userTurn(0)?.content);
  });

  it('never repeats what is already in the context window, nor what an earlier turn was given', async () => {
    const { core, agent } = await seeded();
    // Said in this conversation, so the model already sees it.
    await core.runtime.send(agent.id, 'Remember: the boiler code is 4471.');
    await core.runtime.send(agent.id, 'Tell me about Lena and the violin.');
    const first = blockOf(await core.runtime.contextMessages(agent.id));
    expect(first?.items.some((i) => i.text.includes('violin lessons'))).toBe(true);

    await core.runtime.send(agent.id, 'What is the boiler code? And Lena violin lessons?');
    const messages = await core.runtime.contextMessages(agent.id);
    const last = blockOf(messages);
    const texts = (last?.items ?? []).map((i) => i.text);
    expect(texts.some((t) => t.includes('4471'))).toBe(false);
    expect(texts.some((t) => t.includes('violin lessons on Tuesdays'))).toBe(false);
    // Each memory at most once in a block.
    expect(new Set(last?.items.map((i) => i.id)).size).toBe(last?.items.length ?? 0);
  });

  it('searches past what is in the context window, so a long talk on the subject does not crowd memory out', async () => {
    const { core, agent } = await seeded();
    await core.recall.appendMany(agent.id, [
      { role: 'user', content: 'Hartmann Heating comes every March for the boiler.' },
    ]);
    // More matching turns in context than surfacing reads candidates: each
    // holds the question's words better than the memory it should be given.
    const { conversationId } = await core.runtime.threadOf(agent.id);
    await core.recall.appendManyToContext(
      agent.id,
      conversationId,
      Array.from({ length: 60 }, (_, i) => ({
        role: 'user' as const,
        content: `Visit ${i + 1}: the boiler was serviced and serviced again.`,
      })),
    );
    await core.runtime.send(agent.id, 'When was the boiler serviced?');
    const texts = (blockOf(await core.runtime.contextMessages(agent.id))?.items ?? []).map(
      (i) => i.text,
    );
    expect(texts).toContain('Hartmann Heating comes every March for the boiler.');
    expect(texts.filter((t) => t.startsWith('Visit '))).toEqual([]);
  });

  it('does not give back the same question asked before, only what answers it', async () => {
    const { core, agent } = await seeded();
    await core.recall.appendMany(agent.id, [
      { role: 'user', content: 'When was the boiler serviced last?' },
      { role: 'assistant', content: 'I do not know yet.' },
    ]);
    await core.runtime.send(agent.id, 'When was the boiler serviced last?');
    const texts = (blockOf(await core.runtime.contextMessages(agent.id))?.items ?? []).map(
      (i) => i.text,
    );
    expect(texts).toContain('The boiler was serviced in March by Hartmann Heating.');
    expect(texts).not.toContain('When was the boiler serviced last?');
  });

  it('leaves out hits far weaker than the best match (a shared word is not relevance)', async () => {
    const { core, agent } = await seeded();
    await core.recall.appendMany(agent.id, [
      { role: 'user', content: 'On Tuesdays the recycling bins go out before seven.' },
      { role: 'user', content: 'Tuesdays are busy at the office this month.' },
    ]);
    await core.runtime.send(agent.id, 'What does Lena do on Tuesdays, violin?');
    const texts = (blockOf(await core.runtime.contextMessages(agent.id))?.items ?? []).map(
      (i) => i.text,
    );
    expect(texts).toContain('My daughter Lena starts violin lessons on Tuesdays.');
    expect(texts.filter((t) => t.includes('Tuesdays') && !t.includes('violin'))).toEqual([]);
  });

  it('trims a long memory to the part that matched', async () => {
    const { core, agent } = await seeded();
    const filler = (n: number) => Array.from({ length: n }, () => 'We talked about the weather.');
    await core.recall.appendMany(agent.id, [
      {
        role: 'user',
        content: [
          ...filler(20),
          'The spare key hides under the blue flowerpot.',
          ...filler(20),
        ].join(' '),
      },
    ]);
    await core.runtime.send(agent.id, 'Where is the spare key hidden, flowerpot?');
    const items = blockOf(await core.runtime.contextMessages(agent.id))?.items ?? [];
    const found = items.find((i) => i.text.includes('spare key'));
    expect(found?.text).toContain('under the blue flowerpot');
    expect(found?.text.length).toBeLessThanOrEqual(SURFACED_ITEM_CHARS + 2);
  });

  it('surfaces nothing for a query that matches nothing (fallback embedder)', async () => {
    const { core, agent } = await seeded();
    await core.runtime.send(agent.id, 'xyzzy');
    await core.runtime.send(agent.id, 'qwertyuiop blorft snarfle');
    const messages = await core.recall.recent(agent.id, 50);
    expect(messages.filter((m) => m.kind === 'memories')).toEqual([]);
  });

  it('surfaces nothing for a query that matches nothing (a real sentence model)', async () => {
    const { core, agent } = await seeded({ embedder: await createUseEmbedder() });
    await core.indexer.drain();
    await core.runtime.send(agent.id, 'xyzzy');
    expect((await core.recall.recent(agent.id, 50)).some((m) => m.kind === 'memories')).toBe(false);
    // The same model still surfaces what is related.
    await core.runtime.send(agent.id, 'Which day are the violin lessons?');
    expect(blockOf(await core.runtime.contextMessages(agent.id))).not.toBeNull();
  }, 300_000);

  it('is off when the agent says so (surfacingTokens 0)', async () => {
    const { core, agent, chatModel } = await seeded();
    await core.handlers['agents.update']({ agentId: agent.id, model: { surfacingTokens: 0 } });
    await core.runtime.send(agent.id, 'What does Lena do on Tuesdays, violin?');
    expect((await core.recall.recent(agent.id, 50)).some((m) => m.kind === 'memories')).toBe(false);
    expect(JSON.stringify(chatModel.calls[0]?.turns)).not.toContain('[memories]');
  });

  it('ranks the current fact above the one it replaced, and shows the old one as past', async () => {
    const { core, agent } = await seeded();
    const old = await core.archival.insert(agent.id, { text: 'Lena plays the violin at school.' });
    const current = await core.archival.insert(agent.id, {
      text: 'Lena switched from violin to cello at school.',
    });
    await core.archival.supersede(old.id, current.id, '2026-03-15T00:00:00.000Z');

    const found = await core.archival.search(agent.id, { query: 'Lena violin school' });
    const ids = found.items.map((p) => p.id);
    expect(ids.indexOf(current.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(current.id)).toBeLessThan(ids.indexOf(old.id));

    await core.runtime.send(agent.id, 'What about Lena, violin and school?');
    const block = blockOf(await core.runtime.contextMessages(agent.id));
    const items = block?.items ?? [];
    const pastAt = items.findIndex((i) => i.id === old.id);
    const currentAt = items.findIndex((i) => i.id === current.id);
    expect(currentAt).toBeGreaterThanOrEqual(0);
    expect(pastAt).toBeGreaterThan(currentAt);
    expect(items[pastAt]?.until).toBe('2026-03-15T00:00:00.000Z');
  });

  it('gives a later process, in another conversation, a fact told without a memory tool', async () => {
    const dataDir = tempDir();
    const first = await createCore({ dataDir, chatModel: replier() });
    const agent = await first.agents.getOrCreateDefault();
    await first.runtime.send(agent.id, 'My sister is called Lena and she lives in Porto.');
    // No memory tool ran: only the reply.
    expect((await first.archival.list(agent.id)).items).toEqual([]);
    await first.handlers['consolidation.run']({ agentId: agent.id });
    await first.dispose();

    const model = replier();
    const second = await createCore({ dataDir, chatModel: model });
    onCleanup(() => second.dispose());
    const fresh = await second.handlers['conversations.create']({ agentId: agent.id });
    await second.runtime.send(agent.id, 'Where does my sister live?', {
      conversationId: fresh.id,
    });
    const step = model.calls.find((c) => c.purpose === 'step');
    // Consolidated into core memory, and the words themselves surfaced from recall.
    expect(step?.turns[0]?.content).toContain('Sister: Lena');
    const user = step?.turns.findLast((t) => t.role === 'user')?.content ?? '';
    expect(user).toContain('[memories]');
    expect(user).toContain('she lives in Porto');
  });
});

describe('context inspection with surfaced memories', () => {
  it("counts the surfaced block in the user's turn as surfaced, not as messages", async () => {
    const { core, agent } = await seeded();
    await core.runtime.send(agent.id, 'What does Lena do on Tuesdays, violin?');
    const view = await core.handlers['chat.inspect']({ agentId: agent.id });
    const tokens = Object.fromEntries(view.sections.map((s) => [s.id, s.tokens]));
    expect(tokens.surfaced).toBeGreaterThan(0);
    // Nothing counted twice: the sections still add up to the whole prompt.
    const used = view.sections.filter((s) => s.id !== 'free').reduce((a, s) => a + s.tokens, 0);
    expect(used).toBe(view.used);
  });
});

import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/create-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { PIN, quotedElsewhere, surfacedText } from '../helpers/quoted-elsewhere';
import { testCore } from '../helpers/test-core';

/** How many of a conversation's messages have a vector. */
async function embedded(core: Core, conversationId: string): Promise<number> {
  const result = await core.database.pg.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM messages
     WHERE coalesce(conversation_id, agent_id) = $1 AND embedding IS NOT NULL`,
    [conversationId],
  );
  return result.rows[0]!.n;
}

async function setup(model = replyOnlyModel()) {
  const core = await testCore({ chatModel: model });
  const agent = await core.agents.create({ name: 'Tester' });
  const open = await core.handlers['conversations.create']({ agentId: agent.id, name: 'Open' });
  const secret = await core.handlers['conversations.create']({ agentId: agent.id, name: 'Secret' });
  const hidden = await core.handlers['conversations.setRemember']({
    conversationId: secret.id,
    remember: false,
  });
  expect(hidden.remember).toBe(false);
  const human = async () => (await core.coreMemory.get(agent.id, 'human')).value;
  return { core, agent, open, secret, human };
}

describe('a conversation the user asked not to remember', () => {
  it('keeps its messages as history but does not consolidate, embed or search them for the model', async () => {
    const { core, agent, open, secret, human } = await setup();
    await core.runtime.send(agent.id, 'My sister is called Lena.', { conversationId: secret.id });
    await core.runtime.send(agent.id, 'I live in Paris.', { conversationId: open.id });
    await core.indexer.idle();

    expect(await core.handlers['consolidation.status']({ agentId: agent.id })).toMatchObject({
      pending: 2,
    });
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Lives in Paris');
    expect(await embedded(core, open.id)).toBe(2);
    expect(await embedded(core, secret.id)).toBe(0);

    // Searches made for the model leave it out; the person's history view shows it.
    // (The fake embedder ranks everything by meaning, so other messages may come back.)
    const found = await core.recall.search(agent.id, { query: 'sister Lena' });
    expect(found.items.filter((m) => m.conversationId === secret.id)).toEqual([]);
    const history = await core.handlers['recall.search']({ agentId: agent.id, query: 'Lena' });
    expect(history.items.map((m) => m.content)).toContain('My sister is called Lena.');
    // And the conversation itself still has it in its context.
    const context = await core.runtime.contextMessages(agent.id, secret.id);
    expect(context.map((m) => m.content)).toContain('My sister is called Lena.');

    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed.map((e) => e.summary)).toContain(
      'Stopped remembering conversation "Secret": nothing from it goes into memory',
    );
  });

  it('refuses the agent memory tools there, as a result the model reads', async () => {
    const { core, agent, secret, human } = await setup(createScriptedModel());
    const result = await core.runtime.send(agent.id, 'My name is Ada', {
      conversationId: secret.id,
    });
    expect(result.reply).toMatch(/^Sorry, that did not work: The user asked not to remember/);
    expect(await human()).toBe('');
    const saved = await core.runtime.send(agent.id, 'Remember that the code is 4711', {
      conversationId: secret.id,
    });
    expect(saved.reply).toMatch(/not to remember/);
    expect((await core.archival.list(agent.id)).items).toEqual([]);
  });

  it('becomes ordinary memory again once remembered: consolidated and embedded from where it stopped', async () => {
    const { core, agent, secret, human } = await setup();
    await core.runtime.send(agent.id, 'My sister is called Lena.', { conversationId: secret.id });
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('');

    const back = await core.handlers['conversations.setRemember']({
      conversationId: secret.id,
      remember: true,
    });
    expect(back.remember).toBe(true);
    await core.indexer.idle();
    expect(await embedded(core, secret.id)).toBe(2);
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Sister: Lena');

    // Kept out again: its vectors go at once.
    await core.handlers['conversations.setRemember']({
      conversationId: secret.id,
      remember: false,
    });
    expect(await embedded(core, secret.id)).toBe(0);
  });

  it('takes what other conversations were given from it out of their surfaced memories, for good', async () => {
    const model = createScriptedModel();
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Tester' });
    const { diary, later } = await quotedElsewhere(core, agent.id);
    const surfaced = () => surfacedText(core, agent.id, later.id);

    await core.handlers['conversations.setRemember']({
      conversationId: diary.id,
      remember: false,
    });
    // The later conversation keeps what else it was given; the diary keeps its history.
    expect(await surfaced()).not.toContain(PIN);
    expect(await surfaced()).toContain('bees');
    const context = await core.handlers['chat.context']({
      agentId: agent.id,
      conversationId: later.id,
    });
    expect(JSON.stringify(context)).not.toContain(PIN);
    const diaryContext = await core.runtime.contextMessages(agent.id, diary.id);
    expect(diaryContext.map((m) => m.content)).toContain('My bank PIN is 4242, keep it safe.');
    // The model's next step there no longer reads it.
    await core.runtime.send(agent.id, 'Thanks.', { conversationId: later.id });
    expect(JSON.stringify(model.calls.at(-1)?.turns)).not.toContain(PIN);

    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry).toMatchObject({
      action: 'conversation.dont_remember',
      summary:
        'Stopped remembering conversation "Diary": nothing from it goes into memory; 2 quotes of it were taken out of other conversations (remembering it again does not bring them back)',
    });
    expect(JSON.stringify(entry)).not.toContain(PIN);

    // Remembered again, the copies stay out; the diary can be surfaced anew.
    await core.handlers['conversations.setRemember']({ conversationId: diary.id, remember: true });
    expect(await surfaced()).not.toContain(PIN);
  });

  it('can be set while a memories message is not JSON (an imported file may hold one), which it leaves as it is', async () => {
    const { core, agent, open, secret } = await setup();
    await core.handlers['conversations.setRemember']({ conversationId: secret.id, remember: true });
    await core.runtime.send(agent.id, 'My bank PIN is 4242, keep it safe.', {
      conversationId: secret.id,
    });
    const [said] = await core.runtime.contextMessages(agent.id, secret.id);
    const broken = `{"items":[{"id":"${said!.id}", not JSON`;
    await createMessagesRepo(core.database.pg).insert({
      id: 'message-broken',
      agentId: agent.id,
      conversationId: open.id,
      role: 'system',
      kind: 'memories',
      content: broken,
      toolCalls: null,
      toolCallId: null,
      name: null,
      createdAt: new Date().toISOString(),
    });

    await core.handlers['conversations.setRemember']({
      conversationId: secret.id,
      remember: false,
    });
    const [stored] = await core.recall.getMany(['message-broken']);
    expect(stored?.content).toBe(broken);
  });

  it('stays out of memory through an export and import, as it was', async () => {
    const { core, agent, open, secret } = await setup();
    await core.runtime.send(agent.id, 'The safe code is 4471.', { conversationId: secret.id });
    await core.runtime.send(agent.id, 'I live in Paris.', { conversationId: open.id });
    const file = await core.handlers['agentfile.export']({ agentId: agent.id });
    const report = await core.handlers['agentfile.import']({ text: file.text });
    await core.indexer.idle();

    const conversations = await core.handlers['conversations.list']({ agentId: report.agentId });
    const byName = new Map(conversations.map((c) => [c.name, c]));
    expect(byName.get('Secret')?.remember).toBe(false);
    expect(byName.get('Open')?.remember).toBe(true);
    expect(await embedded(core, byName.get('Secret')!.id)).toBe(0);
    const found = await core.recall.search(report.agentId, { query: 'safe code 4471' });
    expect(found.items.map((m) => m.content)).not.toContain('The safe code is 4471.');
    // What came back is exported the same way again.
    const again = await core.handlers['agentfile.export']({ agentId: report.agentId });
    const locus = (
      JSON.parse(again.text) as {
        agents: Array<{
          metadata: { locus: { conversations: Array<{ name: string; remember?: boolean }> } };
        }>;
      }
    ).agents[0]!.metadata.locus;
    expect(locus.conversations.map((c) => [c.name, c.remember])).toEqual(
      expect.arrayContaining([
        ['Secret', false],
        ['Open', undefined],
      ]),
    );
  });
});

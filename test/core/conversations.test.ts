import { describe, expect, it } from 'vitest';
import { LocusError } from '../../src/shared/errors';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { storageOf, testCore, testDatabase } from '../helpers/test-core';
import { migrationsBefore } from '../helpers/migrations-before';
import { heldModel } from '../helpers/held-model';

const CONVERSATIONS_MIGRATION = '1796530690761_conversations';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LocusError) return error.code;
    throw error;
  }
  return 'resolved';
}

async function setup(contextSize?: number) {
  const core = await testCore({
    chatModel: createScriptedModel(contextSize ? { contextSize } : {}),
  });
  const agent = await core.agents.create({ name: 'Tester' });
  return { core, agentId: agent.id, h: core.handlers };
}

describe('conversations', () => {
  it('name the turn running in them, and only there, until it ends (chat.running)', async () => {
    const held = heldModel();
    const core = await testCore({ chatModel: held.model });
    const { id: agentId } = await core.agents.create({ name: 'Tester' });
    const h = core.handlers;
    const [busy] = await h['conversations.list']({ agentId });
    const quiet = await h['conversations.create']({ agentId });
    expect(await h['chat.running']({ agentId, conversationId: busy?.id })).toEqual({
      turnId: null,
    });

    const turn = h['chat.send']({
      agentId,
      conversationId: busy?.id,
      text: 'Hello',
      turnId: 'turn-1',
    });
    await expect.poll(() => held.started()).toBe(true);
    expect(await h['chat.running']({ agentId, conversationId: busy?.id })).toEqual({
      turnId: 'turn-1',
    });
    expect(await h['chat.running']({ agentId, conversationId: quiet.id })).toEqual({
      turnId: null,
    });

    held.release();
    await turn;
    expect(await h['chat.running']({ agentId, conversationId: busy?.id })).toEqual({
      turnId: null,
    });
  });

  it('give each conversation its own context window over the agent’s shared memory', async () => {
    const { core, agentId, h } = await setup();
    const [first] = await h['conversations.list']({ agentId });
    expect(first?.name).toBe('Conversation 1');
    const told = await h['chat.send']({ agentId, text: 'Hi! My name is Ada.' });
    expect(told.conversationId).toBe(first?.id);

    const second = await h['conversations.create']({ agentId, name: 'Trip planning' });
    const asked = await h['chat.send']({
      agentId,
      conversationId: second.id,
      text: 'What is my name?',
    });
    // Core memory is the agent's: the new conversation knows what the first one saved.
    expect(asked).toMatchObject({ conversationId: second.id, reply: 'Your name is Ada.' });

    const firstContext = await h['chat.context']({ agentId, conversationId: first?.id });
    const secondContext = await h['chat.context']({ agentId, conversationId: second.id });
    const userTexts = (messages: typeof firstContext.messages) =>
      messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(userTexts(firstContext.messages)).toEqual(['Hi! My name is Ada.']);
    expect(userTexts(secondContext.messages)).toEqual(['What is my name?']);
    expect(secondContext.messages.every((m) => m.conversationId === second.id)).toBe(true);
    // Recall memory is the agent's too: one search finds what was said in either.
    const found = await core.recall.search(agentId, { query: 'name Ada', roles: ['user'] });
    expect(found.items.map((m) => m.conversationId).sort()).toContain(first?.id);

    // A call that names no conversation goes to the most recently active one.
    expect((await h['chat.context']({ agentId })).conversationId).toBe(second.id);
    const history = await h['recall.recent']({ agentId, conversationId: first?.id });
    expect(history.every((m) => m.conversationId === first?.id)).toBe(true);
    expect(history.length).toBeGreaterThan(0);
  });

  it('lists by last activity, renames, and deletes a conversation with what was said in it', async () => {
    const { core, agentId, h } = await setup();
    const [first] = await h['conversations.list']({ agentId });
    core.clock.advance(60_000);
    const second = await h['conversations.create']({ agentId });
    expect(second.name).toBe('Conversation 2');
    expect(second.lastMessageAt).toBeNull();
    expect((await h['conversations.list']({ agentId })).map((c) => c.id)).toEqual([
      second.id,
      first?.id,
    ]);
    core.clock.advance(60_000);
    await h['chat.send']({ agentId, conversationId: first?.id, text: 'Hello there' });
    const listed = await h['conversations.list']({ agentId });
    expect(listed.map((c) => c.id)).toEqual([first?.id, second.id]);
    const newest = (await h['recall.recent']({ agentId, conversationId: first?.id })).at(-1);
    expect(listed[0]?.lastMessageAt).toBe(newest?.createdAt);
    expect(Date.parse(listed[0]?.lastMessageAt ?? '')).toBeGreaterThan(
      Date.parse(second.createdAt),
    );

    const renamed = await h['conversations.rename']({ conversationId: second.id, name: ' Ideas ' });
    expect(renamed.name).toBe('Ideas');
    expect(await codeOf(h['conversations.rename']({ conversationId: second.id, name: ' ' }))).toBe(
      'INVALID_INPUT',
    );

    await h['chat.send']({ agentId, conversationId: second.id, text: 'A thought' });
    const before = await core.recall.count(agentId);
    const inSecond = (await h['recall.recent']({ agentId, conversationId: second.id })).length;
    await h['conversations.delete']({ conversationId: second.id });
    expect(await core.recall.count(agentId)).toBe(before - inSecond);
    expect((await h['conversations.list']({ agentId })).map((c) => c.id)).toEqual([first?.id]);
    expect(await codeOf(h['chat.send']({ agentId, conversationId: second.id, text: 'x' }))).toBe(
      'CONVERSATION_NOT_FOUND',
    );
    expect(await codeOf(h['conversations.delete']({ conversationId: second.id }))).toBe(
      'CONVERSATION_NOT_FOUND',
    );
    expect(await codeOf(h['conversations.list']({ agentId: 'agent-missing' }))).toBe(
      'AGENT_NOT_FOUND',
    );
    expect(await codeOf(h['chat.send']({ agentId: 'agent-missing', text: 'x' }))).toBe(
      'AGENT_NOT_FOUND',
    );

    // Deleting the last one is allowed; the next message starts a new one.
    await h['conversations.delete']({ conversationId: first?.id as string });
    const next = await h['chat.send']({ agentId, text: 'Fresh start' });
    expect((await h['conversations.list']({ agentId })).map((c) => c.id)).toEqual([
      next.conversationId,
    ]);
  });

  it('deletes what was said in a conversation from the memories surfaced in the others too', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    const a = await core.handlers['conversations.create']({ agentId: agent.id, name: 'A' });
    await core.runtime.send(agent.id, 'My gate code is 5577, tell no one.', {
      conversationId: a.id,
    });
    await core.runtime.send(agent.id, 'I keep bees on the roof.', { conversationId: a.id });
    const b = await core.handlers['conversations.create']({ agentId: agent.id, name: 'B' });
    await core.runtime.send(agent.id, 'What is my gate code? And the bees?', {
      conversationId: b.id,
    });
    const context = async () =>
      JSON.stringify(
        await core.handlers['chat.context']({ agentId: agent.id, conversationId: b.id }),
      );
    expect(await context()).toContain('5577');

    await core.handlers['conversations.delete']({ conversationId: a.id });
    expect(await context()).not.toContain('5577');
    const stored = await core.database.pg.query(
      `SELECT 1 FROM messages WHERE agent_id = $1 AND strpos(content, '5577') > 0`,
      [agent.id],
    );
    expect(stored.rows).toEqual([]);
  });

  it('stores a message that names no conversation inside the caller’s transaction', async () => {
    const { core, agentId, h } = await setup();
    // Resolving the default conversation beside the open transaction would
    // wait for it forever (PGlite has one connection).
    const stored = await core.database.pg.transaction((tx) =>
      core.recall.append(agentId, { role: 'user', content: 'bulk written' }, tx),
    );
    const [conversation] = await h['conversations.list']({ agentId });
    expect(stored.conversationId).toBe(conversation?.id);
  });

  it('refuses a conversation of another agent', async () => {
    const { agentId, h } = await setup();
    const other = await h['agents.create']({ name: 'Other' });
    const [theirs] = await h['conversations.list']({ agentId: other.id });
    expect(await codeOf(h['chat.send']({ agentId, conversationId: theirs?.id, text: 'hi' }))).toBe(
      'CONVERSATION_NOT_FOUND',
    );
    expect(await codeOf(h['chat.context']({ agentId, conversationId: theirs?.id }))).toBe(
      'CONVERSATION_NOT_FOUND',
    );
  });

  it('summarises one conversation without touching the other’s context', async () => {
    const { core, agentId, h } = await setup(3000);
    const quiet = await h['conversations.create']({ agentId, name: 'Quiet' });
    await h['chat.send']({ agentId, conversationId: quiet.id, text: 'Only message here' });
    const quietBefore = (await h['chat.context']({ agentId, conversationId: quiet.id })).messages;
    const busy = await h['conversations.create']({ agentId, name: 'Busy' });
    for (let i = 0; i < 30; i++) {
      await h['chat.send']({
        agentId,
        conversationId: busy.id,
        text: `Message number ${i} about topic ${i} with some padding text to fill the window`,
      });
    }
    const busyContext = (await h['chat.context']({ agentId, conversationId: busy.id })).messages;
    expect(busyContext[0]?.kind).toBe('summary');
    expect(busyContext[0]?.conversationId).toBe(busy.id);
    expect((await h['chat.context']({ agentId, conversationId: quiet.id })).messages).toEqual(
      quietBefore,
    );
    expect(await core.recall.count(agentId)).toBeGreaterThan(90);
  });

  it('carries an agent’s conversations through its Agent File', async () => {
    const { agentId, h } = await setup();
    const [first] = await h['conversations.list']({ agentId });
    await h['chat.send']({ agentId, conversationId: first?.id, text: 'Hi! My name is Ada.' });
    const second = await h['conversations.create']({ agentId, name: 'Second' });
    await h['chat.send']({ agentId, conversationId: second.id, text: 'Hello again' });

    const file = await h['agentfile.export']({ agentId });
    const report = await h['agentfile.import']({ text: file.text });
    const imported = await h['conversations.list']({ agentId: report.agentId });
    expect(imported.map((c) => c.name).sort()).toEqual(['Conversation 1', 'Second']);
    for (const [original, copy] of [
      [first?.id, imported.find((c) => c.name === 'Conversation 1')?.id],
      [second.id, imported.find((c) => c.name === 'Second')?.id],
    ]) {
      const said = async (id: string, conversationId: string | undefined) =>
        (await h['chat.context']({ agentId: id, conversationId })).messages.map((m) => [
          m.role,
          m.content,
        ]);
      expect(await said(report.agentId, copy)).toEqual(await said(agentId, original));
    }
  });

  it('keeps messages from before conversations existed in the agent’s first conversation', async () => {
    const before = migrationsBefore(CONVERSATIONS_MIGRATION);
    const old = await testDatabase({ migrations: before });
    await old.pg.query(
      `INSERT INTO agents (id, name, system, model, created_at, updated_at)
       VALUES ('agent-old', 'Old', '', '{}'::jsonb, '2026-01-01', '2026-01-01')`,
    );
    await old.pg.query(
      `INSERT INTO messages (id, agent_id, role, kind, content, created_at)
       VALUES ('m1', 'agent-old', 'user', 'chat', 'from long ago', '2026-02-01'),
              ('m2', 'agent-old', 'user', 'chat', 'still here', '2026-02-02')`,
    );
    await old.pg.query(
      `INSERT INTO context_entries (agent_id, position, message_id) VALUES ('agent-old', 1, 'm2')`,
    );
    const core = await testCore({ ...(await storageOf(old)), chatModel: createScriptedModel() });
    const h = core.handlers;
    const [legacy] = await h['conversations.list']({ agentId: 'agent-old' });
    expect(legacy).toMatchObject({
      id: 'agent-old',
      name: 'Conversation 1',
      lastMessageAt: '2026-02-02T00:00:00.000Z',
    });
    expect(
      (await h['recall.recent']({ agentId: 'agent-old', conversationId: 'agent-old' })).map(
        (m) => m.content,
      ),
    ).toEqual(['from long ago', 'still here']);
    const context = await h['chat.context']({ agentId: 'agent-old' });
    expect(context.messages.map((m) => m.id)).toEqual(['m2']);
    // New messages join it and its context.
    const turn = await h['chat.send']({ agentId: 'agent-old', text: 'Hi! My name is Ada.' });
    expect(turn.conversationId).toBe('agent-old');
    expect((await h['chat.context']({ agentId: 'agent-old' })).messages[0]?.id).toBe('m2');
    // A new conversation beside it, then deleting the old one takes its old messages too.
    await h['conversations.create']({ agentId: 'agent-old' });
    await h['conversations.delete']({ conversationId: 'agent-old' });
    expect(await core.recall.count('agent-old')).toBe(0);
  });
});

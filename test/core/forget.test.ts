import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/create-core';
import { scrubUndo } from '../../src/core/memory/forget';
import type { UndoData } from '../../src/core/storage/repos/activity-repo';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { PIN, surfacedText } from '../helpers/quoted-elsewhere';
import { testCore } from '../helpers/test-core';

/** Every row of the tables that could keep a copy of `text`, as "table: value". */
async function copiesOf(core: Core, text: string): Promise<string[]> {
  const result = await core.database.pg.query<{ found: string }>(
    `SELECT 'messages: ' || content AS found FROM messages
       WHERE strpos(content || coalesce(reply, '') || coalesce(tool_calls::text, ''), $1) > 0
     UNION ALL SELECT 'passages: ' || text FROM passages WHERE strpos(text, $1) > 0
     UNION ALL SELECT 'blocks: ' || value FROM blocks WHERE strpos(value, $1) > 0
     UNION ALL SELECT 'block_history: ' || value FROM block_history WHERE strpos(value, $1) > 0
     UNION ALL SELECT 'block_line_sources: ' || line FROM block_line_sources WHERE strpos(line, $1) > 0
     UNION ALL SELECT 'upcoming_lines: ' || line || ' / ' || coalesce(replaces, '') FROM upcoming_lines
       WHERE strpos(line || coalesce(replaces, ''), $1) > 0
     UNION ALL SELECT 'memory_activity: ' || summary FROM memory_activity
       WHERE strpos(summary || coalesce(undo::text, ''), $1) > 0`,
    [text],
  );
  return result.rows.map((row) => row.found);
}

/** An agent whose every message is consolidated as soon as it is told. */
async function consolidatingAgent() {
  const core = await testCore({ chatModel: replyOnlyModel() });
  const agent = await core.agents.create({ name: 'Tester' });
  const told = async (text: string) => {
    await core.runtime.send(agent.id, text);
    await core.handlers['consolidation.run']({ agentId: agent.id });
  };
  return { core, agent, told };
}

async function userMessage(core: Core, agentId: string, words: string) {
  const found = await core.recall.search(agentId, { query: words, roles: ['user'], limit: 1 });
  return found.items[0]!;
}

describe('forget', () => {
  it('forgets a message with the agent answer and the passage saved from it, leaving no text behind', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'My name is Ada');
    await core.runtime.send(agent.id, 'Remember that the spare key is under the blue pot');
    await core.indexer.idle();
    expect((await copiesOf(core, 'spare key')).length).toBeGreaterThan(3);
    const before = await core.recall.count(agent.id);

    const message = await userMessage(core, agent.id, 'spare key');
    const report = await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    // The user message, the agent's call and its result, the reply and its result.
    expect(report).toEqual({ messages: 5, passages: 1, lines: 0 });
    expect(await copiesOf(core, 'spare key')).toEqual([]);
    expect(await core.recall.count(agent.id)).toBe(before - 5);
    expect((await core.archival.search(agent.id, { query: 'spare key' })).items).toEqual([]);
    // The context window no longer lists them; the rest of the conversation stays.
    const context = await core.runtime.contextMessages(agent.id);
    expect(context.some((m) => m.content.includes('spare key'))).toBe(false);
    expect(context.some((m) => m.content === 'My name is Ada')).toBe(true);

    const [entry] = await core.handlers['activity.list']({ agentId: agent.id });
    expect(entry).toMatchObject({
      actor: 'user',
      action: 'forget',
      summary: 'Forgot a message and what came from it (1 passage)',
      undoable: false,
      target: { kind: 'message', id: null, label: null },
    });
  });

  it('forgets the block line consolidated from a message, and its history', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.runtime.send(agent.id, 'My sister is called Lena.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe(
      'Lives in Paris\nSister: Lena',
    );

    const message = await userMessage(core, agent.id, 'sister Lena');
    const report = await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    expect(report).toEqual({ messages: 3, passages: 0, lines: 1 });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Paris');
    expect(await copiesOf(core, 'Lena')).toEqual([]);
    expect(await copiesOf(core, 'Paris')).not.toEqual([]);
    // Forgotten messages are not consolidated again.
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Paris');
  });

  it('forgets the past fact a corrected line became, with the message that told it', async () => {
    const { core, agent, told } = await consolidatingAgent();
    await told('I live in Paris.');
    await told('I moved to Lyon.');
    await told('I now live in Paris.');
    await told('I moved to Rome.');
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Rome');
    const past = async () =>
      (await core.archival.search(agent.id, { query: 'Lives in', limit: 10 })).items
        .map((p) => p.text)
        .sort();
    expect(await past()).toEqual(['Lives in Lyon', 'Lives in Paris', 'Lives in Paris']);

    // The first "Paris" goes with its message; the later one, told again, stays.
    const first = (
      await core.recall.search(agent.id, { query: 'live Paris', roles: ['user'] })
    ).items.find((m) => m.content === 'I live in Paris.')!;
    const report = await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: first.id },
    });
    expect(report).toEqual({ messages: 3, passages: 1, lines: 0 });
    expect(await past()).toEqual(['Lives in Lyon', 'Lives in Paris']);
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed[0]?.summary).toBe('Forgot a message and what came from it (1 passage)');
  });

  it('puts back the line a forgotten correction had replaced, current again', async () => {
    const { core, agent, told } = await consolidatingAgent();
    await told('I live in Paris.');
    await told('I moved to Lyon.');
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Lyon');

    const lyon = await userMessage(core, agent.id, 'moved Lyon');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: lyon.id },
    });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Lives in Paris');
    // Back in the block, it is no longer also a past fact "until" the forgotten move.
    const passages = (await core.archival.list(agent.id)).items;
    expect(passages.filter((p) => p.text === 'Lives in Paris')).toEqual([]);
  });

  it('takes a forgotten message out of the memories surfaced for later turns, in any conversation', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'My bank PIN is 4242, keep it safe.');
    await core.runtime.send(agent.id, 'I keep bees on the roof.');
    const later = await core.handlers['conversations.create']({ agentId: agent.id, name: 'Later' });
    await core.runtime.send(agent.id, 'What is my bank PIN? And the bees?', {
      conversationId: later.id,
    });
    const surfaced = () => surfacedText(core, agent.id, later.id);
    expect(await surfaced()).toContain(PIN);
    expect(await surfaced()).toContain('bees');

    const message = await userMessage(core, agent.id, 'bank PIN 4242');
    expect(message.content).toBe('My bank PIN is 4242, keep it safe.');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    // The later turn keeps what else it was given.
    expect(await surfaced()).toContain('bees');
    expect(await copiesOf(core, PIN)).toEqual([]);
    const context = await core.handlers['chat.context']({
      agentId: agent.id,
      conversationId: later.id,
    });
    expect(JSON.stringify(context)).not.toContain(PIN);
  });

  it('makes a fact current again when the correction that replaced it is forgotten', async () => {
    const core = await testCore({
      chatModel: createScriptedModel({
        script: (request) =>
          request.purpose === 'consolidate'
            ? {
                facts: [
                  {
                    message: 1,
                    about: 'world',
                    text: 'The office is in Munich',
                    when: null,
                    corrects: 'P1',
                  },
                ],
              }
            : { thinking: 'Ok.', tool: 'send_message', arguments: { message: 'Noted!' } },
      }),
    });
    const agent = await core.agents.create({ name: 'Tester' });
    const berlin = await core.archival.insert(agent.id, {
      text: 'The office is in Berlin',
      source: { kind: 'user', ref: null },
    });
    await core.runtime.send(agent.id, 'FYI the office moved to Munich.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect((await core.archival.get(berlin.id))?.supersededBy).not.toBeNull();

    const message = await userMessage(core, agent.id, 'office Munich');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    expect(await copiesOf(core, 'Munich')).toEqual([]);
    // Nothing says it stopped being true any more: no "until", ranked as current.
    expect(await core.archival.get(berlin.id)).toMatchObject({
      supersededBy: null,
      validUntil: null,
    });
    // The feed no longer offers to undo a change that is no longer there.
    const entries = await core.handlers['activity.list']({ agentId: agent.id });
    const superseded = entries.find((e) => e.action === 'passage.supersede');
    expect(superseded).toMatchObject({ undoable: false });
  });

  it('leaves no summary holding a forgotten message: the summaries written since say so instead', async () => {
    const core = await testCore({ chatModel: createScriptedModel({ contextSize: 2048 }) });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'My passport number is X9981234, remember it.');
    const filler = 'with some words to take up room in the context window of this small model.';
    for (let i = 1; i <= 15; i++) await core.runtime.send(agent.id, `Filler ${i} ${filler}`);
    const summaries = async () =>
      (await core.runtime.contextMessages(agent.id)).filter((m) => m.kind === 'summary');
    const held = async () =>
      (await copiesOf(core, 'X9981234')).filter((c) => c.startsWith('messages: Summary'));
    expect((await held()).length).toBeGreaterThan(0);

    // A message still in the context window was never summarised, though
    // older than the summary written last: the summaries stay as they are.
    const window = await core.runtime.contextMessages(agent.id);
    const latest = window.find((m) => m.kind === 'summary')!;
    const recent = window.find((m) => m.role === 'user' && m.kind === 'chat' && m.seq < latest.seq);
    expect(recent).toBeDefined();
    const allSummaries = async () =>
      (
        await core.database.pg.query<{ content: string }>(
          `SELECT content FROM messages WHERE agent_id = $1 AND kind = 'summary' ORDER BY seq`,
          [agent.id],
        )
      ).rows.map((row) => row.content);
    const before = await allSummaries();
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: recent!.id },
    });
    expect(await allSummaries()).toEqual(before);

    const message = await userMessage(core, agent.id, 'passport X9981234');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    expect(await copiesOf(core, 'X9981234')).toEqual([]);
    const [summary] = await summaries();
    expect(summary?.content).toMatch(/^Summary of the conversation from .* UTC:\n/);
    expect(summary?.content).toMatch(/forget/);
    const context = await core.handlers['chat.context']({ agentId: agent.id });
    expect(JSON.stringify(context)).not.toContain('X9981234');
  });

  it('keeps the changes a forgotten line was merely beside: their entries, and their undo', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.runtime.send(agent.id, 'My sister is called Lena.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const message = await userMessage(core, agent.id, 'live Paris');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Sister: Lena');
    expect(await copiesOf(core, 'Paris')).toEqual([]);

    // The line added after the forgotten one is still said, and still undoable.
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    const lena = feed.find((e) => e.summary.includes('Sister: Lena'));
    expect(lena).toMatchObject({ undoable: true });
    await core.handlers['activity.undo']({ activityId: lena!.id });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('');
    expect(await copiesOf(core, 'Paris')).toEqual([]);
  });

  it('refuses to undo a pass whose every change was forgotten, rather than claim it', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    const message = await userMessage(core, agent.id, 'live Paris');
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'message', id: message.id },
    });
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    const pass = feed.find((e) => e.summary.startsWith('Consolidated'));
    expect(pass).toMatchObject({ undoable: false });
    const refused = await core.handlers['activity.undo']({ activityId: pass!.id }).catch(
      (e: { code: string }) => e.code,
    );
    expect(refused).toBe('UNDO_NOT_POSSIBLE');
  });

  it('forgets one line of a block and its copies in archival memory', async () => {
    const core = await testCore({ chatModel: replyOnlyModel() });
    const agent = await core.agents.create({ name: 'Tester' });
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'agent');
    await core.coreMemory.append(agent.id, 'human', 'Diagnosed with asthma', 'agent');
    await core.coreMemory.append(agent.id, 'human', 'Likes tea', 'user');
    await core.archival.insert(agent.id, {
      text: 'Diagnosed with asthma',
      tags: ['human'],
      source: { kind: 'block', ref: 'human' },
    });

    const report = await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'line', label: 'human', line: 'Diagnosed with asthma' },
    });
    expect(report).toEqual({ messages: 0, passages: 1, lines: 1 });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Name: Ada\nLikes tea');
    expect(await copiesOf(core, 'asthma')).toEqual([]);
    // Earlier versions keep everything else.
    const history = await core.coreMemory.history(agent.id, 'human');
    expect(history.map((h) => h.value)).toContain('Name: Ada');
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed[0]?.summary).toBe('Forgot a line and what came from it (1 passage)');
    expect(feed.filter((e) => e.summary === '(forgotten)').length).toBeGreaterThan(0);
  });

  it('forgets a passage for good: the feed cannot bring it back', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Tester' });
    const passage = await core.handlers['archival.insert']({
      agentId: agent.id,
      text: 'Bank PIN hint: grandmother birthday',
    });
    await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'passage', id: passage.id },
    });
    expect(await copiesOf(core, 'grandmother')).toEqual([]);
    const feed = await core.handlers['activity.list']({ agentId: agent.id });
    expect(feed.map((e) => [e.summary, e.undoable])).toEqual([
      ['Forgot a passage', false],
      ['(forgotten)', false],
    ]);
    const missing = await core.handlers['memory.forget']({
      agentId: agent.id,
      target: { kind: 'passage', id: passage.id },
    }).catch((e: { code: string }) => e.code);
    expect(missing).toBe('PASSAGE_NOT_FOUND');
  });
});

describe('what is left to undo once a text is forgotten', () => {
  const block = (before: string, after: string): UndoData => ({
    type: 'block',
    blockId: 'b',
    label: 'human',
    before,
    after,
  });

  it('keeps a correction beside a forgotten line undoable, its snapshots without the line', () => {
    const ids: UndoData[] = [
      { type: 'passage.insert', passageIds: ['p1'] },
      {
        type: 'passage.supersede',
        passageId: 'p0',
        before: { supersededBy: null, validUntil: null },
      },
    ];
    const correction: UndoData = {
      type: 'compound',
      parts: [block('Dog: Rex\nLives in Paris', 'Dog: Rex\nLives in Rome'), ...ids],
    };
    expect(scrubUndo(correction, ['Dog: Rex'])).toEqual({
      type: 'compound',
      parts: [block('Lives in Paris', 'Lives in Rome'), ...ids],
    });
  });

  it('leaves nothing of a change that only made the forgotten line, or held a passage text', () => {
    expect(scrubUndo(block('Name: Ada', 'Name: Ada\nDog: Rex'), ['Dog: Rex'])).toBeNull();
    expect(
      scrubUndo({ type: 'passage.update', passageId: 'p', before: { text: 'x', tags: [] } }, ['x']),
    ).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { conversationSearch } from '../../src/core/agent/tools/search-tools';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';
import { migrationsBefore } from '../helpers/migrations-before';

const REPLY_MIGRATION = '1764500000000_message_reply';

const sendMessage = (args: string) => [{ id: 'c1', name: 'send_message', arguments: args }];

describe('what the agent said to the user', () => {
  it('is found by conversation_search and shown instead of its thinking', async () => {
    const core = await testCore({
      chatModel: createScriptedModel({
        script: () => ({
          thinking: 'The user greets me; I will mention the recipe.',
          tool: 'send_message',
          arguments: { message: 'Your pineapple tart needs two eggs.' },
        }),
      }),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'hello there');

    // The reply ranks first (its neighbours follow, lent part of its score).
    const found = await core.recall.search(agent.id, { query: 'pineapple eggs' });
    expect(found.items[0]?.role).toBe('assistant');
    expect(found.items[0]?.toolCalls?.[0]?.name).toBe('send_message');
    // The thinking behind a reply is not what was said: it is not searched.
    expect((await core.recall.search(agent.id, { query: 'greets recipe' })).items).toEqual([]);

    const tool = await conversationSearch.run(
      { query: 'pineapple', start_date: undefined, end_date: undefined, page: undefined },
      { agentId: agent.id, ...core, sourceMessageId: null },
    );
    expect(tool.message).toContain('assistant: Your pineapple tart needs two eggs.');
    expect(tool.message).not.toContain('I will mention the recipe');
  });

  it('is what conversation_search finds, not the question of the turn that asked', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'The boat Petrel needs new sails before the regatta');
    core.clock.advance(3 * 86_400_000);
    // The scripted agent searches the words after "about" and answers with the first hit.
    await core.runtime.send(agent.id, 'When did we talk about the boat Petrel sails?');
    const result = (await core.recall.recent(agent.id, 5)).find(
      (m) => m.role === 'tool' && m.name === 'conversation_search',
    );
    // The model has the question before it already: a result slot spent on it is lost.
    expect(result?.content).toContain('user: The boat Petrel needs new sails before the regatta');
    expect(result?.content).not.toContain('When did we talk about');
  });

  it('pages through conversation_search without the question that asked and without repeating a row', async () => {
    const core = await testCore({});
    const agent = await core.agents.getOrCreateDefault();
    const said: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      const text = `Harbour note ${i}: the ferry left at ${7 + i} o'clock`;
      said.push(text);
      await core.recall.append(agent.id, { role: 'user', content: text });
      core.clock.advance(60_000);
    }
    // The question of the turn shares every word searched for, so it ranks first.
    const question = await core.recall.append(agent.id, {
      role: 'user',
      content: 'harbour ferry harbour ferry note?',
    });
    const seen: string[] = [];
    let more = true;
    for (let page = 0; more; page += 1) {
      const result = await conversationSearch.run(
        { query: 'harbour ferry note', start_date: undefined, end_date: undefined, page },
        { agentId: agent.id, ...core, sourceMessageId: question.id },
      );
      const lines = result.message.split('\n').slice(1);
      seen.push(
        ...lines.map((line) =>
          line.replace(/^\[[^\]]+\] user: /, '').replace(/ More results: use page \d+\.$/, ''),
        ),
      );
      more = result.message.includes(`use page ${page + 1}`);
      expect(page).toBeLessThan(5);
    }
    expect(seen).not.toContain('harbour ferry harbour ferry note?');
    expect([...seen].sort()).toEqual([...said].sort());
  });

  it('finds nothing for words only the question that asked holds', async () => {
    // The hostile review's "xyzzy plugh": only the question held the words,
    // so it made the word list, lent its score to the turn before it, and
    // was left out only afterwards: that turn was listed alone, as a match.
    const core = await testCore({});
    const agent = await core.agents.getOrCreateDefault();
    await core.recall.append(agent.id, {
      role: 'user',
      content: 'Tell me about hiking in the Vosges mountains',
    });
    await core.recall.append(agent.id, { role: 'assistant', content: 'The ridges are lovely.' });
    const question = await core.recall.append(agent.id, { role: 'user', content: 'xyzzy plugh' });
    const result = await conversationSearch.run(
      { query: 'xyzzy plugh', start_date: undefined, end_date: undefined, page: undefined },
      { agentId: agent.id, ...core, sourceMessageId: question.id },
    );
    expect(result.message).toBe('No results found.');
  });

  it('is read out of the tool calls of messages stored before the upgrade', async () => {
    const old = await testDatabase({
      migrations: migrationsBefore(REPLY_MIGRATION),
    });
    const rows: Array<[string, string, string, string | null]> = [
      [
        'reply',
        'assistant',
        'thinking about kites',
        JSON.stringify(sendMessage('{"message":"Fly the red kite"}')),
      ],
      ['broken', 'assistant', 'thinking about gliders', JSON.stringify(sendMessage('{"message":'))],
      [
        'number',
        'assistant',
        'thinking about sails',
        JSON.stringify(sendMessage('{"message":42}')),
      ],
      [
        'other',
        'assistant',
        'saving the harbour',
        JSON.stringify([
          { id: 'c2', name: 'archival_memory_insert', arguments: '{"content":"harbour"}' },
        ]),
      ],
      ['user', 'user', 'I like kites and the harbour', null],
    ];
    // One agent per message: recall search lends scores to neighbours, and
    // here each search must show which messages match by their own words.
    for (const [id, role, content, calls] of rows) {
      await old.pg.query(
        `INSERT INTO agents (id, name, system, model, created_at, updated_at)
         VALUES ($1, $1, '', '{}'::jsonb, now(), now())`,
        [id],
      );
      await old.pg.query(
        `INSERT INTO messages (id, agent_id, role, content, tool_calls, created_at)
         VALUES ($1, $1, $2, $3, $4::jsonb, now())`,
        [id, role, content, calls],
      );
    }

    const db = await reopenTestDatabase(old);
    expect(db.migration.applied[0]).toBe(REPLY_MIGRATION);
    const replies = await db.pg.query<{ id: string; reply: string | null }>(
      'SELECT id, reply FROM messages ORDER BY id',
    );
    // Malformed or non-text arguments leave no reply, and did not stop the upgrade.
    expect(replies.rows).toEqual([
      { id: 'broken', reply: null },
      { id: 'number', reply: null },
      { id: 'other', reply: null },
      { id: 'reply', reply: 'Fly the red kite' },
      { id: 'user', reply: null },
    ]);
    const repo = createMessagesRepo(db.pg);
    const search = async (text: string) => {
      const hits: string[] = [];
      for (const [id] of rows) {
        const found = await repo.search({ agentId: id, text, limit: 10, offset: 0 });
        if (found.length > 0) hits.push(id);
      }
      return hits.sort();
    };
    expect(await search('kite')).toEqual(['reply', 'user']);
    expect(await search('gliders')).toEqual(['broken']); // no reply: its content stays searchable
    expect(await search('harbour')).toEqual(['other', 'user']);
    // Written after the upgrade, a reply is stored the same way.
    await repo.insert({
      id: 'new',
      agentId: 'reply',
      // Written after the conversations migration made one conversation per agent, named as it.
      conversationId: 'reply',
      role: 'assistant',
      kind: 'chat',
      content: 'thinking about boats',
      toolCalls: sendMessage('{"message":"The ferry leaves at noon"}'),
      toolCallId: null,
      name: null,
      createdAt: new Date().toISOString(),
    });
    const ids = async (text: string) =>
      (await repo.search({ agentId: 'reply', text, limit: 10, offset: 0 })).map((m) => m.id);
    expect((await ids('ferry noon'))[0]).toBe('new');
    expect(await ids('boats')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';

describe('recall memory', () => {
  async function seeded() {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Tester' });
    const say = (role: 'user' | 'assistant', content: string, createdAt: string) =>
      core.recall.append(id, { role, content, createdAt });
    await say('user', 'I booked flights to Lisbon for the conference', '2026-03-02T09:00:00Z');
    await say('assistant', 'Great, enjoy Lisbon!', '2026-03-02T09:00:05Z');
    await say('user', 'My sister Maria is visiting next week', '2026-04-10T18:00:00Z');
    await say('user', 'The conference talk went well', '2026-05-20T12:00:00Z');
    await core.recall.append(id, {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'call-1', name: 'archival_memory_insert', arguments: '{"content":"x"}' }],
      createdAt: '2026-05-20T12:00:01Z',
    });
    const conversation = (await core.conversations.resolve(id)).id;
    return { core, id, conversation };
  }

  it('keeps every message with role, tool calls and order', async () => {
    const { core, id } = await seeded();
    expect(await core.recall.count(id)).toBe(5);
    const recent = await core.recall.recent(id, 2);
    expect(recent.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(recent[1]?.toolCalls?.[0]?.name).toBe('archival_memory_insert');
    expect(recent[0]!.seq).toBeLessThan(recent[1]!.seq);
  });

  it('appends to the context window in the same write, after what is there', async () => {
    const { core, id, conversation } = await seeded();
    const before = await core.runtime.contextMessages(id);
    const [first] = await core.recall.appendManyToContext(id, conversation, [
      { role: 'user', content: 'one' },
    ]);
    const [second] = await core.recall.appendManyToContext(id, conversation, [
      { role: 'assistant', content: 'two' },
    ]);
    const after = await core.runtime.contextMessages(id);
    expect(after.map((m) => m.id)).toEqual([...before.map((m) => m.id), first?.id, second?.id]);
    expect(after.at(-1)).toEqual(second);
    expect(await core.recall.count(id)).toBe(7);
    // A message for an agent that does not exist is an error, not a stray row.
    await expect(
      core.recall.appendManyToContext('agent-missing', conversation, [
        { role: 'user', content: 'lost?' },
      ]),
    ).rejects.toThrow();
    expect(await core.recall.count(id)).toBe(7);
  });

  it('appends several messages in order in one write, tool calls and all', async () => {
    const { core, id, conversation } = await seeded();
    const before = await core.runtime.contextMessages(id);
    const [call, result] = await core.recall.appendManyToContext(id, conversation, [
      {
        role: 'assistant',
        content: 'Looking it up.',
        toolCalls: [{ id: 'call-1', name: 'archival_memory_search', arguments: '{"query":"x"}' }],
        createdAt: '2026-05-01T10:00:00.000Z',
      },
      { role: 'tool', name: 'archival_memory_search', toolCallId: 'call-1', content: '{}' },
    ]);
    expect(call?.seq).toBeLessThan(result?.seq ?? 0);
    expect(call?.createdAt).toBe('2026-05-01T10:00:00.000Z');
    expect(call?.toolCalls).toEqual([
      { id: 'call-1', name: 'archival_memory_search', arguments: '{"query":"x"}' },
    ]);
    expect(result).toMatchObject({
      role: 'tool',
      toolCallId: 'call-1',
      name: 'archival_memory_search',
    });
    const after = await core.runtime.contextMessages(id);
    expect(after.map((m) => m.id)).toEqual([...before.map((m) => m.id), call?.id, result?.id]);
    expect(await core.recall.get(result?.id ?? '')).toEqual(result);
    expect(await core.recall.appendManyToContext(id, conversation, [])).toEqual([]);
  });

  it('finds messages by words, best match first, with stemming', async () => {
    const { core, id } = await seeded();
    const page = await core.recall.search(id, { query: 'conferences in Lisbon' });
    const contents = page.items.map((m) => m.content);
    // The match holding both words and its short reply holding one, which the
    // match lends to: which of the two comes first depends on the reply's
    // length (see LENDING in messages-repo.ts), both come before the rest.
    expect(contents.slice(0, 2).sort()).toEqual([
      'Great, enjoy Lisbon!',
      'I booked flights to Lisbon for the conference',
    ]);
    expect(contents).toContain('The conference talk went well');
    // Between matches, Maria's message comes along as context, below the best match.
    expect(contents.indexOf('My sister Maria is visiting next week')).toBeGreaterThan(0);
  });

  it('brings the messages around a match along, the reply above what came before', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Tester' });
    const say = (role: 'user' | 'assistant', content: string) =>
      core.recall.append(id, { role, content });
    for (let i = 0; i < 6; i++) await say('user', `Filler message number ${i} about nothing`);
    await say('assistant', 'Shall we plan the week?');
    await say('user', 'Do you still paint?');
    await say('assistant', 'Yes, mostly watercolours of the harbour these days.');
    for (let i = 6; i < 12; i++) await say('user', `Filler message number ${i} about nothing`);

    const found = (await core.recall.search(id, { query: 'painting', limit: 5 })).items;
    const contents = found.map((m) => m.content);
    expect(contents.slice(0, 3)).toEqual([
      'Do you still paint?',
      'Yes, mostly watercolours of the harbour these days.',
      'Shall we plan the week?',
    ]);
    // Only the nearest four on either side come along; far filler does not.
    expect(contents).not.toContain('Filler message number 0 about nothing');
    expect(contents).not.toContain('Filler message number 11 about nothing');
    // A role filter applies to the neighbours too.
    const users = await core.recall.search(id, { query: 'painting', roles: ['user'], limit: 5 });
    expect(users.items.map((m) => m.role)).toEqual(Array(users.items.length).fill('user'));
    expect(users.items[0]?.content).toBe('Do you still paint?');
  });

  it('lends only to messages of the same conversation', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Tester' });
    const first = (await core.conversations.resolve(id)).id;
    const second = (await core.conversations.create(id, 'Second')).id;
    const say = (conversationId: string, content: string) =>
      core.recall.append(id, { role: 'user', content, conversationId });
    await say(first, 'Filler message number 0 about nothing');
    await say(first, 'Do you still paint?');
    await say(first, 'Yes, mostly watercolours of the harbour these days.');
    // Next in the agent's order, but the opening of another conversation:
    // lent the match's share it was listed as context for a talk it was not in.
    await say(second, 'The plumber comes at nine tomorrow');
    await say(second, 'Filler message number 1 about nothing');

    const contents = (await core.recall.search(id, { query: 'painting', limit: 10 })).items.map(
      (m) => m.content,
    );
    expect(contents).toContain('Yes, mostly watercolours of the harbour these days.');
    expect(contents).toContain('Filler message number 0 about nothing');
    expect(contents).not.toContain('The plumber comes at nine tomorrow');
    expect(contents).not.toContain('Filler message number 1 about nothing');
  });

  it('ranks a real match above turns that several weak matches lend to', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Tester' });
    const say = (content: string) => core.recall.append(id, { role: 'user', content });
    const filler = (i: number) => say(`Filler message number ${i} about nothing`);
    await filler(0);
    await filler(1);
    await say('The Zeiss finally came in the post');
    for (let i = 2; i < 6; i++) await filler(i);
    // Seven turns in a row, each holding only the query's common word: summed,
    // their shares lifted the middle ones above the turn that holds its rare one.
    const weak = ['boots', 'tickets', 'maps', 'jackets', 'snacks', 'tents', 'cables'];
    for (const thing of weak) await say(`Iceland packing list: ${thing} and more`);
    for (let i = 6; i < 10; i++) await filler(i);

    const found = (await core.recall.search(id, { query: 'Zeiss for Iceland', limit: 10 })).items;
    expect(found[0]?.content).toBe('The Zeiss finally came in the post');
    // The weak matches are still found, and the best match still lends to the turn after it.
    const contents = found.map((m) => m.content);
    expect(contents).toContain('Iceland packing list: jackets and more');
    expect(contents).toContain('Filler message number 2 about nothing');
  });

  it('lends a turn that matches on its own no more than its part of the two matches', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Tester' });
    const say = (content: string) => core.recall.append(id, { role: 'user', content });
    const filler = (i: number) => say(`Filler message number ${i} about nothing`);
    await filler(0);
    await filler(1);
    await say('My violin lessons start on Monday');
    // Holds one of the query's words, right after the best match: lent the
    // full share it rose above a second turn holding both.
    await say('The violin was my grandfather’s');
    for (let i = 2; i < 7; i++) await filler(i);
    await say('Violin lessons with Anna went well');
    for (let i = 7; i < 11; i++) await filler(i);

    const found = (await core.recall.search(id, { query: 'violin lessons', limit: 5 })).items;
    expect(found.slice(0, 3).map((m) => m.content)).toEqual([
      'My violin lessons start on Monday',
      'Violin lessons with Anna went well',
      'The violin was my grandfather’s',
    ]);
  });

  it('finds messages by date range alone and combined with words', async () => {
    const { core, id } = await seeded();
    const april = await core.recall.search(id, { start: '2026-04-01', end: '2026-04-30' });
    expect(april.items.map((m) => m.content)).toEqual(['My sister Maria is visiting next week']);
    const march = await core.recall.search(id, { query: 'conference', end: '2026-03-02' });
    // The match, then the reply after it; nothing from after the range.
    expect(march.items.map((m) => m.content)).toEqual([
      'I booked flights to Lisbon for the conference',
      'Great, enjoy Lisbon!',
    ]);
    // One day is a range; swapped bounds hold nothing, and say so.
    const oneDay = await core.recall.search(id, { start: '2026-04-30', end: '2026-04-30' });
    expect(oneDay.items).toEqual([]);
    await expect(
      core.recall.search(id, { start: '2026-04-30', end: '2026-04-01' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/date range is empty.*2026-04-30.*2026-04-01.*Swap them/),
    });
    await expect(
      core.archival.search(id, {
        query: 'Lisbon',
        start: '2026-05-01T10:00',
        end: '2026-05-01T09:00',
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/date range is empty/),
    });
  });

  it('paginates', async () => {
    const { core, id } = await seeded();
    const first = await core.recall.search(id, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextOffset).toBe(2);
    const rest = await core.recall.search(id, { limit: 10, offset: 2 });
    expect(rest.items).toHaveLength(3);
    expect(rest.nextOffset).toBeNull();
    expect(new Set([...first.items, ...rest.items].map((m) => m.id)).size).toBe(5);
  });

  it('treats query text as words, never as tsquery syntax', async () => {
    const { core, id } = await seeded();
    const page = await core.recall.search(id, { query: "Lisbon' & !(| :*" });
    expect(page.items[0]?.content).toContain('Lisbon');
  });
});

import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';

// Both hold "new" and "bookshelf"; only the first says it in the person's
// own first person. The others are shorter, so by words alone they rank first.
const MINE = 'My new bookshelf came from IKEA last spring';
const DESIGNS = 'New bookshelf designs for small rooms';
const REPLY = 'I love a new bookshelf';
const FILLERS = [
  'Zebras run fast across the plains',
  'The weather was cold today',
  'Lunch was pasta with tomato sauce',
  'Trains were late this morning',
  'The garden needs water',
];
const QUESTION = 'Where did I buy my new bookshelf?';

async function agent() {
  const core = await testCore();
  const { id } = await core.agents.create({ name: 'First person' });
  return { core, id };
}

describe('a question in the first person', () => {
  it('ranks a passage in the first person above a shorter one with the same words', async () => {
    const { core, id } = await agent();
    await core.archival.insertMany(
      id,
      [MINE, DESIGNS, ...FILLERS].map((text) => ({ text })),
    );
    const search = (query: string, commonWords: boolean) =>
      core.archival.search(id, { query, mode: 'text', commonWords });
    const mine = await search(QUESTION, true);
    expect(mine.items.map((p) => p.text).slice(0, 2)).toEqual([MINE, DESIGNS]);
    // Words alone (surfacing's and consolidation's searches): the shorter first.
    const plain = await search(QUESTION, false);
    expect(plain.items.map((p) => p.text).slice(0, 2)).toEqual([DESIGNS, MINE]);
    // A question about someone else is scored as before.
    const theirs = await search('Where did Sam buy the new bookshelf?', true);
    expect(theirs.items.map((p) => p.text).slice(0, 2)).toEqual([DESIGNS, MINE]);
    // The first person adds to the query's weight too: no score runs away.
    expect(mine.items[0]!.score).toBeLessThan(1.5);
  });

  it("counts the person's own messages, not the assistant's first person", async () => {
    const { core, id } = await agent();
    // Far enough apart that neither lends the other conversation context.
    await core.recall.append(id, { role: 'user', content: MINE });
    for (const text of FILLERS) await core.recall.append(id, { role: 'user', content: text });
    await core.recall.append(id, { role: 'assistant', content: REPLY });
    const search = (commonWords: boolean) =>
      core.recall.search(id, { query: QUESTION, mode: 'text', commonWords });
    expect((await search(true)).items[0]?.content).toBe(MINE);
    expect((await search(false)).items[0]?.content).toBe(REPLY);
  });

  it('finds nothing for a question whose other words match nothing', async () => {
    const { core, id } = await agent();
    await core.archival.insertMany(
      id,
      [MINE, ...FILLERS].map((text) => ({ text })),
    );
    const found = await core.archival.search(id, {
      query: 'Where is my xyzzy?',
      mode: 'text',
      commonWords: true,
    });
    expect(found.items).toEqual([]);
  });
});

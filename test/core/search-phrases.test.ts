import { describe, expect, it } from 'vitest';
import { agentWithTexts } from '../helpers/agent-with-texts';

// Both hold "support" and "group"; only the first holds them as the query
// puts them. The second is shorter, so by words alone it ranks first. The
// questions are about someone else: one in the first person counts length as
// textbook BM25 does, and then the note a third as long ranks first anyway
// (rows.ts, ABOUT SELF).
const TOGETHER = 'The support group meets on Tuesday evenings at the old library downtown';
const APART = 'Group work needs support';
const OTHER = 'Zebras run fast across the plains';

const agentWith = (texts: string[]) => agentWithTexts('Phrases', texts);

describe('query phrases in word search', () => {
  it('ranks the text holding the query words together above one holding them apart', async () => {
    const { core, id } = await agentWith([TOGETHER, APART, OTHER]);
    const query = "Where is Anna's support group?";
    const archival = await core.archival.search(id, { query, mode: 'text', commonWords: true });
    expect(archival.items.map((p) => p.text).slice(0, 2)).toEqual([TOGETHER, APART]);
    const recall = await core.recall.search(id, { query, mode: 'text', commonWords: true });
    expect(recall.items[0]?.content).toBe(TOGETHER);
  });

  it('is off for the searches surfacing and consolidation run', async () => {
    const { core, id } = await agentWith([TOGETHER, APART, OTHER]);
    const query = "Where is Anna's support group?";
    const plain = await core.archival.search(id, { query, mode: 'text' });
    // Words alone: the shorter text first, as before phrases counted.
    expect(plain.items.map((p) => p.text)).toEqual([APART, TOGETHER]);
  });

  it('keeps a text holding every query word and phrase at a score near 1, and nonsense empty', async () => {
    const { core, id } = await agentWith([TOGETHER, APART, OTHER]);
    const whole = await core.archival.search(id, {
      query: 'support group',
      mode: 'text',
      commonWords: true,
    });
    // Divided by the query's weight with its pair: no score runs away.
    expect(whole.items[0]?.text).toBe(TOGETHER);
    expect(whole.items[0]!.score).toBeLessThan(1.5);
    for (const query of ['xyzzy plugh', 'support xyzzy']) {
      const options = { query, mode: 'text', commonWords: true } as const;
      const found = (await core.archival.search(id, options)).items.map((p) => p.text);
      if (query === 'xyzzy plugh') expect(found, query).toEqual([]);
      // A pair needs both words in the memory: "support" alone still matches.
      else expect(found, query).toEqual(expect.arrayContaining([TOGETHER, APART]));
    }
  });
});

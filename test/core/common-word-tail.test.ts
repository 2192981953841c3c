import { describe, expect, it } from 'vitest';
import { archivalMemorySearch, conversationSearch } from '../../src/core/agent/tools/search-tools';
import type { ToolContext } from '../../src/core/agent/tools/tool-context';
import { agentWithTexts } from '../helpers/agent-with-texts';

const GUITAR = 'I play the guitar every evening after dinner';
const PODCASTS = 'Can you suggest some podcasts for my commute?';
const ZEBRAS = 'Zebras run fast across the plains';

const agentWith = (texts: string[]) => agentWithTexts('Tail', texts);

describe('common-word tail of a word search', () => {
  it('follows the word matches with rows sharing only common words, weakest last', async () => {
    const { core, id } = await agentWith([GUITAR, PODCASTS, ZEBRAS]);
    const query = 'Can you find my guitar notes?';
    const archival = await core.archival.search(id, { query, mode: 'text', commonWords: true });
    expect(archival.items.map((p) => p.text)).toEqual([GUITAR, PODCASTS]);
    const [match, tail] = archival.items;
    expect(tail!.score).toBeGreaterThan(0);
    expect(tail!.score).toBeLessThan(match!.score / 2 + 1e-9);
    const recall = await core.recall.search(id, { query, mode: 'text', commonWords: true });
    expect(recall.items[0]?.content).toBe(GUITAR);
    // Zebras come as the guitar message's neighbour (conversation context).
    expect(recall.items.map((m) => m.content)).toContain(PODCASTS);
  });

  it('stays empty when no content word matches, and is off unless asked for (surfacing, consolidation)', async () => {
    const { core, id } = await agentWith([GUITAR, PODCASTS, ZEBRAS]);
    for (const query of ['xyzzy', 'can you xyzzy my']) {
      const options = { query, mode: 'text', commonWords: true } as const;
      expect((await core.archival.search(id, options)).items, query).toEqual([]);
      expect((await core.recall.search(id, options)).items, query).toEqual([]);
    }
    const query = 'Can you find my guitar notes?';
    const without = await core.archival.search(id, { query, mode: 'text' });
    expect(without.items.map((p) => p.text)).toEqual([GUITAR]);
  });

  it('keeps one ranking across pages: the matches, then the tail', async () => {
    const { core, id } = await agentWith([GUITAR, 'my guitar has new strings', PODCASTS]);
    const page = await core.archival.search(id, {
      query: 'Can you find my guitar notes?',
      mode: 'text',
      commonWords: true,
      limit: 1,
    });
    expect(page.items.map((p) => p.text)).toHaveLength(1);
    const all = await core.archival.search(id, {
      query: 'Can you find my guitar notes?',
      mode: 'text',
      commonWords: true,
      limit: 2,
      offset: 1,
    });
    // The second page continues the same ranking: the other match, then the tail.
    expect(all.items.map((p) => p.text)[1]).toBe(PODCASTS);
  });

  it("reaches the agent's search tools (no sentence model: words only)", async () => {
    const { core, id } = await agentWith([GUITAR, PODCASTS, ZEBRAS]);
    // The search tools read only these.
    const ctx = { agentId: id, archival: core.archival, recall: core.recall } as ToolContext;
    const query = 'Can you find my guitar notes?';
    const archival = await archivalMemorySearch.run(
      {
        query,
        tags: undefined,
        start_datetime: undefined,
        end_datetime: undefined,
        page: undefined,
      },
      ctx,
    );
    expect(archival.message).toContain(GUITAR);
    expect(archival.message).toContain(PODCASTS);
    expect(archival.message).not.toContain(ZEBRAS);
    const recall = await conversationSearch.run(
      { query, start_date: undefined, end_date: undefined, page: undefined },
      ctx,
    );
    expect(recall.message).toContain(PODCASTS);
  });
});

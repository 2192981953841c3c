import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';
import { topicEmbedder } from '../helpers/topic-embedder';

const QUERY = 'which walking boots did I buy for the hiking trip';

describe('hybrid search weighs each list by its own best match', () => {
  it('puts the nearest match by meaning beside the best word match, above lesser word matches', async () => {
    const texts = {
      best: 'I bought the walking boots in the outdoor shop, ready for the hiking trip',
      lesser: 'the hiking trip is planned for the second week of June',
      meaning: 'got some sturdy Merrell trekking footwear for the mountains',
    };
    const core = await testCore({
      embedder: topicEmbedder({ [QUERY]: 0.9, [texts.meaning]: 0.2 }),
    });
    const { id } = await core.agents.create({ name: 'Hiker' });
    for (const filler of [
      'the plumber is coming on monday',
      'I repainted the kitchen a pale green',
      'my neighbour lent me a ladder',
      'we watched a documentary about volcanoes',
    ]) {
      await core.archival.insert(id, { text: filler });
    }
    for (const text of Object.values(texts)) await core.archival.insert(id, { text });

    const page = await core.archival.search(id, { query: QUERY });
    const order = page.items.map((p) => p.text);
    // Each tops its own list, so they tie (the closer by meaning first).
    expect(new Set(order.slice(0, 2))).toEqual(new Set([texts.best, texts.meaning]));
    expect(order[2]).toBe(texts.lesser);

    // Scores keep their absolute scale: the best of a weak match (one
    // word of five) is weak, so floors on scores (surfacing) still hold.
    const weak = await core.archival.search(id, {
      query: 'a documentary about ice hockey tonight',
    });
    expect(weak.items[0]?.text).toBe('we watched a documentary about volcanoes');
    expect(weak.items[0]?.score).toBeLessThan((page.items[0]?.score ?? 0) / 2);
  });
});

import { describe, expect, it } from 'vitest';
import type { RecallMemory } from '../../src/core/memory/recall-memory';
import { createMemoryBaseline } from '../../src/core/memory/surfacing/memory-baseline';
import { SURFACING_FLOOR } from '../../src/core/memory/surfacing/surfacing';
import { CHATTY_NOTES } from '../helpers/chatty-notes';
import { testCore } from '../helpers/test-core';

describe('memory baseline (what a memory gives questions it cannot answer)', () => {
  it('is about nothing for a few notes and clearly more for a chatty memory', async () => {
    const core = await testCore();
    const small = await core.agents.create({ name: 'small' });
    await core.recall.appendMany(small.id, [
      { role: 'user', content: 'The boiler was serviced in March by Hartmann Heating.' },
      { role: 'user', content: 'My daughter Lena starts violin lessons on Tuesdays.' },
    ]);
    const chatty = await core.agents.create({ name: 'chatty' });
    await core.recall.appendMany(
      chatty.id,
      CHATTY_NOTES.map((content) => ({ role: 'user' as const, content })),
    );
    const baseline = createMemoryBaseline({ archival: core.archival, recall: core.recall });
    expect(await baseline.of(small.id)).toBeLessThan(SURFACING_FLOOR / 2);
    expect(await baseline.of(chatty.id)).toBeGreaterThan(await baseline.of(small.id));
    expect(await baseline.of(chatty.id)).toBeGreaterThan(SURFACING_FLOOR);
  });

  it('is measured once, and again only when the memory has grown', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'growing' });
    let searches = 0;
    const recall: RecallMemory = {
      ...core.recall,
      search: (...args) => {
        searches++;
        return core.recall.search(...args);
      },
    };
    const baseline = createMemoryBaseline({ archival: core.archival, recall });
    const add = (n: number) =>
      core.recall.appendMany(
        agent.id,
        CHATTY_NOTES.slice(0, n).map((content) => ({ role: 'user' as const, content })),
      );
    await add(4);
    await baseline.of(agent.id);
    const once = searches;
    expect(once).toBeGreaterThan(0);
    await add(2);
    await baseline.of(agent.id);
    expect(searches).toBe(once);
    await add(12);
    await baseline.of(agent.id);
    expect(searches).toBe(2 * once);
  });
});

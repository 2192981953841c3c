import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import {
  ASSISTANT_REPLY_PLACE,
  fitBudget,
  SURFACING_FULL_RELATIVE_FLOOR,
  type Candidate,
} from '../../src/core/memory/surfacing/surfacing';
import {
  coverageOf,
  createWordCoverage,
  SMALL_MEMORY_ROWS,
} from '../../src/core/memory/surfacing/word-coverage';
import { parseSurfacedBlock } from '../../src/shared/surfaced-memories';
import { testCore } from '../helpers/test-core';

const replier = () =>
  createScriptedModel({
    script: () => ({ thinking: 'Answer.', tool: 'send_message', arguments: { message: 'Noted.' } }),
  });

/** A memory of a few hundred messages about Lena's weeks (no one else). */
async function busyMemory() {
  const core = await testCore({ chatModel: replier() });
  const agent = await core.agents.getOrCreateDefault();
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
  const things = ['violin', 'swimming', 'chess club', 'homework', 'piano', 'football'];
  const said = Array.from({ length: 150 }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content:
      i % 2 === 0
        ? `Lena has ${things[i % things.length]} on ${days[i % days.length]} after school, week ${i}.`
        : `Noted, ${things[i % things.length]} for Lena on ${days[i % days.length]}.`,
  }));
  said.push({ role: 'user', content: 'Lena went to the support group for young carers with me.' });
  await core.recall.appendMany(agent.id, said);
  return { core, agent };
}

const blockOf = async (core: Awaited<ReturnType<typeof testCore>>, agentId: string) => {
  const messages = await core.runtime.contextMessages(agentId);
  const stored = messages.filter((m) => m.kind === 'memories');
  return stored.length > 0 ? parseSurfacedBlock(stored.at(-1)?.content ?? '') : null;
};

describe('surfacing against what the memory holds at all', () => {
  it('surfaces nothing for a question about someone the memory never mentions', async () => {
    const { core, agent } = await busyMemory();
    // Shares "support group" with a message, but Marcus and his brother are unknown here.
    await core.runtime.send(agent.id, 'When did Marcus take his brother to the support group?');
    expect(await blockOf(core, agent.id)).toBeNull();
    // The same words about someone it knows still surface.
    await core.runtime.send(agent.id, 'When did Lena go to the support group?');
    const texts = ((await blockOf(core, agent.id))?.items ?? []).map((i) => i.text);
    expect(texts).toContain('Lena went to the support group for young carers with me.');
  });

  it("measures the share of the query's words the memory holds, dates aside", async () => {
    const { core, agent } = await busyMemory();
    const coverage = createWordCoverage({ db: core.database.pg });
    expect(await coverage.of(agent.id, 'Lena violin Tuesday')).toBe(1);
    // Dates are timestamps, not words a memory holds.
    expect(await coverage.of(agent.id, 'Lena violin in March 2023')).toBe(1);
    const unknown = await coverage.of(agent.id, 'Marcus brother violin');
    expect(unknown).toBeGreaterThan(0);
    expect(unknown).toBeLessThan(0.5);
    // A word no message holds: all that is missing, discounted only by the memory's size.
    const rows = 151;
    expect(await coverage.of(agent.id, 'xyzzy')).toBeCloseTo(
      1 - rows / (rows + SMALL_MEMORY_ROWS),
      5,
    );
    // A query with no word to judge by.
    expect(await coverage.of(agent.id, 'what is it?')).toBe(1);
  });

  it('counts missing words less in a small memory, where most words of any question are missing', () => {
    const words = [
      { word: 'boat', rows: 1 },
      { word: 'still', rows: 0 },
    ];
    const tiny = coverageOf(2, words);
    const large = coverageOf(50 * SMALL_MEMORY_ROWS, words);
    expect(tiny).toBeGreaterThan(0.9);
    expect(large).toBeLessThan(0.6);
    expect(coverageOf(0, [])).toBe(1);
  });
});

describe('the block filling up', () => {
  const candidate = (
    id: string,
    score: number,
    speaker: 'user' | 'assistant' = 'user',
  ): Candidate => ({
    memory: {
      id,
      tier: 'recall',
      source: 'conversation',
      at: '2026-01-01T00:00:00.000Z',
      speaker,
      text: `Memory ${id} with some words in it to take a few tokens of the budget.`,
      until: null,
    },
    score,
    keys: [id],
    whole: '',
  });

  it('takes weaker matches only while the block is under half its budget', () => {
    const strong = SURFACING_FULL_RELATIVE_FLOOR + 0.05;
    const weak = SURFACING_FULL_RELATIVE_FLOOR - 0.05;
    const candidates = [
      candidate('a', 1),
      ...Array.from({ length: 10 }, (_, i) => candidate(`w${i}`, weak)),
      candidate('s', strong),
    ];
    const block = fitBudget(candidates, 240);
    const ids = block?.items.map((i) => i.id) ?? [];
    expect(ids[0]).toBe('a');
    // Weak ones filled the first half, then stopped; the strong one still joined.
    expect(ids.filter((id) => id.startsWith('w')).length).toBeGreaterThan(0);
    expect(ids.filter((id) => id.startsWith('w')).length).toBeLessThan(10);
    expect(ids).toContain('s');
    expect(block?.tokens ?? 0).toBeLessThanOrEqual(240);
  });

  it("places the assistant's replies after the person's own turns that match nearly as well", () => {
    const nearly = 1 - (1 - ASSISTANT_REPLY_PLACE) / 2;
    // Room for one item: the reply restating the person's words matched a
    // little better, but what they said is what memory is for.
    const one = fitBudget([candidate('reply', 1, 'assistant'), candidate('said', nearly)], 70);
    expect(one?.items.map((i) => i.id)).toEqual(['said']);
    // A reply matching clearly better still comes first.
    const clear = fitBudget(
      [candidate('reply', 1, 'assistant'), candidate('said', ASSISTANT_REPLY_PLACE - 0.05)],
      70,
    );
    expect(clear?.items.map((i) => i.id)).toEqual(['reply']);
  });

  it("reads a reply's own score against the floor as the block fills", () => {
    // Three items fill past half the budget; placed, the reply would fall
    // under the raised floor, its own score clears it.
    const reply = SURFACING_FULL_RELATIVE_FLOOR / ASSISTANT_REPLY_PLACE - 0.01;
    const candidates = [
      candidate('a', 1),
      candidate('b', 0.99),
      candidate('c', 0.98),
      candidate('r', reply, 'assistant'),
    ];
    const ids = fitBudget(candidates, 200)?.items.map((i) => i.id) ?? [];
    expect(ids).toContain('r');
  });
});

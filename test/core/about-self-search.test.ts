import { describe, expect, it } from 'vitest';
import { BM25_DEFAULTS, FIRST_PERSON_B, asksAboutSelf } from '../../src/core/storage/repos/rows';
import { testCore } from '../helpers/test-core';
import { topicEmbedder } from '../helpers/topic-embedder';

describe('a question in the first person (rows.ts, ABOUT SELF)', () => {
  it('is told by the person’s own words, whole', () => {
    expect(asksAboutSelf('How many musical instruments do I currently own?')).toBe(true);
    expect(asksAboutSelf("What's my sister's name?")).toBe(true);
    expect(asksAboutSelf("Where was I'm going to meet Myself?")).toBe(true);
    expect(asksAboutSelf('What did Caroline research?')).toBe(false);
    // Not the words inside others: IKEA, Mine, items, memory.
    expect(asksAboutSelf('Is the IKEA shelf mine? Which items are in memory?')).toBe(false);
  });
});

/** `n` words from a fixed list, none of them a query word here. */
function filler(n: number, seed: number): string {
  const words = ['lantern', 'orchard', 'velvet', 'copper', 'meadow', 'thistle', 'pebble', 'saddle'];
  return Array.from({ length: n }, (_, i) => words[(i * 7 + seed) % words.length]).join(' ');
}

describe('archival full text counts length more for a question in the first person', () => {
  it('gives two matches of one word the score ratio its b gives, and the usual b to a question about someone else', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Harbour' });
    const short = 'The north harbour, finally.';
    const long = `${filler(60, 1)} harbour ${filler(90, 2)}`;
    const texts = [short, long, 'Buy stamps', 'Water the plants', filler(200, 3), filler(12, 4)];
    const stored = await core.archival.insertMany(
      agent.id,
      texts.map((text) => ({ text })),
    );
    // Term frequency 1, one query word in the memory ("harbour"; "choose"
    // and "Sam" are in no text, no text holds I/me/my): the two rows'
    // scores differ only by the length normalisation, whose average is the
    // typical length on a log scale.
    const lengths = texts.map((t) => Buffer.byteLength(t));
    const typical = Math.exp(lengths.reduce((s, l) => s + Math.log(l), 0) / lengths.length);
    const norm = (b: number, length: number) =>
      1 + BM25_DEFAULTS.k1 * (1 - b + (b * length) / typical);
    const ratio = (b: number) => norm(b, lengths[1]!) / norm(b, lengths[0]!);
    expect(ratio(FIRST_PERSON_B)).toBeGreaterThan(ratio(BM25_DEFAULTS.b) * 1.5);

    const scoreRatio = async (query: string) => {
      const page = await core.archival.search(agent.id, { query, mode: 'text', commonWords: true });
      const score = (id: string) => page.items.find((p) => p.id === id)?.score ?? Number.NaN;
      return score(stored[0]!.id) / score(stored[1]!.id);
    };
    expect(await scoreRatio('Which harbour did I choose?')).toBeCloseTo(ratio(FIRST_PERSON_B), 6);
    expect(await scoreRatio('Which harbour did Sam choose?')).toBeCloseTo(
      ratio(BM25_DEFAULTS.b),
      6,
    );
  });
});

describe('hybrid search reads a weak word list against a floor for a question in the first person', () => {
  const mine = 'Which airline did I fly with on Valentines day?';
  const theirs = 'Which airline did Sam fly with on Valentines day?';
  // A memory about flights: its subject's word is in most rows.
  const airlineRows = [
    'Airline lounges are worth it on long trips, here are a few tips for choosing one.',
    'Most airline loyalty schemes reward frequent short hops less than you expect.',
    'An airline seat map shows which rows have more legroom before you book.',
    'Airline baggage rules differ, so check the allowance on your booking.',
  ];
  const answer = 'We took the JetBlue red-eye to Boston on the fourteenth, just the two of us.';

  async function order(query: string): Promise<string[]> {
    const core = await testCore({
      embedder: topicEmbedder({
        [mine]: 0.9,
        [theirs]: 0.9,
        [answer]: 0.5,
        ...Object.fromEntries(airlineRows.map((row) => [row, 0.2])),
      }),
    });
    const { id } = await core.agents.create({ name: 'Flyer' });
    for (const text of [
      ...airlineRows,
      answer,
      'the plumber is coming on monday',
      'we repainted the kitchen a pale green',
    ]) {
      await core.archival.insert(id, { text });
    }
    const page = await core.archival.search(id, { query, commonWords: true });
    return page.items.map((p) => p.text);
  }

  it('puts the turn that answers by meaning above rows holding only the subject’s word', async () => {
    const found = await order(mine);
    expect(found[0]).toBe(answer);
    expect(found.slice(1, 5).sort()).toEqual([...airlineRows].sort());
  });

  it('leaves a question about someone else to the word list’s own best', async () => {
    const found = await order(theirs);
    expect(found.indexOf(answer)).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/core/models/embedder';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { createMaintenanceRepo } from '../../src/core/storage/repos/maintenance-repo';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { onServer } from '../helpers/test-backend';
import { testCore } from '../helpers/test-core';

async function setup(embedder?: Embedder, indexAfterIdleMs?: number) {
  const core = await testCore({
    ...(embedder ? { embedder } : {}),
    ...(indexAfterIdleMs !== undefined ? { indexAfterIdleMs } : {}),
  });
  const agent = await core.agents.create({ name: 'Tester' });
  return { core, agentId: agent.id };
}

const facts = [
  'Ada adopted a grey cat named Pixel from the shelter',
  'The quarterly budget review moved to Thursday afternoon',
  'Ada is allergic to peanuts and avoids satay',
  'Bob plays the cello in a community orchestra',
  'Ada started learning Portuguese for a trip to Lisbon',
];

const COLOURS = 'red orange yellow green blue indigo violet black white grey'.split(' ');
const ANIMALS = 'cat dog owl fox bee eel yak emu ant elk'.split(' ');
const PLACES = 'attic barn cellar dock garden hall kitchen loft porch shed yard'.split(' ');
/** 1,100 notes that differ in words: notes told apart only by numbers got identical fake vectors. */
function noteText(i: number): string {
  const colour = COLOURS[i % 10] as string;
  const animal = ANIMALS[Math.floor(i / 10) % 10] as string;
  const place = PLACES[Math.floor(i / 100) % 11] as string;
  return `imported note: the ${colour} ${animal} in the ${place}`;
}

describe('archival memory', () => {
  it('stores passages with tags, source and an embedding', async () => {
    const { core, agentId } = await setup();
    const passage = await core.archival.insert(agentId, {
      text: facts[0] as string,
      // Quotes, commas and braces must survive the bulk insert's array encoding.
      tags: ['Pets', ' pets ', 'ada', 'say "hi", {x}\\'],
      source: { kind: 'message', ref: 'message-1' },
    });
    expect(passage.tags).toEqual(['pets', 'ada', 'say "hi", {x}\\']);
    const stored = await core.archival.get(passage.id);
    expect(stored).toMatchObject({
      tags: passage.tags,
      text: facts[0],
      source: { kind: 'message', ref: 'message-1' },
      embedded: true,
    });
  });

  it('ranks the passage sharing meaning and words first in hybrid search', async () => {
    const { core, agentId } = await setup();
    await core.archival.insertMany(
      agentId,
      facts.map((text) => ({ text })),
    );
    const page = await core.archival.search(agentId, {
      query: 'which pets does Ada have? a cat?',
      limit: 3,
    });
    expect(page.items[0]?.text).toBe(facts[0]);
    const allergy = await core.archival.search(agentId, { query: 'peanut allergy', limit: 1 });
    expect(allergy.items[0]?.text).toBe(facts[2]);
    // Scores are descending.
    const scores = page.items.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('fuses both rankers: a text-only match still ranks when vectors disagree', async () => {
    // An embedder that maps everything to one direction makes vector ranking useless;
    // full text must still find the right passage in hybrid mode.
    const flat: Embedder = {
      name: 'flat',
      dimensions: 8,
      embed: async (texts) => texts.map(() => Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0])),
      dispose: async () => {},
    };
    const { core, agentId } = await setup(flat);
    await core.archival.insertMany(
      agentId,
      facts.map((text) => ({ text })),
    );
    const hybrid = await core.archival.search(agentId, { query: 'cello orchestra', limit: 2 });
    expect(hybrid.items[0]?.text).toBe(facts[3]);
    const textOnly = await core.archival.search(agentId, {
      query: 'cello orchestra',
      mode: 'text',
    });
    expect(textOnly.items.map((p) => p.text)).toEqual([facts[3]]);
  });

  it('weighs rare words above words every passage has (BM25), in archival and recall search', async () => {
    // ts_rank has no inverse document frequency: the passage repeating the
    // name everyone has would win. LoCoMo's questions look exactly like this.
    const { core, agentId } = await setup();
    const texts = [
      'Caroline: Caroline, Caroline and I went out again',
      ...Array.from({ length: 20 }, (_, i) => `Caroline: ordinary day number ${i}`),
      'Melanie: the new puppy slept all afternoon',
    ];
    await core.archival.insertMany(
      agentId,
      texts.map((text) => ({ text })),
    );
    for (const text of texts) await core.recall.append(agentId, { role: 'user', content: text });
    const query = 'Did Caroline see the puppy?';
    const archival = await core.archival.search(agentId, { query, mode: 'text', limit: 3 });
    expect(archival.items[0]?.text).toContain('puppy');
    const recall = await core.recall.search(agentId, { query, limit: 3 });
    expect(recall.items[0]?.content).toContain('puppy');
  });

  it('refreshes planner statistics after bulk writes (PGlite has no autovacuum)', async () => {
    const { core, agentId } = await setup();
    const stats = createMaintenanceRepo(core.database.pg);
    expect((await stats.rowEstimate('passages')).planned).toBeLessThan(1);
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 600 }, (_, i) => ({ text: `note number ${i}` })),
    );
    expect(await stats.rowEstimate('passages')).toEqual({ rows: 600, planned: 600 });
  });

  it('filters by tags (any or all) and by date range', async () => {
    const { core, agentId } = await setup();
    await core.archival.insert(agentId, {
      text: 'note about tea',
      tags: ['note', 'food'],
      createdAt: '2026-03-01T10:00:00Z',
    });
    await core.archival.insert(agentId, {
      text: 'note about coffee',
      tags: ['note'],
      createdAt: '2026-04-01T10:00:00Z',
    });
    await core.archival.insert(agentId, {
      text: 'tea recipe',
      tags: ['food'],
      createdAt: '2026-05-01T10:00:00Z',
    });
    const texts = async (q: Parameters<typeof core.archival.search>[1]) =>
      (await core.archival.search(agentId, q)).items.map((p) => p.text).sort();

    expect(await texts({ query: 'tea coffee note recipe', tags: ['note'] })).toEqual([
      'note about coffee',
      'note about tea',
    ]);
    expect(
      await texts({ query: 'tea coffee note recipe', tags: ['note', 'food'], tagMode: 'all' }),
    ).toEqual(['note about tea']);
    expect(
      await texts({ query: 'tea coffee note recipe', start: '2026-03-15', end: '2026-04-30' }),
    ).toEqual(['note about coffee']);
    // A bare end date includes that whole day.
    expect(await texts({ query: 'tea', mode: 'text', end: '2026-05-01' })).toEqual([
      'note about tea',
      'tea recipe',
    ]);
    expect(await texts({ query: 'tea', mode: 'text', end: '2026-04-30' })).toEqual([
      'note about tea',
    ]);
    // No query lists newest first within the filters.
    const listed = await core.archival.search(agentId, { query: '', tags: ['food'] });
    expect(listed.items.map((p) => p.text)).toEqual(['tea recipe', 'note about tea']);
  });

  it('pages through results without repeats or gaps', async () => {
    const { core, agentId } = await setup();
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 25 }, (_, i) => ({
        text: `garden journal entry ${i}: tomatoes and basil`,
      })),
    );
    const seen: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await core.archival.search(agentId, {
        query: 'tomatoes garden',
        limit: 10,
        offset,
      });
      seen.push(...page.items.map((p) => p.id));
      offset = page.nextOffset;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('keeps agents apart', async () => {
    const { core, agentId } = await setup();
    const other = await core.agents.create({ name: 'Other' });
    await core.archival.insert(other.id, { text: 'secret of the other agent about cats' });
    await core.archival.insert(agentId, { text: 'my own note about dogs' });
    const page = await core.archival.search(agentId, { query: 'cats dogs secret note' });
    expect(page.items.map((p) => p.text)).toEqual(['my own note about dogs']);
  });

  it('keeps a passage when embedding fails, and embeds it on reembed', async () => {
    let fail = true;
    const real = createFakeEmbedder();
    const flaky: Embedder = {
      ...real,
      embed: async (texts) => {
        if (fail) throw new Error('model crashed');
        return real.embed(texts);
      },
    };
    const { core, agentId } = await setup(flaky);
    const passage = await core.archival.insert(agentId, {
      text: 'the spare key is under the blue pot',
    });
    expect(passage.embedded).toBe(false);
    expect(
      (await core.archival.search(agentId, { query: 'spare key', mode: 'text' })).items,
    ).toHaveLength(1);
    fail = false;
    expect(await core.archival.reembed()).toEqual({ embedded: 1 });
    expect((await core.archival.get(passage.id)).embedded).toBe(true);
    expect(
      (await core.archival.search(agentId, { query: 'spare key', mode: 'vector' })).items[0]?.id,
    ).toBe(passage.id);
  });

  it('rebuilds the vector index on a server after re-embedding a large backlog instead of updating it', async () => {
    let fail = true;
    const real = createFakeEmbedder({ dimensions: 384 });
    // Whether the index existed each time re-embedding asked for vectors.
    const indexWhileEmbedding: boolean[] = [];
    const flaky: Embedder = {
      ...real,
      embed: async (texts) => {
        if (fail) throw new Error('model not loaded yet');
        indexWhileEmbedding.push(await repo.hasVectorIndex());
        return real.embed(texts);
      },
    };
    // The bulk insert's deferred index would be built at the first pause:
    // between re-embedding batches, which wait on the embedder.
    const { core, agentId } = await setup(flaky, 0);
    const repo = createVectorsRepo(core.database.pg, 'passages');
    // PGlite has none: its process ranks the signs (memory/sign-index.ts).
    expect(await repo.hasVectorIndex()).toBe(onServer());
    await core.archival.insertMany(
      agentId,
      Array.from({ length: 1100 }, (_, i) => ({ text: noteText(i) })),
    );
    fail = false;
    expect(await core.archival.reembed({ batchSize: 500 })).toEqual({ embedded: 1100 });
    expect(indexWhileEmbedding).toEqual([false, false, false]);
    expect(await repo.hasVectorIndex()).toBe(onServer());
    const text = noteText(733);
    const found = await core.archival.search(agentId, { query: text, mode: 'vector', limit: 1 });
    expect(found.items[0]?.text).toBe(text);
  });

  it('updates text (re-embedding it) and deletes', async () => {
    const { core, agentId } = await setup();
    const p = await core.archival.insert(agentId, { text: 'meeting on monday' });
    await core.archival.update(p.id, { text: 'meeting moved to friday', tags: ['Work'] });
    const hit = await core.archival.search(agentId, { query: 'friday', mode: 'vector', limit: 1 });
    expect(hit.items[0]).toMatchObject({ id: p.id, tags: ['work'] });
    await core.archival.remove(p.id);
    await expect(core.archival.get(p.id)).rejects.toMatchObject({ code: 'PASSAGE_NOT_FOUND' });
    await expect(
      core.archival.search(agentId, { query: 'x', start: 'not a date' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { normalize, type Embedder } from '../../src/core/models/embedder';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import {
  durableStorage,
  onCleanup,
  restartCore,
  storageOf,
  testCore,
  testDatabase,
} from '../helpers/test-core';
import { migrationsBefore } from '../helpers/migrations-before';

const EMBEDDINGS_MIGRATION = '1764600000000_message_embeddings';

/**
 * Words of one meaning share a dimension, so a query can match a message by
 * meaning without sharing a word with it: what a sentence model does, made
 * deterministic.
 */
const CONCEPTS = [
  ['dessert', 'desserts', 'ice', 'cream', 'cake', 'tart', 'sweet'],
  ['travel', 'trip', 'spain', 'england', 'flight', 'abroad'],
  ['work', 'office', 'meeting', 'deadline'],
  ['pet', 'pets', 'dog', 'cat', 'puppy'],
];

function conceptEmbedder(
  options: { gate?: (texts: string[]) => Promise<void>; fail?: () => boolean } = {},
) {
  const calls: string[][] = [];
  const embedder: Embedder = {
    name: 'concepts-test',
    dimensions: CONCEPTS.length + 1,
    async embed(texts) {
      calls.push(texts);
      if (options.fail?.()) throw new Error('the embedding model crashed');
      await options.gate?.(texts);
      return texts.map((text) => {
        const words = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
        const vector = CONCEPTS.map((group) => (group.some((w) => words.has(w)) ? 1 : 0));
        return normalize(Float32Array.from([...vector, 0.1]));
      });
    },
    async dispose() {},
  };
  return Object.assign(embedder, { calls });
}

const FILLER = [
  'the train to the city was late again',
  'I repainted the kitchen a pale green',
  'my neighbour lent me a ladder',
  'we watched a documentary about volcanoes',
  'the plumber is coming on monday',
  'I finished the crossword in record time',
];

const replyWith = (message: string) =>
  createScriptedModel({
    script: () => ({ thinking: 'Answer kindly.', tool: 'send_message', arguments: { message } }),
  });

describe('recall search by meaning', () => {
  it('finds a message that shares no word with the question, ranked with the words', async () => {
    const core = await testCore({ embedder: conceptEmbedder() });
    const { id } = await core.agents.create({ name: 'Sweet' });
    for (const [i, text] of FILLER.entries()) {
      await core.recall.append(id, { role: i % 2 ? 'assistant' : 'user', content: text });
    }
    const made = await core.recall.append(id, {
      role: 'user',
      content: 'I made coconut ice cream yesterday',
    });
    await core.recall.append(id, { role: 'user', content: 'the crossword had a plumber clue' });
    await core.indexer.drain();

    const ask = (mode: 'hybrid' | 'text' | 'vector') =>
      core.recall.search(id, { query: 'favourite desserts?', mode });
    expect((await ask('text')).items).toEqual([]);
    expect((await ask('vector')).items[0]?.id).toBe(made.id);
    expect((await ask('hybrid')).items[0]?.id).toBe(made.id);
    // Words still rank too: a literal match comes first.
    const literal = await core.recall.search(id, { query: 'plumber crossword' });
    expect(literal.items[0]?.content).toBe('the crossword had a plumber clue');
  });

  it('lists no row that shares no word with the query and means no more than unrelated text', async () => {
    // Once a word matches, the nearest rows by meaning join the word
    // matches; a row no closer than unrelated text (meaning score 0) is
    // not one of them, in archival and recall search alike.
    const core = await testCore({ embedder: conceptEmbedder() });
    const { id } = await core.agents.create({ name: 'Floor' });
    const earlier = [...FILLER, 'the bakery closes early on sundays', 'my bike needs new brakes'];
    for (const text of earlier) {
      await core.recall.append(id, { role: 'user', content: text });
      await core.archival.insert(id, { text });
    }
    const match = 'the quiz had a plumber clue';
    await core.recall.append(id, { role: 'user', content: match });
    await core.archival.insert(id, { text: match });
    await core.indexer.drain();

    const archival = await core.archival.search(id, { query: 'plumber quiz' });
    expect(archival.items.map((p) => p.text)).toEqual([match, 'the plumber is coming on monday']);
    const recall = await core.recall.search(id, { query: 'quiz clue' });
    // The four messages before the match are lent part of its score
    // (recall's neighbours); the rest share nothing with the question.
    expect(recall.items.map((m) => m.content)).toEqual([match, ...earlier.slice(-4).reverse()]);
    expect(Math.min(...recall.items.map((m) => m.score))).toBeGreaterThan(0);
  });

  it('ranks a word match first when the best row by meaning stands barely above unrelated text', async () => {
    // As the built-in model does for a query it cannot read (one emoji): the
    // query's vector is orthogonal to everyday sentences and to the readable
    // match, and CJK texts (hashed too) sit a collision (0.01) above it.
    // Rescaled against that best row, the collision counted as much as the
    // match's words, and the unrelated rows tied with it.
    const query = '🎉';
    const match = 'party tonight 🎉 at the lake';
    const unreadable = ['東京で寿司を食べました', '我喜欢在北京吃饺子'];
    const embedder: Embedder = {
      name: 'unreadable-test',
      dimensions: 3,
      async embed(texts) {
        return texts.map((text) =>
          normalize(
            Float32Array.from(
              text === query ? [1, 0, 0] : unreadable.includes(text) ? [0.01, 1, 0] : [0, 0, 1],
            ),
          ),
        );
      },
      async dispose() {},
    };
    const core = await testCore({ embedder });
    const { id } = await core.agents.create({ name: 'Party' });
    // Far enough from the match that recall lends them none of its score.
    for (const text of [...unreadable, ...FILLER, match]) {
      await core.archival.insert(id, { text });
      await core.recall.append(id, { role: 'user', content: text });
    }
    await core.indexer.drain();

    const archival = (await core.archival.search(id, { query })).items;
    const recall = (await core.recall.search(id, { query })).items;
    for (const [first, ...rest] of [
      archival.map((p) => ({ text: p.text, score: p.score })),
      recall.map((m) => ({ text: m.content, score: m.score })),
    ]) {
      expect(first?.text).toBe(match);
      for (const other of rest.filter((row) => unreadable.includes(row.text))) {
        expect(other.score).toBeLessThan((first?.score ?? 0) / 5);
      }
    }
  });

  it("embeds a turn's messages after the turn, and finds them by their words meanwhile", async () => {
    let release: () => void = () => undefined;
    let held = true;
    const gate = () => (held ? new Promise<void>((resolve) => (release = resolve)) : undefined);
    const core = await testCore({
      // Holds the turn's messages, not the question surfacing embeds
      // before the first step (that one is part of the turn).
      embedder: conceptEmbedder({
        gate: async (texts) => (texts.some((t) => t.includes('pineapple')) ? gate() : undefined),
      }),
      chatModel: replyWith('Your pineapple tart needs two eggs.'),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'What was in that recipe?');

    // The turn is over; its embedding is not. Only what was said waits:
    // the question and the reply, not the tool result.
    expect((await core.handlers['status.get']({})).messages).toEqual({ total: 3, pending: 2 });
    const byWords = await core.recall.search(agent.id, { query: 'pineapple', mode: 'text' });
    expect(byWords.items[0]?.toolCalls?.[0]?.name).toBe('send_message');

    held = false;
    release();
    await core.indexer.idle();
    expect((await core.handlers['status.get']({})).messages.pending).toBe(0);
    const byMeaning = await core.recall.search(agent.id, { query: 'a sweet cake', mode: 'vector' });
    // The reply is embedded as what it said (a tart), not as the thinking.
    expect(byMeaning.items[0]?.toolCalls?.[0]?.name).toBe('send_message');
  });

  it('keeps messages when the embedder fails, searches by words, and embeds them later', async () => {
    let broken = true;
    const embedder = conceptEmbedder({ fail: () => broken });
    const core = await testCore({
      embedder,
      chatModel: replyWith('The flight to Spain is at noon.'),
    });
    const agent = await core.agents.getOrCreateDefault();
    const turn = await core.runtime.send(agent.id, 'When do we leave?');
    expect(turn.stopReason).toBe('replied');
    await core.indexer.idle();
    expect(core.indexer.lastError?.message).toContain('crashed');
    expect((await core.handlers['status.get']({})).messages.pending).toBe(2);
    // The query cannot be embedded either: the words still find the reply.
    const found = await core.recall.search(agent.id, { query: 'flight noon' });
    expect(found.items[0]?.toolCalls?.[0]?.name).toBe('send_message');

    broken = false;
    expect(await core.indexer.drain()).toEqual({ embedded: 2 });
    expect(core.indexer.lastError).toBeNull();
    const trip = await core.recall.search(agent.id, { query: 'travel abroad', mode: 'vector' });
    expect(trip.items[0]?.toolCalls?.[0]?.name).toBe('send_message');
  });

  it('re-embeds messages with a new embedder, and the vectors of the old one are gone', async () => {
    const first = await testCore({ embedder: conceptEmbedder() });
    const { id } = await first.agents.create({ name: 'Switch' });
    await first.recall.append(id, { role: 'user', content: 'we adopted a puppy' });
    await first.recall.append(id, { role: 'user', content: 'the office moved floors' });
    await first.indexer.drain();

    const core = await restartCore(first, {
      embedder: createFakeEmbedder({ dimensions: 32 }),
      allowEmbedderSwitch: true,
    });
    expect(core.embedderSync).toMatchObject({ switched: true, pendingMessages: 2 });
    await core.indexer.idle();
    const dims = await core.database.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE vector_dims(embedding) = 32',
    );
    expect(dims.rows[0]?.n).toBe(2);
    const hit = await core.recall.search(id, { query: 'puppy', mode: 'vector', limit: 1 });
    expect(hit.items[0]?.content).toBe('we adopted a puppy');
  });

  it('embeds what was said before the upgrade, and nothing else, in the background', async () => {
    const old = await testDatabase({
      migrations: migrationsBefore(EMBEDDINGS_MIGRATION),
    });
    await old.pg.query(
      `INSERT INTO agents (id, name, system, model, created_at, updated_at)
       VALUES ('a', 'a', '', '{}'::jsonb, now(), now())`,
    );
    const send = JSON.stringify([
      { id: 'c1', name: 'send_message', arguments: '{"message":"Enjoy your trip to Spain"}' },
    ]);
    const insert = JSON.stringify([
      { id: 'c2', name: 'archival_memory_insert', arguments: '{"content":"trip"}' },
    ]);
    const rows: Array<[string, string, string, string, string | null]> = [
      ['said-user', 'user', 'chat', 'I booked a trip abroad', null],
      ['said-reply', 'assistant', 'chat', 'thinking', send],
      ['tool-call', 'assistant', 'chat', 'saving it', insert],
      ['tool-result', 'tool', 'chat', '{"status":"OK"}', null],
      ['summary', 'system', 'summary', 'The user plans a trip.', null],
      ['empty', 'user', 'chat', '', null],
    ];
    for (const [id, role, kind, content, calls] of rows) {
      await old.pg.query(
        `INSERT INTO messages (id, agent_id, role, kind, content, tool_calls, reply, created_at)
         VALUES ($1, 'a', $2, $3, $4, $5::jsonb,
                 CASE WHEN $1 = 'said-reply' THEN 'Enjoy your trip to Spain' END, now())`,
        [id, role, kind, content, calls],
      );
    }
    const core = await testCore({ ...(await storageOf(old)), embedder: conceptEmbedder() });
    expect(core.embedderSync).toMatchObject({ switched: false, pendingMessages: 2 });
    await core.indexer.idle();
    const embedded = await core.database.pg.query<{ id: string }>(
      'SELECT id FROM messages WHERE embedding IS NOT NULL ORDER BY id',
    );
    expect(embedded.rows.map((r) => r.id)).toEqual(['said-reply', 'said-user']);
    const hit = await core.recall.search('a', { query: 'travel', mode: 'vector' });
    expect(hit.items.map((m) => m.id).sort()).toEqual(['said-reply', 'said-user']);
  });

  it("refreshes the planner's statistics after embedding a backlog", async () => {
    const core = await testCore({ embedder: conceptEmbedder() });
    const { id } = await core.agents.create({ name: 'Stats' });
    for (let i = 0; i < 300; i++) {
      await core.recall.append(id, { role: 'user', content: `note ${i} about a trip` });
    }
    await core.database.pg.exec('ANALYZE messages');
    const withoutVector = async () =>
      (
        await core.database.pg.query<{ null_frac: number }>(
          "SELECT null_frac FROM pg_stats WHERE tablename = 'messages' AND attname = 'embedding'",
        )
      ).rows[0]?.null_frac;
    // Taken before the backlog is embedded, the statistics say no row has a
    // vector: the planner would then sort every row instead of using HNSW.
    expect(await withoutVector()).toBe(1);
    await core.indexer.drain();
    expect(await withoutVector()).toBe(0);
  });

  it("embeds a turn's messages before closing, as a one-shot CLI call closes right after", async () => {
    const storage = await durableStorage();
    const first = await createCore({
      ...storage,
      embedder: conceptEmbedder(),
      chatModel: replyWith('Noted: the dog eats at six.'),
    });
    const agent = await first.agents.getOrCreateDefault();
    await first.runtime.send(agent.id, 'When does the puppy eat?');
    await first.dispose(); // no idle(): what `locus -p` does
    const reopened = await createCore({ ...storage, embedder: conceptEmbedder() });
    onCleanup(() => reopened.dispose());
    expect(reopened.embedderSync.pendingMessages).toBe(0);
  });

  it('stops embedding when Locus closes, and the next start finishes the rest', async () => {
    const storage = await durableStorage();
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
    const first = await createCore({ ...storage, embedder: conceptEmbedder({ gate: slow }) });
    const { id } = await first.agents.create({ name: 'Closer' });
    for (let i = 0; i < 300; i++) {
      await first.recall.append(id, { role: 'user', content: `note ${i} about the office` });
    }
    // Closed once the background run has embedded its first batch: a state,
    // not a delay, so a loaded machine cannot change what is left.
    const started = new Promise<void>((resolve) => {
      const off = first.events.on('progress', (p) => {
        if (p.task === 'index-messages' && p.done > 0) {
          off();
          resolve();
        }
      });
    });
    first.indexer.schedule();
    await started;
    await first.dispose(); // resolves between batches, without finishing the backlog
    const reopened = await createCore({ ...storage, embedder: conceptEmbedder() });
    onCleanup(() => reopened.dispose());
    const waiting = reopened.embedderSync.pendingMessages;
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThan(300);
    await reopened.indexer.idle();
    expect((await reopened.handlers['status.get']({})).messages).toEqual({
      total: 300,
      pending: 0,
    });
  });
});

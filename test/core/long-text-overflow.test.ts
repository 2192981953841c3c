import { describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/create-core';
import { call } from '../../src/core/host/call';
import type { Embedder } from '../../src/core/models/embedder';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { createWordPresenceRepo } from '../../src/core/storage/repos/word-presence-repo';
import { testCore } from '../helpers/test-core';

/** A seeded xorshift stream of unsigned integers. */
function numbers(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/**
 * `length` characters of English-looking compound words ("tekarol-vimesun"),
 * each different: the parser indexes a compound and each of its parts, so
 * its words take more bytes than the text has characters, which plain
 * words cannot (a word's bytes are its characters, spaces aside). No "q".
 */
function englishText(length: number, seed: number): string {
  const next = numbers(seed);
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  const word = () => {
    let w = '';
    for (let i = 0; i < 4; i++) w += consonants[next() % 14]! + vowels[next() % 5]!;
    return w;
  };
  const words: string[] = [];
  let size = 0;
  while (size < length) {
    const compound = `${word()}-${word()}`;
    words.push(compound);
    size += compound.length + 1;
  }
  return words.join(' ').slice(0, length);
}

/** `length` CJK characters drawn (seeded) from 3,072 of them; 熊 and 猫 are not among them. */
function chineseText(length: number, seed: number): string {
  const next = numbers(seed);
  return Array.from({ length }, () => String.fromCharCode(0x4e00 + (next() % 3072))).join('');
}

/**
 * The fake embedder as a sentence model sees a text: its first 2,000
 * characters (a model reads some 512 tokens), and not lexical, so hybrid
 * search fuses vectors with words. A word at the end of a long text is
 * then found by words alone.
 */
function truncatingEmbedder(): Embedder {
  const fake = createFakeEmbedder();
  return {
    ...fake,
    name: 'truncating-fake',
    lexical: false,
    embed: (texts) => fake.embed(texts.map((t) => t.slice(0, 2000))),
  };
}

/** Whether the row's search column (its first 1 MB of words) holds the word, and its overflow parts. */
async function indexed(core: Core, table: 'passages' | 'messages', id: string, word: string) {
  const side = table === 'passages' ? 'passage_search_overflow' : 'message_search_overflow';
  const owner = table === 'passages' ? 'passage_id' : 'message_id';
  const result = await core.database.pg.query<{ column: boolean; parts: number; hits: number }>(
    `SELECT (SELECT tsv @@ q FROM ${table} WHERE id = $1) AS column,
            (SELECT count(*)::int FROM ${side} WHERE ${owner} = $1) AS parts,
            (SELECT count(*)::int FROM ${side} WHERE ${owner} = $1 AND tsv @@ q) AS hits
     FROM (SELECT tsvector_to_array(locus_search_tsv($2::text))::text AS words,
                  array_to_string(tsvector_to_array(locus_search_tsv($2::text)), ' & ')::tsquery AS q) w`,
    [id, word],
  );
  return result.rows[0]!;
}

const LANGUAGES = [
  // ~1.8 bytes of words a character: the column fills at ~560,000.
  {
    name: 'English',
    text: () => `${englishText(700_000, 7)} and at last a quokka`,
    word: 'quokka',
    other: 'wombats',
  },
  // Pairs of characters, 6 bytes each: the column fills at ~165,000.
  {
    name: 'Chinese',
    text: () => `${chineseText(200_000, 11)}，我们看到了熊猫`,
    word: '熊猫',
    other: '鲸鱼',
  },
];

describe('a text past the search column 1 MB of words', () => {
  for (const language of LANGUAGES) {
    it(`finds a word only in the last part of a long ${language.name} passage and message`, async () => {
      const core = await testCore({ embedder: truncatingEmbedder() });
      const { id } = await core.agents.create({ name: 'Long' });
      for (const text of ['a short note about the garden', 'the train was late again'])
        await core.archival.insert(id, { text });
      await core.recall.append(id, { role: 'user', content: 'hello there' });
      const text = language.text();
      expect(text.length).toBeLessThanOrEqual(1_000_000);
      const passage = await core.archival.insert(id, { text });
      const message = await core.recall.append(id, { role: 'user', content: text });
      // The word is past the column's limit: only the overflow holds it.
      for (const [table, rowId] of [
        ['passages', passage.id],
        ['messages', message.id],
      ] as const) {
        const where = await indexed(core, table, rowId, language.word);
        expect(where).toMatchObject({ column: false, hits: 1 });
        expect(where.parts).toBeGreaterThanOrEqual(1);
      }
      for (const mode of ['text', 'hybrid'] as const) {
        const archival = await core.archival.search(id, { query: language.word, mode });
        expect(archival.items[0]?.id).toBe(passage.id);
        expect(archival.items[0]?.snippet).toContain(language.word);
        const recall = await core.recall.search(id, { query: language.word, mode });
        expect(recall.items[0]?.id).toBe(message.id);
        expect(recall.items[0]?.snippet).toContain(language.word);
      }
      // Surfacing's count of the rows holding each of the query's words.
      const presence = await createWordPresenceRepo(core.database.pg).of(id, language.word);
      expect(presence.words.map((w) => w.rows)).toEqual(presence.words.map(() => 2));
      // A word the text does not hold still finds nothing.
      const none = await core.archival.search(id, { query: language.other, mode: 'text' });
      expect(none.items.map((p) => p.id)).toEqual([]);
    });
  }

  it('indexes an edited passage again, and forgetting removes its overflow', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Edited' });
    await core.archival.insert(id, { text: 'a short note about the garden' });
    const base = chineseText(200_000, 13);
    const passage = await core.archival.insert(id, { text: `${base}，熊猫` });
    await core.archival.update(passage.id, { text: `${base}，鲸鱼` });
    const search = async (query: string) =>
      (await core.archival.search(id, { query, mode: 'text' })).items.map((p) => p.id);
    expect(await search('熊猫')).toEqual([]);
    expect(await search('鲸鱼')).toEqual([passage.id]);
    expect((await indexed(core, 'passages', passage.id, '鲸鱼')).hits).toBe(1);
    // Shorter again: the overflow goes, the column holds it all.
    await core.archival.update(passage.id, { text: '熊猫 in a short text' });
    expect(await indexed(core, 'passages', passage.id, '熊猫')).toMatchObject({
      column: true,
      parts: 0,
    });
    await core.archival.update(passage.id, { text: `${base}，鲸鱼` });
    await core.forget(id, { kind: 'passage', id: passage.id });
    const message = await core.recall.append(id, { role: 'user', content: `${base}，鲸鱼` });
    expect((await indexed(core, 'messages', message.id, '鲸鱼')).parts).toBeGreaterThan(0);
    await core.forget(id, { kind: 'message', id: message.id });
    const left = await core.database.pg.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM passage_search_overflow)
            + (SELECT count(*) FROM message_search_overflow) AS n`,
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
    expect(await search('鲸鱼')).toEqual([]);
  });

  it('imports a long passage and message from an agent file, found by their last word and exported as they were', async () => {
    const source = await testCore();
    const agent = await source.agents.create({ name: 'Imported' });
    const text = `${englishText(700_000, 17)} and at last a quokka`;
    await source.archival.insert(agent.id, { text });
    await source.recall.append(agent.id, { role: 'user', content: `${text}!` });
    const exported = await call(source.handlers, 'agentfile.export', { agentId: agent.id });

    const target = await testCore();
    const report = await call(target.handlers, 'agentfile.import', { text: exported.text });
    const archival = await target.archival.search(report.agentId, {
      query: 'quokka',
      mode: 'text',
    });
    expect(archival.items.map((p) => p.text)).toEqual([text]);
    const recall = await target.recall.search(report.agentId, { query: 'quokka', mode: 'text' });
    expect(recall.items.map((m) => m.content)).toEqual([`${text}!`]);
    const again = await call(target.handlers, 'agentfile.export', { agentId: report.agentId });
    // The file holds both texts whole, as imported (JSON-quoted; they need no escapes).
    for (const file of [exported.text, again.text]) {
      expect(file).toContain(JSON.stringify(text));
      expect(file).toContain(JSON.stringify(`${text}!`));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/core/storage/migrations/registry';
import { openDatabase } from '../../src/core/storage/open-database';
import { holdsAnyTerm, snippetOf } from '../../src/core/memory/search-snippet';
import { agentWithTexts } from '../helpers/agent-with-texts';
import { testCore } from '../helpers/test-core';

const SEARCH_TEXT_MIGRATION = '1796531569788_search_text';

async function agentWith(texts: string[]) {
  const { core, id } = await agentWithTexts('Words', texts);
  const find = async (query: string) => {
    const archival = await core.archival.search(id, { query, mode: 'text' });
    const recall = await core.recall.search(id, { query, mode: 'text' });
    return {
      archival: archival.items.map((p) => p.text),
      recall: recall.items.map((m) => m.content),
    };
  };
  return { core, id, find };
}

describe('full-text search in any script', () => {
  it('finds words with or without their accents', async () => {
    const { find } = await agentWith([
      'We met at the Café de Flore in Paris',
      'Zoë bought a naïve painting in São Paulo',
      'Die Straße war nass',
      'an unrelated note about the garden',
    ]);
    for (const [query, expected] of [
      ['cafe', 'We met at the Café de Flore in Paris'],
      ['café', 'We met at the Café de Flore in Paris'],
      ['zoe naive', 'Zoë bought a naïve painting in São Paulo'],
      ['sao paulo', 'Zoë bought a naïve painting in São Paulo'],
      ['strasse', 'Die Straße war nass'],
    ] as const) {
      const found = await find(query);
      expect(found.archival[0], query).toBe(expected);
      expect(found.recall[0], query).toBe(expected);
    }
  });

  it('finds words inside Chinese, Japanese and Korean text, and in Cyrillic', async () => {
    const { find } = await agentWith([
      '我喜欢吃寿司和拉面',
      '昨日は東京タワーに行きました',
      '저는 한국어를 공부하고 있어요',
      'Привет, мир! Я люблю чай',
      'plain english filler about the weather',
    ]);
    expect((await find('寿司')).archival).toEqual(['我喜欢吃寿司和拉面']);
    // Recall search brings neighbours along as context: the match comes first.
    expect((await find('東京タワー')).recall[0]).toBe('昨日は東京タワーに行きました');
    expect((await find('東京タワー')).archival).toEqual(['昨日は東京タワーに行きました']);
    expect((await find('한국어')).archival).toEqual(['저는 한국어를 공부하고 있어요']);
    expect((await find('чай')).recall[0]).toBe('Привет, мир! Я люблю чай');
  });

  it('finds emoji, with or without a skin tone', async () => {
    const { find } = await agentWith([
      'Pizza night 🍕 with the team',
      'Great job 👍🏽 on the launch',
      'a note without pictures',
    ]);
    expect((await find('🍕')).archival).toEqual(['Pizza night 🍕 with the team']);
    expect((await find('👍')).recall[0]).toBe('Great job 👍🏽 on the launch');
  });

  it('indexes a text beyond the 1 MB search-vector limit, to its end', async () => {
    // 2.5 MB of prose: its english vector (positions included) passed
    // Postgres's 1 MB limit and the insert failed with an internal error.
    const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${(i * 7919).toString(36)}`);
    const words: string[] = [];
    for (let i = 0; i < 360_000; i++) words.push(vocabulary[(i * 31) % 5000] as string);
    const text = `${words.join(' ')} then we sailed to zanzibar`;
    expect(text.length).toBeGreaterThan(2_000_000);
    const { core, id } = await agentWith(['a short note']);
    const passage = await core.archival.insert(id, { text });
    const found = await core.archival.search(id, { query: 'zanzibar', mode: 'text' });
    expect(found.items.map((p) => p.id)).toEqual([passage.id]);
    // The result shows the part that matched, not the first of 2.5 million characters.
    expect(found.items[0]?.snippet).toMatch(/sailed to zanzibar$/);
    expect(found.items[0]?.snippet.length).toBeLessThanOrEqual(302);
  });

  it('stores a text of a million unique tokens, indexing words up to the limit', async () => {
    const tokens = Array.from({ length: 150_000 }, (_, i) => `tok${(i * 7919).toString(36)}`);
    const { core, id } = await agentWith(['a short note']);
    const passage = await core.archival.insert(id, { text: `kilimanjaro ${tokens.join(' ')}` });
    const found = await core.archival.search(id, { query: 'kilimanjaro', mode: 'text' });
    expect(found.items.map((p) => p.id)).toEqual([passage.id]);
  });

  it('indexes text already stored when Locus upgrades', async () => {
    const old = await openDatabase({
      // Every migration that runs before this one (the list's order, not the ids').
      migrations: migrations.slice(
        0,
        migrations.findIndex((m) => m.id === SEARCH_TEXT_MIGRATION),
      ),
    });
    await old.pg.query(
      `INSERT INTO agents (id, name, system, model, created_at, updated_at)
       VALUES ('a', 'a', '', '{}'::jsonb, now(), now())`,
    );
    await old.pg.query(
      `INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
       VALUES ('a', 'a', 'Conversation 1', now(), now())`,
    );
    await old.pg.query(
      `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
       VALUES ('p1', 'a', 'Lunch at the café by the station', 'user', now())`,
    );
    await old.pg.query(
      `INSERT INTO messages (id, agent_id, role, content, created_at)
       VALUES ('m1', 'a', 'user', '寿司が好きです', now())`,
    );
    const dump = await old.pg.dumpDataDir('none');
    await old.close();
    const core = await testCore({ template: dump });
    const passages = await core.archival.search('a', { query: 'cafe', mode: 'text' });
    expect(passages.items.map((p) => p.id)).toEqual(['p1']);
    const messages = await core.recall.search('a', { query: '寿司', mode: 'text' });
    expect(messages.items.map((m) => m.id)).toEqual(['m1']);
  });
});

describe('snippets', () => {
  const long = [
    'The quarterly report covers sales, hiring and the new office.',
    ...Array.from({ length: 40 }, (_, i) => `Paragraph ${i} talks about budgets and forecasts.`),
    'Our dog Biscuit needs his vaccination booster in March.',
    ...Array.from({ length: 40 }, (_, i) => `Closing paragraph ${i} repeats the forecasts.`),
  ].join(' ');

  it('shows the part of a long text holding the most query words', () => {
    const snippet = snippetOf(long, ['biscuit', 'vaccin']);
    expect(snippet).toContain('Our dog Biscuit needs his vaccination booster');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(302);
  });

  it('matches stems, folded accents and grams as the search column does', () => {
    const text = `${'filler words here. '.repeat(40)}I was so happy at the Café Müller, 東京タワー!${' more filler.'.repeat(40)}`;
    expect(snippetOf(text, ['happi'])).toContain('happy');
    expect(snippetOf(text, ['cafe', 'muller'])).toContain('Café Müller');
    expect(snippetOf(text, ['東京'])).toContain('東京タワー');
  });

  /** The snippet's text between its ellipses, and where it sits in `text`. */
  function placed(snippet: string, text: string) {
    const body = snippet.replace(/^…/, '').replace(/…$/, '');
    const at = text.indexOf(body);
    expect(at, `"${body}" is not a part of the text`).toBeGreaterThanOrEqual(0);
    return { body, before: text[at - 1], after: text[at + body.length] };
  }

  it('cuts between words at both ends, "…" included within maxChars', () => {
    // Words of many lengths, so the window's edges land at every point of
    // one; one a line (a list) as well as spaced.
    const words = Array.from({ length: 400 }, (_, i) =>
      'abcdefghijklmnopq'.slice(0, 1 + ((i * 7) % 17)),
    );
    for (const [at, space] of [37, 120, 203, 371].flatMap(
      (at) =>
        [
          [at, ' '],
          [at, '\n'],
        ] as const,
    )) {
      const text = [...words.slice(0, at), 'Zanzibar', ...words.slice(at)].join(space);
      for (const maxChars of [40, 61, 100, 137, 300]) {
        const snippet = snippetOf(text, ['zanzibar'], { maxChars });
        expect(snippet.length).toBeLessThanOrEqual(maxChars);
        expect(snippet).toContain('Zanzibar');
        const { before, after } = placed(snippet, text);
        expect([undefined, space]).toContain(before);
        expect([undefined, space]).toContain(after);
        expect(snippet.startsWith('…')).toBe(before !== undefined);
        expect(snippet.endsWith('…')).toBe(after !== undefined);
      }
    }
  });

  it('cuts between words where none ends near the cut, and inside only a word longer than the window', () => {
    const long = (n: number) => `https://example.org/${'segment'.repeat(n)}`;
    const text = `${long(9)} ${long(10)} the harbour key is under the stone ${long(11)}\n${long(12)}`;
    for (const maxChars of [120, 160, 200]) {
      const snippet = snippetOf(text, ['harbour', 'key'], { maxChars });
      expect(snippet.length).toBeLessThanOrEqual(maxChars);
      expect(snippet).toContain('the harbour key is under the stone');
      const { before, after } = placed(snippet, text);
      expect([undefined, ' ', '\n']).toContain(before);
      expect([undefined, ' ', '\n']).toContain(after);
    }

    // One word longer than the window: cut inside it, but never inside an emoji.
    const word = `${'🦀'.repeat(100)}ferris${'🦀'.repeat(100)}`;
    const crab = snippetOf(word, ['ferris'], { maxChars: 51 });
    expect(crab.length).toBeLessThanOrEqual(51);
    expect(crab).toContain('ferris');
    // Whole crabs only: no half of one left at either end.
    expect(crab.replace(/^…|…$/g, '').split('ferris').join('').replaceAll('🦀', '')).toBe('');
  });

  it('cuts an unspaced script between any two characters, never before a combining mark', () => {
    const japanese = `${'きょうはいいてんきですね。'.repeat(30)}東京タワーに行く${'あしたもはれるでしょう。'.repeat(30)}`;
    const snippet = snippetOf(japanese, ['東京'], { maxChars: 50 });
    expect(snippet.length).toBeLessThanOrEqual(50);
    expect(snippet).toContain('東京タワーに行く');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    // Every character but the ellipses' is the text's own, the window full.
    expect(placed(snippet, japanese).body.length).toBe(48);

    // Thai vowel and tone marks sit on the letter before them.
    const thai = `${'น้ำใจดีมีสุข'.repeat(40)}กรุงเทพ${'น้ำใจดีมีสุข'.repeat(40)}`;
    for (const maxChars of [30, 31, 32, 33, 34, 35]) {
      const cut = snippetOf(thai, ['กรุงเทพ'], { maxChars });
      const { body } = placed(cut, thai);
      expect(body).toMatch(/^\P{M}/u);
      expect(thai[thai.indexOf(body) + body.length]).toMatch(/^\P{M}/u);
      expect(cut.length).toBeLessThanOrEqual(maxChars);
    }
  });

  it('keeps short texts whole and starts at the beginning when no word matched', () => {
    expect(snippetOf('  a short note  ', ['zebra'])).toBe('a short note');
    const snippet = snippetOf(long, []);
    expect(snippet.startsWith('The quarterly report')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('tells whether a text holds any search term, matched as snippets match', () => {
    expect(holdsAnyTerm('I was so happy at the Café Müller', ['happi'])).toBe(true);
    expect(holdsAnyTerm('I was so happy at the Café Müller', ['muller', 'zebra'])).toBe(true);
    expect(holdsAnyTerm('東京タワー', ['東京'])).toBe(true);
    // An acknowledgement holds none of a question's words.
    expect(holdsAnyTerm('Got it!', ['live'])).toBe(false);
    expect(holdsAnyTerm('Got it!', [])).toBe(false);
  });

  it('matches a short word of a spaced script only where the search column does', async () => {
    // "до" (until) is a word of its own: search does not find it inside "подорожник".
    const { find } = await agentWith(['Мы нашли подорожник', 'Ждите до утра', '東京タワーに行く']);
    expect((await find('до')).archival).toEqual(['Ждите до утра']);
    expect(holdsAnyTerm('Мы нашли подорожник', ['до'])).toBe(false);
    expect(holdsAnyTerm('Ждите до утра', ['до'])).toBe(true);
    // Inside a run of an unspaced script any of its grams matches.
    expect(holdsAnyTerm('東京タワーに行く', ['タワ'])).toBe(true);
    const filler = 'подорожник растёт у тропы. '.repeat(30);
    expect(snippetOf(`${filler}Ждите до утра. ${filler}`, ['до'])).toContain('Ждите до утра');
  });

  it('carries a snippet and a score on every archival and recall result', async () => {
    const { core, id } = await agentWith(['Biscuit is our dog', long]);
    const archival = await core.archival.search(id, { query: 'Biscuit vaccination' });
    expect(archival.items[0]?.snippet).toContain('vaccination booster');
    expect(archival.items.every((p) => p.score > 0)).toBe(true);
    const recall = await core.recall.search(id, { query: 'Biscuit vaccination' });
    expect(recall.items.map((m) => m.snippet)).toContain('Biscuit is our dog');
    expect(recall.items.every((m) => m.score > 0)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { testCore } from '../helpers/test-core';

/** ASCII texts of every shape the english parser treats specially. */
const ASCII = [
  'Caroline went to the LGBTQ support group yesterday (7).',
  "It's Mel's dog; they're running -- fast!! at 5:30pm on 2023-05-08",
  'see https://example.com/a?b=c&d=e or mail me@example.org, v1.2.3',
  'tabs\tand\nnew lines\r\n   spaces',
  'ALL CAPS and MiXeD and 12345 and 3.14159 and -42',
  'the a an of', // stop words only
  '',
  '~!@#$%^&*()_+`-={}|[]\\:";\'<>?,./',
];

describe('search vectors of plain ASCII text', () => {
  it('are what the full folding path computes', async () => {
    const core = await testCore();
    const pg = core.database.pg;
    for (const text of ASCII) {
      const result = await pg.query<{ fast: string; full: string }>(
        `SELECT locus_search_tsv($1)::text AS fast,
                locus_search_slice(locus_search_fold($1))::text AS full`,
        [text],
      );
      expect(result.rows[0]?.fast, text).toBe(result.rows[0]?.full);
    }
  });

  it('still fold accents, scripts and pictographs in any other text', async () => {
    const core = await testCore();
    const { id } = await core.agents.create({ name: 'Words' });
    await core.archival.insertMany(id, [
      { text: 'We met at the Café de Flore' },
      { text: '我喜欢吃寿司' },
      { text: 'pizza night 🍕' },
      { text: 'plain text about the garden' },
    ]);
    const find = async (query: string) =>
      (await core.archival.search(id, { query, mode: 'text' })).items.map((p) => p.text);
    expect(await find('cafe')).toEqual(['We met at the Café de Flore']);
    expect(await find('寿司')).toEqual(['我喜欢吃寿司']);
    expect(await find('🍕')).toEqual(['pizza night 🍕']);
    expect(await find('garden')).toEqual(['plain text about the garden']);
  });

  it('keep the pinned search path, so a restore computes them too', async () => {
    const core = await testCore();
    const result = await core.database.pg.query<{ config: string[] | null }>(
      "SELECT proconfig AS config FROM pg_proc WHERE proname = 'locus_search_tsv'",
    );
    expect(result.rows[0]?.config).toEqual(['search_path=public, pg_catalog']);
  });
});

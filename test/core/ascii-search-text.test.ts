import { describe, expect, it } from 'vitest';
import type { Sql } from '../../src/core/storage/sql';
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

  it('are computed under any search path, so a restore computes them too', async () => {
    const core = await testCore();
    const pg = core.database.pg;
    const text = 'We met at the Café de Flore 🍕 我喜欢吃寿司, the dogs were running';
    const vector = async (sql: Sql) =>
      (await sql.query<{ v: string }>('SELECT public.locus_search_tsv($1)::text AS v', [text]))
        .rows[0]?.v;
    const usual = await vector(pg);
    // What pg_restore computes generated columns under.
    const restored = await pg.transaction(async (tx) => {
      await tx.exec("SET LOCAL search_path = ''");
      return vector(tx);
    });
    expect(restored).toBe(usual);
    expect(usual).toContain("'cafe'");
  });

  it('are computed inline, without a call into plpgsql for plain text', async () => {
    const core = await testCore();
    const plan = await core.database.pg.query<{ line: string }>(
      'EXPLAIN (VERBOSE) SELECT locus_search_tsv(text) AS line FROM passages',
    );
    const output = plan.rows.map((row) => Object.values(row).join('')).join('\n');
    expect(output).toContain("to_tsvector('english'::regconfig, text)");
    expect(output).not.toMatch(/[^_]locus_search_tsv\(/);
  });

  it('are null for a null text, as before', async () => {
    const core = await testCore();
    const result = await core.database.pg.query<{ none: boolean }>(
      'SELECT locus_search_tsv(NULL) IS NULL AS none',
    );
    expect(result.rows[0]?.none).toBe(true);
  });
});

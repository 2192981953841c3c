import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/storage/open-database';
import {
  BM25_DEFAULTS,
  Params,
  bm25Scores,
  bm25TuningFor,
} from '../../src/core/storage/repos/rows';
import { testDatabase } from '../helpers/test-core';

async function seed(
  texts: string[],
  others: string[] = [],
  options: { analyze?: boolean } = {},
): Promise<Database> {
  const db = await testDatabase();
  for (const [agent, rows] of [
    ['a', texts],
    ['b', others],
  ] as const) {
    await db.pg.query(
      `INSERT INTO agents (id, name, system, model, created_at, updated_at)
       VALUES ($1, $1, '', '{}'::jsonb, now(), now())`,
      [agent],
    );
    await db.pg.query(
      `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
       SELECT $1 || o, $1, t, 'agent', now() FROM unnest($2::text[]) WITH ORDINALITY u(t, o)`,
      [agent, rows],
    );
  }
  if (options.analyze !== false) await db.pg.exec('ANALYZE passages');
  return db;
}

async function rank(db: Database, query: string, maxHits = BM25_DEFAULTS.maxHits, agent = 'a') {
  const params = new Params();
  const agentParam = params.add(agent);
  const scores = bm25Scores(
    'passages',
    'p',
    `p.agent_id = ${agentParam}`,
    agentParam,
    params.add(query),
    'created_at',
    { ...BM25_DEFAULTS, maxHits },
  );
  const result = await db.pg.query<{ text: string }>(
    `SELECT p.text FROM (${scores}) s JOIN passages p ON p.id = s.id ORDER BY s.score DESC, p.id`,
    params.values,
  );
  return result.rows.map((r) => r.text);
}

describe('BM25 ranking', () => {
  // 40 rows about the weather (6 of them rainy), 3 about the violin, and one
  // about both, as long as the other three.
  const texts = [
    ...Array.from({ length: 40 }, (_, i) =>
      i < 6 ? `the weather brought rain on day ${i}` : `the weather was mild on day ${i}`,
    ),
    'the violin concert was loud',
    'the violin concert was long',
    'the violin concert was late',
    'the weather violin concert',
  ];

  it('ranks by rare words; a word most rows have adds little', async () => {
    const db = await seed(texts);
    const ranked = await rank(db, 'violin weather');
    expect(ranked[0]).toBe('the weather violin concert');
    expect(ranked.slice(1, 4).sort()).toEqual([
      'the violin concert was late',
      'the violin concert was long',
      'the violin concert was loud',
    ]);
    // In a memory this small every matching row is scored: the weather
    // rows come after every violin row.
    expect(ranked).toHaveLength(44);
    expect(ranked.slice(4).every((text) => text.includes('weather'))).toBe(true);
  });

  it('scores every row that holds a query word while the budget allows, however common', async () => {
    // 20 rows, a query word in 5 of them (a quarter): a share cut-off left
    // such words out of the search, and asked for 50 results it returned 1.
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => `we went camping by the lake, trip ${i}`),
      'the vintage camera collection grew again',
      ...Array.from({ length: 14 }, (_, i) => `an ordinary note number ${i}`),
    ];
    const db = await seed(rows);
    const ranked = await rank(db, 'camping with my vintage camera');
    expect(ranked[0]).toBe('the vintage camera collection grew again');
    expect(ranked).toHaveLength(6);
  });

  it('finds rows by the rarest words only, up to the candidate bound', async () => {
    const db = await seed(texts);
    // "violin" (4 rows) and "rain" (6) both find rows...
    expect(await rank(db, 'violin rain')).toHaveLength(10);
    // ...until together they would pass the bound: then the rarer one alone.
    const bounded = await rank(db, 'violin rain', 5);
    expect(bounded).toHaveLength(4);
    expect(bounded.every((text) => text.includes('violin'))).toBe(true);
    // A query of nothing but a common word still finds rows, capped.
    expect(await rank(db, 'weather', 10)).toHaveLength(10);
  });

  it("weighs words by the searched agent's own memory, whatever other agents hold", async () => {
    // Agent a: a name in half of its rows, "violin" in three. Agent b holds
    // many violin rows and never the name: over the whole table the name
    // would look rarer than "violin" and lift a's name-only rows first.
    const own = [
      ...Array.from({ length: 10 }, (_, i) => `caroline talked about day ${i}`),
      'the violin lesson was early',
      'the violin lesson was late',
      'the violin lesson was short',
      ...Array.from({ length: 7 }, (_, i) => `an ordinary note number ${i}`),
    ];
    const others = Array.from({ length: 200 }, (_, i) =>
      i < 40 ? `violin practice round ${i}` : `unrelated filler round ${i}`,
    );
    const db = await seed(own, others);
    const ranked = await rank(db, 'caroline violin');
    expect(ranked.slice(0, 3).every((text) => text.includes('violin'))).toBe(true);
    // The ranking is the same once the other agent's rows are gone.
    await db.pg.query("DELETE FROM passages WHERE agent_id = 'b'");
    await db.pg.exec('ANALYZE passages');
    expect(await rank(db, 'caroline violin')).toEqual(ranked);
    expect(await rank(db, 'violin', BM25_DEFAULTS.maxHits, 'b')).toEqual([]);
  });

  it("counts words in the agent's own memory before the planner has statistics", async () => {
    // Before ANALYZE the table's size read as one row, every agent looked
    // like it held all of it, and words were counted over all agents: "long"
    // (only in the other agent's rows) looked rarest and chose the
    // candidates, so none of this agent's camera notes came back (issue 19).
    const own = Array.from({ length: 11 }, (_, i) => `collecting vintage cameras, note ${i}`);
    const others = [
      ...Array.from({ length: 3 }, (_, i) => `a long walk, round ${i}`),
      ...Array.from({ length: 200 }, (_, i) => `collecting cameras at the fair, round ${i}`),
    ];
    const db = await seed(own, others, { analyze: false });
    const ranked = await rank(db, 'How long have I been collecting vintage cameras?');
    expect(ranked.sort()).toEqual([...own].sort());
  });

  it('counts words itself while the statistics were taken on a much smaller table', async () => {
    // Analysed when it held only the first note, every word of that note
    // read as in all the rows: "sister" weighed a twentieth of "call".
    const db = await seed(['My sister Ana lives in Porto and works as a nurse']);
    await db.pg.query(
      `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
       SELECT 'a-late-' || o, 'a', t, 'agent', now() FROM unnest($1::text[]) WITH ORDINALITY u(t, o)`,
      [['The boat is called Petrel, moored at Vilamoura marina', 'Favourite tea: smoked lapsang']],
    );
    const params = new Params();
    const agentParam = params.add('a');
    const scores = bm25Scores(
      'passages',
      'p',
      `p.agent_id = ${agentParam}`,
      agentParam,
      params.add('sister call'),
      'created_at',
      BM25_DEFAULTS,
    );
    const result = await db.pg.query<{ text: string; score: number }>(
      `SELECT p.text, s.score FROM (${scores}) s JOIN passages p ON p.id = s.id ORDER BY p.text`,
      params.values,
    );
    const [boat, sister] = result.rows.map((r) => r.score);
    // One equally rare word each, texts of about the same length.
    expect(sister).toBeGreaterThan((boat as number) * 0.8);
    expect(boat).toBeGreaterThan((sister as number) * 0.8);
  });

  it('weighs a long text by all its words, against the memory’s average length', async () => {
    // The long text repeats two words: counted as distinct stemmed words it
    // looked shorter than the short answer, and outranked it.
    const long = `the garden ${'weeds '.repeat(200)}`.trim();
    const answer = 'we planted the garden by the old stone wall';
    const filler = Array.from(
      { length: 20 },
      (_, i) => `a note about the day ${i} and its errands`,
    );
    const db = await seed([long, answer, ...filler]);
    expect(await rank(db, 'garden')).toEqual([answer, long]);
  });

  it('scores more candidates for a deeper result list, within fixed bounds', () => {
    const budget = (limit: number) => bm25TuningFor(limit).maxHits;
    expect(budget(11)).toBe(300); // the agent's 10 results (+1 to see if more exist)
    expect(budget(26)).toBeGreaterThan(budget(11));
    expect(budget(51)).toBe(1000);
    expect(budget(500)).toBe(1000);
    expect(bm25TuningFor(11)).toMatchObject({ k1: BM25_DEFAULTS.k1, b: BM25_DEFAULTS.b });
  });
});

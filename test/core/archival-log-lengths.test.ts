import { describe, expect, it } from 'vitest';
import { BULK_FROM } from '../../src/core/memory/archival-memory';
import { call } from '../../src/core/host/call';
import { copyDatabase } from '../../src/core/storage/copy-database';
import type { Database } from '../../src/core/storage/open-database';
import type { Sql } from '../../src/core/storage/sql';
import { BM25_DEFAULTS } from '../../src/core/storage/repos/rows';
import { migrationsBefore } from '../helpers/migrations-before';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';

const LOG_LENGTHS_MIGRATION = '1796663441628_passage_log_lengths';

/** The trigger-kept sum of an agent's passages' log lengths, in millionths (0 when it has none). */
async function kept(sql: Sql, agentId: string): Promise<number> {
  const result = await sql.query<{ sum: string | null }>(
    'SELECT passages_log_length::text AS sum FROM memory_counts WHERE agent_id = $1',
    [agentId],
  );
  return Number(result.rows[0]?.sum ?? 0);
}

/**
 * The same sum counted again over the rows: each passage's ln(bytes of its
 * text), an empty text as one byte, in millionths, rounded per row.
 */
async function recounted(sql: Sql, agentId: string): Promise<number> {
  const result = await sql.query<{ sum: string }>(
    `SELECT coalesce(sum(round(ln(greatest(octet_length(text), 1)::float8) * 1000000)), 0)::bigint::text AS sum
     FROM passages WHERE agent_id = $1`,
    [agentId],
  );
  return Number(result.rows[0]?.sum);
}

/** What the sum stands for, in JavaScript: natural logs of UTF-8 lengths. */
function logSum(texts: string[]): number {
  return texts.reduce((sum, text) => sum + Math.log(Math.max(Buffer.byteLength(text), 1)), 0);
}

async function expectRecounted(sql: Sql, agentId: string, texts?: string[]): Promise<void> {
  expect(await kept(sql, agentId)).toBe(await recounted(sql, agentId));
  if (texts) expect(Math.abs((await kept(sql, agentId)) / 1e6 - logSum(texts))).toBeLessThan(1e-3);
}

async function addAgent(db: Database, id: string): Promise<void> {
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ($1, $1, '', '{}'::jsonb, now(), now())`,
    [id],
  );
}

/** `n` words drawn from a fixed list by a seeded generator: filler that matches no query here. */
function filler(n: number, seed: number): string {
  const words = [
    'wardrobe',
    'pencil',
    'lantern',
    'orchard',
    'velvet',
    'granite',
    'meadow',
    'copper',
  ];
  let state = seed + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.push(words[(state >>> 0) % words.length] as string);
  }
  return out.join(' ');
}

describe("an agent's sum of passage log lengths", () => {
  it('is filled in for passages stored before the migration, an empty text adding nothing', async () => {
    const old = await testDatabase({ migrations: migrationsBefore(LOG_LENGTHS_MIGRATION) });
    await addAgent(old, 'a');
    await addAgent(old, 'none');
    const texts = ['A short fact', 'é'.repeat(300), '', filler(400, 1)];
    for (const [i, text] of texts.entries()) {
      await old.pg.query(
        `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
         VALUES ($1, 'a', $2, 'agent', now())`,
        [`a-p${i}`, text],
      );
    }
    const db = await reopenTestDatabase(old);
    expect(db.migration.applied[0]).toBe(LOG_LENGTHS_MIGRATION);
    await expectRecounted(db.pg, 'a', texts);
    expect(await kept(db.pg, 'none')).toBe(0);
  });

  it('follows inserts, bulk loads, edits, deletes and forgetting', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Lengths' });
    const other = await core.agents.create({ name: 'Other' });
    const sql = core.database.pg;

    const one = await core.archival.insert(agent.id, {
      text: 'The spare key is under the blue pot',
    });
    await expectRecounted(sql, agent.id, ['The spare key is under the blue pot']);
    const few = await core.archival.insertMany(
      agent.id,
      ['Bees on the roof', filler(900, 2), '熊猫 in the zoo'].map((text) => ({ text })),
    );
    // A bulk load (binary COPY) into another agent, of texts of many lengths.
    const bulk = Array.from({ length: BULK_FROM + 3 }, (_, i) => ({
      text: filler(1 + (i % 40), i),
    }));
    await core.archival.insertMany(other.id, bulk);
    await expectRecounted(
      sql,
      other.id,
      bulk.map((p) => p.text),
    );
    await expectRecounted(sql, agent.id);

    await core.archival.update(one.id, { text: filler(120, 3) });
    await core.archival.update(few[0]!.id, { tags: ['hobby'] });
    await expectRecounted(sql, agent.id);
    await core.archival.remove(few[1]!.id);
    await call(core.handlers, 'memory.forget', {
      agentId: agent.id,
      target: { kind: 'passage', id: few[2]!.id },
    });
    await expectRecounted(sql, agent.id, [filler(120, 3), 'Bees on the roof']);
    await expectRecounted(sql, other.id);
  });

  it('arrives whole through an agent-file import and a database copy', async () => {
    const source = await testCore();
    const agent = await source.agents.create({ name: 'Travels' });
    const texts = ['Ferry at nine', filler(2000, 4), 'Café Zoë, naïve 🐝', filler(30, 5)];
    await source.archival.insertMany(
      agent.id,
      texts.map((text) => ({ text })),
    );
    await source.archival.update((await source.archival.list(agent.id)).items[0]!.id, {
      text: 'Ferry at ten',
    });
    const sum = await kept(source.database.pg, agent.id);
    expect(sum).toBe(await recounted(source.database.pg, agent.id));

    const exported = await call(source.handlers, 'agentfile.export', { agentId: agent.id });
    const target = await testCore();
    const report = await call(target.handlers, 'agentfile.import', { text: exported.text });
    expect(await kept(target.database.pg, report.agentId)).toBe(sum);
    await expectRecounted(target.database.pg, report.agentId);

    const copy = await testDatabase();
    await copyDatabase(source.database, copy);
    expect(await kept(copy.pg, agent.id)).toBe(sum);
    await expectRecounted(copy.pg, agent.id);
  });
});

describe('archival full text normalises lengths by the typical length on a log scale', () => {
  it('ranks a short match over a longer one that the arithmetic mean, pulled up by long documents, put first', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Harbour' });
    const short = 'Our boat is moored in the north harbour.';
    // Holds both query words, the rarer once, among many others.
    const longer = `${filler(40, 6)} harbour ${filler(30, 7)} ferry ${filler(20, 8)}`;
    const ferries = [
      'Ferry tickets are in the drawer',
      'The ferry was late again',
      'Book the ferry for July',
      'Ferry timetable changed',
      'Missed the ferry today',
      'Ferry cafe sells good tea',
    ];
    const others = ['Call the dentist', 'Buy stamps', 'Water the plants', 'Pay the rent'];
    // Two imported documents: they pull the arithmetic mean length far up.
    const documents = [filler(3000, 9), filler(3000, 10)];
    const texts = [short, longer, ...ferries, ...others, ...documents];
    const stored = await core.archival.insertMany(
      agent.id,
      texts.map((text) => ({ text })),
    );

    // Textbook BM25 (term frequency 1), worked out here from the texts: k1, b
    // as Locus uses them, idf over this memory, and either average length.
    const { k1, b } = BM25_DEFAULTS;
    const lengths = texts.map((t) => Buffer.byteLength(t));
    const n = texts.length;
    const idf = (word: RegExp) => {
      const df = texts.filter((t) => word.test(t)).length;
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    };
    const harbour = idf(/harbour/i);
    const ferry = idf(/ferry/i);
    const arithmetic = lengths.reduce((s, l) => s + l, 0) / n;
    const geometric = Math.exp(lengths.reduce((s, l) => s + Math.log(l), 0) / n);
    const score = (weight: number, length: number, average: number) =>
      (weight * (k1 + 1)) / (1 + k1 * (1 - b + (b * length) / average));
    const [shortLength, longerLength] = [lengths[0]!, lengths[1]!];
    // The arithmetic mean puts the longer text first, the log scale the short one.
    expect(arithmetic).toBeGreaterThan(20 * geometric);
    expect(score(harbour + ferry, longerLength, arithmetic)).toBeGreaterThan(
      score(harbour, shortLength, arithmetic),
    );
    expect(score(harbour, shortLength, geometric)).toBeGreaterThan(
      score(harbour + ferry, longerLength, geometric),
    );

    const found = await core.archival.search(agent.id, { query: 'harbour ferry', mode: 'text' });
    const rank = (id: string) => found.items.findIndex((p) => p.id === id);
    expect(rank(stored[0]!.id)).toBe(0);
    expect(rank(stored[1]!.id)).toBeGreaterThan(0);
  });
});

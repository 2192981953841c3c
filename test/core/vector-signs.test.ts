import { describe, expect, it } from 'vitest';
import { BULK_FROM } from '../../src/core/memory/archival-memory';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import type { Database } from '../../src/core/storage/open-database';
import { migrations } from '../../src/core/storage/migrations/registry';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { createPassagesRepo } from '../../src/core/storage/repos/passages-repo';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';

const VECTOR_SIGNS = '1796594718177_vector_signs';

/** A 4-d vector whose signs and cosine vary with i (none of its components is zero). */
function vectorOf(i: number): number[] {
  return [
    Math.cos(i) + 0.01,
    Math.sin(i) + 0.01,
    Math.cos(i / 3) + 0.01,
    0.5 - (i % 7) / 10 + 0.01,
  ];
}
const literal = (values: number[]) => `[${values.join(',')}]`;

const QUERY = vectorOf(3.5);
const DECOYS = 100;

/**
 * 40 passages and 40 messages of two agents with fixed vectors, tags,
 * dates, roles and conversations, written in SQL so both regimes (no graph,
 * graph) see exactly the same rows; and DECOYS more of the first agent,
 * nearer the query than any other row but outside every filter (no tag, an
 * older date, the assistant's, in the hidden conversation): a filter
 * applied after taking the candidates would find nothing else.
 */
async function seed(db: Database, decoys = true): Promise<void> {
  await db.pg.exec(`
    ALTER TABLE passages ALTER COLUMN embedding TYPE vector(4);
    ALTER TABLE messages ALTER COLUMN embedding TYPE vector(4);
    INSERT INTO agents (id, name, system, model, created_at, updated_at) VALUES
      ('a1', 'Ada', '', '{}', now(), now()), ('a2', 'Bo', '', '{}', now(), now());
    INSERT INTO conversations (id, agent_id, name, remember, created_at, updated_at) VALUES
      ('c-hidden', 'a1', 'Private', true, now(), now());
  `);
  for (let i = 0; i < 40; i++) {
    const agent = i % 5 === 4 ? 'a2' : 'a1';
    const day = `2024-01-${String((i % 20) + 1).padStart(2, '0')}T00:00:00Z`;
    await db.pg.query(
      `INSERT INTO passages (id, agent_id, text, tags, source_kind, created_at, embedding)
       VALUES ($1, $2, $3, $4, 'user', $5, $6::vector)`,
      [`p${i}`, agent, `bee note ${i}`, i % 3 === 0 ? ['garden'] : [], day, literal(vectorOf(i))],
    );
    await db.pg.query(
      `INSERT INTO messages (id, agent_id, conversation_id, role, kind, content, created_at, embedding)
       VALUES ($1, $2, $3, $4, 'chat', $5, $6, $7::vector)`,
      [
        `m${i}`,
        agent,
        i % 4 === 1 && agent === 'a1' ? 'c-hidden' : null,
        i % 2 === 0 ? 'user' : 'assistant',
        `bee message ${i}`,
        day,
        literal(vectorOf(i * 7)),
      ],
    );
  }
  if (!decoys) return;
  await db.pg.query(
    `INSERT INTO passages (id, agent_id, text, source_kind, created_at, embedding)
     SELECT 'd' || j, 'a1', 'bee decoy', 'user', '2023-06-01Z',
            ('[' || ($1::float8 + j / 1000.0) || ',' || $2 || ',' || $3 || ',' || $4 || ']')::vector
     FROM generate_series(1, ${DECOYS}) j`,
    QUERY,
  );
  await db.pg.query(
    `INSERT INTO messages (id, agent_id, conversation_id, role, kind, content, created_at, embedding)
     SELECT 'e' || j, 'a1', 'c-hidden', 'assistant', 'chat', 'bee decoy', '2023-06-01Z',
            ('[' || ($1::float8 + j / 1000.0) || ',' || $2 || ',' || $3 || ',' || $4 || ']')::vector
     FROM generate_series(1, ${DECOYS}) j`,
    QUERY,
  );
}

/** Every filtered vector search the repos offer, as ids in rank order. */
async function searches(db: Database): Promise<Record<string, string[]>> {
  const passages = createPassagesRepo(db.pg);
  const messages = createMessagesRepo(db.pg);
  const vector = Float32Array.from(QUERY);
  const passage = async (filter: Record<string, unknown>) =>
    (
      await passages.search({
        filter: { agentId: 'a1', ...filter },
        text: 'bee',
        vector,
        mode: 'vector',
        limit: 8,
        offset: 0,
        candidates: 10,
        vectorWeight: 1,
        vectorScale: 10,
      })
    ).map((p) => p.id);
  const message = async (filter: Record<string, unknown>) =>
    (
      await messages.search({
        agentId: 'a1',
        text: 'bee',
        vector,
        mode: 'vector',
        limit: 8,
        offset: 0,
        candidates: 10,
        ...filter,
      })
    ).map((m) => m.id);
  const start = new Date('2024-01-05T00:00:00Z');
  const end = new Date('2024-01-12T00:00:00Z');
  return {
    passages: await passage({}),
    otherAgent: await passage({ agentId: 'a2' }),
    tags: await passage({ tags: ['garden'] }),
    dates: await passage({ start, end }),
    tagsAndDates: await passage({ tags: ['garden'], start }),
    messages: await message({}),
    roles: await message({ roles: ['user'] }),
    hidden: await message({ excludeConversations: ['c-hidden'] }),
    messageDates: await message({ start, end }),
  };
}

/** The ids an exact cosine ranking gives for the same filters (the truth both regimes must match). */
async function exact(db: Database): Promise<Record<string, string[]>> {
  const q = literal(QUERY);
  const rank = async (table: string, where: string) =>
    (
      await db.pg.query<{ id: string }>(
        `SELECT id FROM ${table} WHERE embedding IS NOT NULL AND ${where}
         ORDER BY embedding <=> '${q}'::vector LIMIT 8`,
      )
    ).rows.map((row) => row.id);
  return {
    passages: await rank('passages', "agent_id = 'a1'"),
    otherAgent: await rank('passages', "agent_id = 'a2'"),
    tags: await rank('passages', "agent_id = 'a1' AND tags && '{garden}'"),
    dates: await rank(
      'passages',
      "agent_id = 'a1' AND created_at >= '2024-01-05Z' AND created_at < '2024-01-12Z'",
    ),
    tagsAndDates: await rank(
      'passages',
      "agent_id = 'a1' AND tags && '{garden}' AND created_at >= '2024-01-05Z'",
    ),
    messages: await rank('messages', "agent_id = 'a1'"),
    roles: await rank('messages', "agent_id = 'a1' AND role = 'user'"),
    hidden: await rank(
      'messages',
      "agent_id = 'a1' AND coalesce(conversation_id, '') <> 'c-hidden'",
    ),
    messageDates: await rank(
      'messages',
      "agent_id = 'a1' AND created_at >= '2024-01-05Z' AND created_at < '2024-01-12Z'",
    ),
  };
}

/** Whether each table's sign rows are exactly its embedded rows' signs. */
async function signsInStep(db: Database): Promise<void> {
  for (const [table, signs] of [
    ['passages', 'passage_signs'],
    ['messages', 'message_signs'],
  ] as const) {
    const diff = await db.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         (SELECT id, agent_id, created_at, binary_quantize(embedding)::varbit AS sign FROM ${table}
          WHERE embedding IS NOT NULL
          EXCEPT SELECT id, agent_id, created_at, sign FROM ${signs})
         UNION ALL
         (SELECT id, agent_id, created_at, sign FROM ${signs}
          EXCEPT SELECT id, agent_id, created_at, binary_quantize(embedding)::varbit FROM ${table}
          WHERE embedding IS NOT NULL)) d`,
    );
    expect(diff.rows[0]?.n, table).toBe(0);
  }
}

describe('vector search without a graph, over a narrow table of signs', () => {
  it('applies every filter in both regimes, as an exact ranking does', async () => {
    const db = await testDatabase();
    await seed(db);
    const truth = await exact(db);
    const passages = createVectorsRepo(db.pg, 'passages');
    const messages = createVectorsRepo(db.pg, 'messages');
    expect(await passages.hasVectorIndex()).toBe(false);
    expect(await messages.hasVectorIndex()).toBe(false);
    const scanned = await searches(db);
    expect(scanned).toEqual(truth);
    // Sanity: the filters do filter.
    expect(new Set(Object.values(truth).map((ids) => ids.join()))).toHaveProperty('size', 9);

    await passages.createVectorIndex();
    await messages.createVectorIndex();
    expect(await passages.hasVectorIndex()).toBe(true);
    expect(await searches(db)).toEqual(truth);
    await db.close();
  });

  it('keeps the signs in step with inserts, re-embedding, updates and deletes', async () => {
    const db = await testDatabase();
    await seed(db);
    await signsInStep(db);
    const pg = db.pg;
    await pg.exec(`
      UPDATE passages SET embedding = '[-1,-1,1,1]' WHERE id = 'p1';
      UPDATE passages SET embedding = NULL WHERE id = 'p2';
      UPDATE passages SET created_at = '2023-06-01Z' WHERE id = 'p3';
      UPDATE passages SET tags = '{moved}' WHERE id = 'p6';
      DELETE FROM passages WHERE id = 'p5';
      UPDATE messages SET embedding = NULL WHERE conversation_id = 'c-hidden';
    `);
    await signsInStep(db);
    expect(
      (
        await pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM message_signs WHERE id = 'm1'",
        )
      ).rows[0]?.n,
    ).toBe(0);
    await createVectorsRepo(pg, 'passages').setEmbeddings([
      { id: 'p2', embedding: Float32Array.from([1, -1, 1, -1]) },
    ]);
    // An agent's deletion cascades to its rows, and their signs follow.
    await pg.exec("DELETE FROM agents WHERE id = 'a2'");
    await signsInStep(db);
    expect(
      (
        await pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM passage_signs WHERE agent_id = 'a2'",
        )
      ).rows[0]?.n,
    ).toBe(0);
    // Another embedder: the vectors are cleared, and so are their signs.
    await createVectorsRepo(pg, 'passages').resetEmbeddings(8);
    await signsInStep(db);
    expect(await createVectorsRepo(pg, 'passages').signedRows()).toBe(0);
    await db.close();
  });

  it('fills the sign tables from the stored vectors when an older folder is upgraded', async () => {
    const at = migrations.findIndex((m) => m.id === VECTOR_SIGNS);
    const old = await testDatabase({ migrations: migrations.slice(0, at) });
    await seed(old, false);
    const upgraded = await reopenTestDatabase(old, { migrations: migrations.slice(0, at + 1) });
    expect(upgraded.migration.applied).toEqual([VECTOR_SIGNS]);
    expect(await createVectorsRepo(upgraded.pg, 'passages').signedRows()).toBe(40);
    expect(await createVectorsRepo(upgraded.pg, 'messages').signedRows()).toBe(40);
    await signsInStep(upgraded);
    await upgraded.close();
  });
});

describe('the vector graph, from a size on', () => {
  it('finds by meaning with no graph below the size, and builds one once a memory grows past it', async () => {
    const core = await testCore({
      graphFromRows: 40,
      indexAfterIdleMs: 10 * 60_000,
      embedder: createFakeEmbedder({ dimensions: 64 }),
    });
    const agent = await core.agents.create({ name: 'Grower' });
    const graph = createVectorsRepo(core.database.pg, 'passages');
    for (let i = 0; i < 3; i++) {
      await core.archival.insertMany(
        agent.id,
        Array.from({ length: 10 }, (_, j) => ({ text: `grown note ${i} ${j} lantern` })),
      );
    }
    await core.upkeep.flush();
    expect(await graph.hasVectorIndex()).toBe(false);
    const found = await core.archival.search(agent.id, {
      query: 'grown note 1 4 lantern',
      mode: 'vector',
      limit: 1,
    });
    expect(found.items.map((p) => p.text)).toEqual(['grown note 1 4 lantern']);

    await core.archival.insertMany(
      agent.id,
      Array.from({ length: 15 }, (_, j) => ({ text: `grown note 3 ${j} lantern` })),
    );
    await core.upkeep.flush();
    expect(await graph.hasVectorIndex()).toBe(true);
    const again = await core.archival.search(agent.id, {
      query: 'grown note 1 4 lantern',
      mode: 'vector',
      limit: 1,
    });
    expect(again.items.map((p) => p.text)).toEqual(['grown note 1 4 lantern']);
  });

  it('builds the graph after a bulk import only when the memory is large enough', async () => {
    const core = await testCore({
      graphFromRows: BULK_FROM + 500,
      indexAfterIdleMs: 10 * 60_000,
      embedder: createFakeEmbedder({ dimensions: 64 }),
    });
    const agent = await core.agents.create({ name: 'Importer' });
    const graph = createVectorsRepo(core.database.pg, 'passages');
    const batch = (from: number) =>
      Array.from({ length: BULK_FROM }, (_, i) => ({ text: `imported row ${from + i}` }));
    await core.archival.insertMany(agent.id, batch(0));
    await core.upkeep.flush();
    expect(await graph.hasVectorIndex()).toBe(false);
    expect(await graph.signedRows()).toBe(BULK_FROM);
    await core.archival.insertMany(agent.id, batch(BULK_FROM));
    await core.upkeep.flush();
    expect(await graph.hasVectorIndex()).toBe(true);
  });
});

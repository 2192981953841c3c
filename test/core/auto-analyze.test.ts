import { describe, expect, it } from 'vitest';
import { createAutoAnalyze } from '../../src/core/storage/auto-analyze';
import { createConversationsRepo } from '../../src/core/storage/repos/conversations-repo';
import { REWRITTEN_TABLES } from '../../src/core/storage/repos/maintenance-repo';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { testDatabase } from '../helpers/test-core';

async function setup() {
  const db = await testDatabase();
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ('a', 'a', '', '{}'::jsonb, now(), now())`,
  );
  await db.pg.query(
    `INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
     VALUES ('a', 'a', 'a', now(), now())`,
  );
  return db;
}

let serial = 0;
/** One message at a time into the context, as the agent loop writes them. */
async function chat(db: Awaited<ReturnType<typeof setup>>, n: number): Promise<void> {
  const messages = createMessagesRepo(db.pg);
  for (let i = 0; i < n; i++) {
    serial++;
    await messages.insert(
      {
        id: `message-${crypto.randomUUID()}`,
        agentId: 'a',
        conversationId: 'a',
        role: 'user',
        kind: 'chat',
        content: `message ${serial}`,
        toolCalls: null,
        toolCallId: null,
        name: null,
        createdAt: new Date().toISOString(),
      },
      { intoContext: true },
    );
  }
}

async function rewrittenBytes(db: Awaited<ReturnType<typeof setup>>): Promise<number> {
  const result = await db.pg.query<{ n: number }>(
    `SELECT sum(pg_total_relation_size(t::regclass))::int AS n FROM unnest($1::text[]) AS t`,
    [[...REWRITTEN_TABLES]],
  );
  return result.rows[0]?.n ?? 0;
}

describe('database upkeep', () => {
  it('analyses a table that grew, so the planner sees its size', async () => {
    const db = await setup();
    const upkeep = createAutoAnalyze(db.pg);
    await chat(db, 150);
    expect(await upkeep.check()).toContain('messages');
    const planned = await db.pg.query<{ n: number }>(
      "SELECT reltuples::int AS n FROM pg_class WHERE oid = 'messages'::regclass",
    );
    expect(planned.rows[0]?.n).toBe(150);
    expect(await upkeep.check()).toEqual([]);
  });

  it('analyses a table whose row estimate came from an index build, not from ANALYZE', async () => {
    const db = await setup();
    const upkeep = createAutoAnalyze(db.pg);
    await chat(db, 150);
    // CREATE INDEX sets pg_class.reltuples to the rows it saw, statistics untouched.
    await db.pg.exec('CREATE INDEX messages_probe ON messages (created_at)');
    expect(await upkeep.check()).toContain('messages');
    const stats = await db.pg.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'messages'",
    );
    expect(stats.rows[0]?.n).toBeGreaterThan(0);
  });

  it('analyses a table a bulk load wrote even when its row estimate looks current', async () => {
    const db = await setup();
    const upkeep = createAutoAnalyze(db.pg);
    await chat(db, 150);
    expect(await upkeep.check()).toContain('messages');
    expect(await upkeep.check()).toEqual([]);
    expect(await upkeep.check(['messages'])).toEqual(['messages']);
  });

  it('merges a word index a stopped bulk load left taking rows into its pending list', async () => {
    const db = await setup();
    // What a process that stopped between a bulk load and its pause leaves behind.
    await db.pg.exec('ALTER INDEX passages_tsv SET (fastupdate = on)');
    await db.pg.query(
      `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
       SELECT 'p' || i, 'a', 'pending note ' || i, 'agent', now() FROM generate_series(1, 200) AS i`,
    );
    await createAutoAnalyze(db.pg).check();
    const options = await db.pg.query<{ reloptions: string[] }>(
      "SELECT reloptions FROM pg_class WHERE oid = 'passages_tsv'::regclass",
    );
    expect(options.rows[0]?.reloptions).toEqual(['fastupdate=off']);
    const left = await db.pg.query<{ pages: number }>(
      "SELECT gin_clean_pending_list('passages_tsv'::regclass)::int AS pages",
    );
    expect(left.rows[0]?.pages).toBe(0);
    const found = await db.pg.query<{ id: string }>(
      "SELECT id FROM passages WHERE tsv @@ plainto_tsquery('english', 'pending') ORDER BY id LIMIT 1",
    );
    expect(found.rows.map((r) => r.id)).toEqual(['p1']);
  });

  it('keeps the tables every message rewrites from growing without bound', async () => {
    const db = await setup();
    const upkeep = createAutoAnalyze(db.pg);
    const conversations = createConversationsRepo(db.pg);
    const thread = { id: 'a', agentId: 'a' };
    const rounds: number[] = [];
    for (let round = 0; round < 6; round++) {
      await chat(db, 150);
      // Eviction keeps the newest part of the context, as summarising does.
      await db.pg.transaction(async (tx) => {
        const kept = (await createConversationsRepo(tx).getContextMessageIds('a')).slice(-80);
        await createConversationsRepo(tx).setContextMessageIds(thread, kept);
      });
      upkeep.noteWrites(500);
      await upkeep.maybeAnalyze();
      rounds.push(await rewrittenBytes(db));
    }
    expect(await conversations.getContextMessageIds('a')).toHaveLength(80);
    // Without the vacuum the dead rows' space is never reused and the
    // tables grow every round; with it they stay flat.
    expect(rounds.at(-1)).toBeLessThan((rounds[1] as number) * 1.25);
  });
});

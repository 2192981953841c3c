import { describe, expect, it } from 'vitest';
import { createAutoAnalyze } from '../../src/core/storage/auto-analyze';
import { openDatabase } from '../../src/core/storage/open-database';
import { createAgentsRepo } from '../../src/core/storage/repos/agents-repo';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { onCleanup, templateBlob } from '../helpers/test-core';

async function setup() {
  const db = await openDatabase({ template: templateBlob() });
  onCleanup(() => db.close());
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ('a', 'a', '', '{}'::jsonb, now(), now())`,
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

async function agentsBytes(db: Awaited<ReturnType<typeof setup>>): Promise<number> {
  const result = await db.pg.query<{ n: number }>(
    "SELECT pg_total_relation_size('agents')::int AS n",
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

  it("keeps the agent's row from growing without bound as messages are written", async () => {
    const db = await setup();
    const upkeep = createAutoAnalyze(db.pg);
    const agents = createAgentsRepo(db.pg);
    // A context of ~150 ids is TOASTed; every message rewrites it.
    const rounds: number[] = [];
    for (let round = 0; round < 6; round++) {
      await chat(db, 150);
      // Eviction keeps the newest part of the context, as summarising does.
      await agents.setContextMessageIds('a', (await agents.getContextMessageIds('a')).slice(-80));
      upkeep.noteWrites(500);
      await upkeep.maybeAnalyze();
      rounds.push(await agentsBytes(db));
    }
    // Without the vacuum each round leaves ~150 dead copies behind (the
    // table grew by ~1.1 MB a round, 6.4 MB after six); with it the space is reused.
    expect(rounds.at(-1)).toBeLessThan((rounds[1] as number) * 1.25);
  });
});

import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/storage/open-database';
import { migrations } from '../../src/core/storage/migrations/registry';
import { migrationsBefore } from '../helpers/migrations-before';
import { createAgentsRepo } from '../../src/core/storage/repos/agents-repo';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { createPassagesRepo } from '../../src/core/storage/repos/passages-repo';
import { reopenTestDatabase, testDatabase } from '../helpers/test-core';

const COUNTS_MIGRATION = '1764300000000_memory_counts';

async function addAgent(db: Database, id: string): Promise<void> {
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ($1, $1, '', '{}'::jsonb, now(), now())`,
    [id],
  );
}

async function addMessages(db: Database, agentId: string, n: number): Promise<void> {
  await db.pg.query(
    `INSERT INTO messages (id, agent_id, role, content, created_at)
     SELECT $1 || '-m' || g, $1, 'user', 'hello ' || g, now() FROM generate_series(1, $2) g`,
    [agentId, n],
  );
}

async function addPassages(db: Database, agentId: string, n: number): Promise<void> {
  await db.pg.query(
    `INSERT INTO passages (id, agent_id, text, source_kind, created_at)
     SELECT $1 || '-p' || g, $1, 'fact ' || g, 'agent', now() FROM generate_series(1, $2) g`,
    [agentId, n],
  );
}

/** What count(*) says, to hold the trigger-kept numbers against. */
async function counted(db: Database, agentId: string) {
  const result = await db.pg.query<{ messages: number; passages: number }>(
    `SELECT (SELECT count(*)::int FROM messages WHERE agent_id = $1) AS messages,
            (SELECT count(*)::int FROM passages WHERE agent_id = $1) AS passages`,
    [agentId],
  );
  return result.rows[0];
}

describe('memory counts', () => {
  it('are filled in for memory stored before the migration', async () => {
    const before = migrationsBefore(COUNTS_MIGRATION);
    const old = await testDatabase({ migrations: before });
    await addAgent(old, 'a');
    await addAgent(old, 'empty');
    await addMessages(old, 'a', 7);
    await addPassages(old, 'a', 3);

    const db = await reopenTestDatabase(old);
    expect(db.migration.applied).toEqual(migrations.slice(before.length).map((m) => m.id));
    expect(db.migration.applied[0]).toBe(COUNTS_MIGRATION);
    const agents = createAgentsRepo(db.pg);
    expect(await agents.memoryCounts('a')).toEqual({ messages: 7, passages: 3 });
    expect(await agents.memoryCounts('empty')).toEqual({ messages: 0, passages: 0 });
  });

  it('follow single and bulk inserts, deletes and a deleted agent', async () => {
    const db = await testDatabase();
    const agents = createAgentsRepo(db.pg);
    await addAgent(db, 'a');
    await addAgent(db, 'b');
    expect(await agents.memoryCounts('a')).toEqual({ messages: 0, passages: 0 });

    await addMessages(db, 'a', 1);
    await addMessages(db, 'b', 250);
    await addPassages(db, 'a', 40);
    await db.pg.query("DELETE FROM passages WHERE agent_id = 'a' AND text LIKE 'fact 1%'");
    await db.pg.query("DELETE FROM messages WHERE id = 'b-m1'");
    // a-p1 is free again but a-p2 is taken: the failed statement must count nothing.
    await expect(addPassages(db, 'a', 2)).rejects.toThrow(/duplicate key/);

    for (const id of ['a', 'b'])
      expect(await agents.memoryCounts(id)).toEqual(await counted(db, id));
    expect(await agents.memoryCounts('a')).toEqual({ messages: 1, passages: 29 });
    expect(await createMessagesRepo(db.pg).countAll()).toBe(250);
    expect(await createPassagesRepo(db.pg).count()).toEqual({ total: 29, pending: 29 });

    await agents.delete('b');
    expect(await agents.memoryCounts('b')).toEqual({ messages: 0, passages: 0 });
    expect(await createMessagesRepo(db.pg).countAll()).toBe(1);
  });
});

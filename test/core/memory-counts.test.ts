import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/storage/open-database';
import { migrations } from '../../src/core/storage/migrations/registry';
import { migrationsBefore } from '../helpers/migrations-before';
import { createAgentsRepo } from '../../src/core/storage/repos/agents-repo';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { createPassagesRepo } from '../../src/core/storage/repos/passages-repo';
import { reopenTestDatabase, testDatabase } from '../helpers/test-core';

const COUNTS_MIGRATION = '1764300000000_memory_counts';
const LENGTHS_MIGRATION = '1796575877662_search_lengths';

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

  it("keep each agent's total length of indexed text, before and after the lengths migration", async () => {
    const before = migrationsBefore(LENGTHS_MIGRATION);
    const old = await testDatabase({ migrations: before });
    await addAgent(old, 'a');
    await addAgent(old, 'empty');
    await addMessages(old, 'a', 7);
    await addPassages(old, 'a', 3);
    await old.pg.query("UPDATE messages SET reply = 'a reply told to the user' WHERE id = 'a-m1'");

    const db = await reopenTestDatabase(old);
    expect(db.migration.applied[0]).toBe(LENGTHS_MIGRATION);
    expect(await lengths(db, 'a')).toEqual(await measured(db, 'a'));
    expect(await lengths(db, 'a')).toMatchObject({ passages: 3 * 'fact 1'.length });
    expect(await lengths(db, 'empty')).toEqual({ messages: 0, passages: 0 });

    await addAgent(db, 'b');
    await addMessages(db, 'b', 120);
    await addPassages(db, 'b', 12);
    await db.pg.query("DELETE FROM passages WHERE id = 'a-p1'");
    await db.pg.query("UPDATE passages SET text = text || ' and more words' WHERE id = 'a-p2'");
    // Not the indexed text: nothing moves.
    await db.pg.query("UPDATE passages SET tags = '{x}' WHERE id = 'a-p3'");
    await db.pg.query(
      "UPDATE messages SET reply = 'a much longer reply, told to the user' WHERE id = 'a-m1'",
    );
    await db.pg.query("UPDATE messages SET reply = 'short' WHERE id = 'b-m5'");
    await db.pg.query("DELETE FROM messages WHERE agent_id = 'b' AND content LIKE 'hello 1%'");
    for (const id of ['a', 'b']) expect(await lengths(db, id)).toEqual(await measured(db, id));
    await createAgentsRepo(db.pg).delete('b');
    expect(await lengths(db, 'b')).toEqual({ messages: 0, passages: 0 });
  });
});

/** The trigger-kept length totals of an agent (0 when it has none). */
async function lengths(db: Database, agentId: string) {
  const result = await db.pg.query<{ messages: number; passages: number }>(
    `SELECT coalesce(max(messages_length), 0)::int AS messages,
            coalesce(max(passages_length), 0)::int AS passages
     FROM memory_counts WHERE agent_id = $1`,
    [agentId],
  );
  return result.rows[0];
}

/** The same totals measured over the rows: what full-text search indexes (a message's reply, else its content). */
async function measured(db: Database, agentId: string) {
  const result = await db.pg.query<{ messages: number; passages: number }>(
    `SELECT (SELECT coalesce(sum(octet_length(coalesce(reply, content))), 0)::int
             FROM messages WHERE agent_id = $1) AS messages,
            (SELECT coalesce(sum(octet_length(text)), 0)::int FROM passages WHERE agent_id = $1) AS passages`,
    [agentId],
  );
  return result.rows[0];
}

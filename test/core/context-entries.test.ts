import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/storage/open-database';
import { createAgentsRepo } from '../../src/core/storage/repos/agents-repo';
import { createConversationsRepo } from '../../src/core/storage/repos/conversations-repo';
import { createForgetRepo } from '../../src/core/storage/repos/forget-repo';
import { createMessagesRepo } from '../../src/core/storage/repos/messages-repo';
import { reopenTestDatabase, testDatabase } from '../helpers/test-core';
import { migrationsBefore } from '../helpers/migrations-before';

const CONTEXT_MIGRATION = '1764400000000_context_entries';

async function addAgent(db: Database, id: string, contextIds?: string[]): Promise<void> {
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ($1, $1, '', '{}'::jsonb, now(), now())`,
    [id],
  );
  if (contextIds) {
    await db.pg.query('UPDATE agents SET context_message_ids = $2::jsonb WHERE id = $1', [
      id,
      JSON.stringify(contextIds),
    ]);
  }
}

/** An agent as the schema has it now: with one conversation, named by the agent's id. */
async function addCurrentAgent(db: Database, id: string): Promise<void> {
  await addAgent(db, id);
  await db.pg.query(
    `INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
     VALUES ($1, $1, $1, now(), now())`,
    [id],
  );
}

function message(id: string, agentId: string) {
  return {
    id,
    agentId,
    conversationId: agentId,
    role: 'user' as const,
    kind: 'chat' as const,
    content: `text of ${id}`,
    toolCalls: null,
    toolCallId: null,
    name: null,
    createdAt: new Date().toISOString(),
  };
}

describe("an agent's context entries", () => {
  it('are carried over, in order, from the list stored in the agent row', async () => {
    const before = migrationsBefore(CONTEXT_MIGRATION);
    const old = await testDatabase({ migrations: before });
    // A summary first although written last: the order is the list's, not the ids'.
    await addAgent(old, 'a', ['m-summary', 'm-1', 'm-2', 'm-3']);
    await addAgent(old, 'empty', []);

    const db = await reopenTestDatabase(old);
    expect(db.migration.applied[0]).toBe(CONTEXT_MIGRATION);
    const agents = createAgentsRepo(db.pg);
    // Later, each agent's context became its first conversation's, named by the agent's id.
    const conversations = createConversationsRepo(db.pg);
    expect(await conversations.getContextMessageIds('a')).toEqual([
      'm-summary',
      'm-1',
      'm-2',
      'm-3',
    ]);
    expect(await conversations.getContextMessageIds('empty')).toEqual([]);
    expect((await agents.stepState('a', 'a'))?.contextIds).toEqual([
      'm-summary',
      'm-1',
      'm-2',
      'm-3',
    ]);
    const column = await db.pg.query(
      "SELECT 1 FROM information_schema.columns WHERE table_name = 'agents' AND column_name = 'context_message_ids'",
    );
    expect(column.rows).toEqual([]);
  });

  it('append after a replaced context, per agent, and go with their agent', async () => {
    const db = await testDatabase();
    await addCurrentAgent(db, 'a');
    await addCurrentAgent(db, 'b');
    const agents = createAgentsRepo(db.pg);
    const conversations = createConversationsRepo(db.pg);
    const messages = createMessagesRepo(db.pg);
    await messages.insertMany([message('a1', 'a'), message('a2', 'a')], { intoContext: true });
    await messages.insert(message('b1', 'b'), { intoContext: true });
    await messages.insert(message('a-out', 'a'));
    await db.pg.transaction((tx) =>
      createConversationsRepo(tx).setContextMessageIds({ id: 'a', agentId: 'a' }, ['a2']),
    );
    await messages.insert(message('a3', 'a'), { intoContext: true });
    expect(await conversations.getContextMessageIds('a')).toEqual(['a2', 'a3']);
    expect(await conversations.getContextMessageIds('b')).toEqual(['b1']);
    // Messages for a context must all be that agent's.
    await expect(
      messages.insertMany([message('x1', 'a'), message('x2', 'b')], { intoContext: true }),
    ).rejects.toThrow(RangeError);

    await agents.delete('a');
    const left = await db.pg.query<{ agent_id: string }>(
      'SELECT DISTINCT agent_id FROM context_entries',
    );
    expect(left.rows).toEqual([{ agent_id: 'b' }]);
  });

  it("are read with the count of the agent's messages rewritten in place, which embeddings do not move", async () => {
    const db = await testDatabase();
    await addCurrentAgent(db, 'a');
    const conversations = createConversationsRepo(db.pg);
    const messages = createMessagesRepo(db.pg);
    await messages.insertMany(
      [message('a1', 'a'), { ...message('a2', 'a'), role: 'system', kind: 'memories' }],
      { intoContext: true },
    );
    const rewrites = async () => ({
      context: (await conversations.getContext('a', 'a')).rewrites,
      step: (await createAgentsRepo(db.pg).stepState('a', 'a'))?.rewrites,
    });
    expect(await conversations.getContext('a', 'a')).toEqual({ ids: ['a1', 'a2'], rewrites: 0 });
    expect(await rewrites()).toEqual({ context: 0, step: 0 });

    await createForgetRepo(db.pg).rewriteDerived('a2', 'memories', '{"items":[],"tokens":0}');
    expect(await rewrites()).toEqual({ context: 1, step: 1 });
    // The same text again, or a vector written beside it, is no rewrite.
    await createForgetRepo(db.pg).rewriteDerived('a2', 'memories', '{"items":[],"tokens":0}');
    await db.pg.query("UPDATE messages SET embedding = NULL WHERE agent_id = 'a'");
    expect(await rewrites()).toEqual({ context: 1, step: 1 });
  });
});
